import Foundation
import RunWatchCore
import RunWatchTesting
import Testing

@testable import RunWatch

@Suite struct ReloadTests {
    @Test func aReloadSwapsNotifiersAndKeepsWatching() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.notifiers = [.init(name: "ops", kind: .slack, url: hooks + "/before", groupWindow: .zero, minInterval: .zero)]
                }
            ) { h in
                let failing = RunScript(stages: [.init("running", seconds: 0.2), .init("failed", seconds: 0)], success: false)
                h.simulator.addRun(1, script: failing)
                try h.submit([1])
                let first = await waitUntil(timeout: .seconds(10)) { h.receiver.deliveries.count == 1 }
                #expect(first)

                var changed = h.daemon.currentConfiguration
                changed.notifiers = [.init(name: "ops", kind: .slack, url: h.hooksURL + "/after", groupWindow: .zero, minInterval: .zero)]
                changed.api.batchSize = 7
                try h.daemon.reload(changed)
                h.simulator.addRun(2, script: failing)
                try h.submit([2])
                let second = await waitUntil(timeout: .seconds(10)) { h.receiver.deliveries.count == 2 }
                #expect(second)
                #expect(h.receiver.deliveries.map(\.path) == ["/before", "/after"])
                #expect(h.daemon.currentConfiguration.api.batchSize == 7)
            }
        }
    }

    @Test func aReloadThatMovesTheStoreOrSpoolIsRefusedAndChangesNothing() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(simulator: CekuraSimulator.Options(), in: dir) { h in
                let before = h.daemon.currentConfiguration
                var moved = before
                moved.stateDir = dir + "/elsewhere"
                moved.api.batchSize = 3
                #expect { try h.daemon.reload(moved) } throws: { "\($0)".contains("state_dir cannot change on reload") }
                var spool = before
                spool.spoolDir = dir + "/other-spool"
                #expect { try h.daemon.reload(spool) } throws: { "\($0)".contains("spool_dir cannot change on reload") }
                var broken = before
                broken.notifiers = [.init(name: "x", kind: .webhook, urlFile: dir + "/missing-url")]
                #expect { try h.daemon.reload(broken) } throws: { "\($0)".contains("cannot read") }
                #expect(h.daemon.currentConfiguration == before)
            }
        }
    }

    @Test func aStalledLoopIsReportedOnceItBreaksItsPromise() {
        let heartbeat = Heartbeat(grace: .zero)
        heartbeat.beat("poller-0", nextWithin: .seconds(5))
        heartbeat.beat("notifier-ops", nextWithin: .seconds(60))
        let now = ContinuousClock.now
        #expect(heartbeat.stalled(at: now).isEmpty)
        #expect(heartbeat.stalled(at: now + .seconds(10)) == ["poller-0"])
        heartbeat.retire("poller-0")
        #expect(heartbeat.stalled(at: now + .seconds(10)).isEmpty)
        #expect(heartbeat.stalled(at: now + .seconds(61)) == ["notifier-ops"])
    }
}

@Suite struct JournalFieldTests {
    @Test(arguments: [
        ("run_id", "RUN_ID"), ("status", "RUN_STATUS"), ("notifier", "NOTIFIER"), ("retry_in_s", "RETRY_IN_S"), ("_x-y", "X_Y"), ("1a", "F1A"),
    ])
    func metadataKeysBecomeJournalFields(key: String, field: String) {
        #expect(JournalLogHandler.fieldName(key) == field)
    }

    @Test func journalOnlyWhenStderrIsTheJournalStream() {
        #expect(!JournalLogHandler.isJournalConnected(environment: [:]))
        #expect(!JournalLogHandler.isJournalConnected(environment: ["JOURNAL_STREAM": "1:2"]))
    }
}

@Suite struct DoorbellTests {
    @Test func closingWakesEveryWaiterNowAndLater() async {
        let bell = Doorbell()
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { await bell.wait(timeout: .seconds(60)) } }
            try? await Task.sleep(for: .milliseconds(50))
            bell.close()
        }
        await bell.wait(timeout: .seconds(60))
        // Well under the 60 s timeout, with room for a loaded CI machine (10 s was seen).
        #expect(ContinuousClock.now - started < .seconds(40), "waiters slept through close()")
    }

    @Test func aRingWithNobodyWaitingIsKeptForTheNextWaiter() async {
        let bell = Doorbell()
        bell.ring()
        let started = ContinuousClock.now
        await bell.wait(timeout: .seconds(60))
        #expect(ContinuousClock.now - started < .seconds(40), "the ring was lost: the waiter slept to its timeout")
    }
}
