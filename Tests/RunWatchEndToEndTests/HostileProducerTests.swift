import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// The daemon against hostile or careless producers: READY comes and ingest goes on
/// whatever sits in new/, a symlinked secret goes nowhere, and another team's file cannot
/// silence a run.
@Suite(.timeLimit(.minutes(3))) struct HostileProducerTests {
    static let secret = "sk-live-FAKEKEY-e2e-0123456789"
    static let failing = RunScript(stages: [.init("running", seconds: 0.2), .init("failed", seconds: 0)], success: false)

    func hook(_ name: String, _ hooks: String) -> Configuration.Notifier {
        .init(name: name, kind: .webhook, url: hooks + "/" + name)
    }

    @Test func aFIFOAndASocketInNewAtStartDoNotHoldReadyBack() async throws {
        try await withTemporaryDirectory { dir in
            let spool = InProcessDaemon.spool(in: dir)
            try spool.prepare()
            try SpecialFiles.fifo(at: spool.new + "/1-pipe.ids")
            try SpecialFiles.socket(at: spool.new + "/2-socket.ids")
            try SpoolWriter.submit(SpoolSubmission(runIDs: [1, 2, 3]), to: spool)
            // TestBed.run prepares the daemon (what comes before READY=1): it must return.
            try await TestBed.run(simulator: CekuraSimulator.Options(), in: dir) { h in
                h.simulator.addRandomRuns(1...3)
                #expect(await waitUntil(timeout: .seconds(20)) { (try? await h.daemon.store.summary().runsByStatus.values.reduce(0, +)) == 3 })
                let rejected = try FileManager.default.contentsOfDirectory(atPath: spool.rejected).sorted()
                #expect(rejected == ["1-pipe.ids", "1-pipe.ids.reason", "2-socket.ids", "2-socket.ids.reason"])
            }
        }
    }

    @Test func aFIFOAndASocketAtRunTimeNeverStopIngestOrTheWatchdog() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(simulator: CekuraSimulator.Options(), in: dir) { h in
                try SpecialFiles.fifo(at: h.spool.new + "/1-pipe.ids")
                try SpecialFiles.socket(at: h.spool.new + "/2-socket.ids")
                h.simulator.addRandomRuns(1...3)
                try h.submit([1, 2, 3])
                #expect(
                    await waitUntil(timeout: .seconds(20)) { (try? FileManager.default.contentsOfDirectory(atPath: h.spool.new))?.isEmpty == true })
                #expect(await waitUntil(timeout: .seconds(20)) { (try? await h.daemon.store.summary().runsByStatus.values.reduce(0, +)) == 3 })
                #expect(h.daemon.heartbeat.stalled().isEmpty)
                #expect(FileManager.default.fileExists(atPath: h.spool.rejected + "/1-pipe.ids.reason"))
                #expect(FileManager.default.fileExists(atPath: h.spool.rejected + "/2-socket.ids.reason"))
            }
        }
    }

    @Test func theSpoolLoopIsPartOfTheWatchdogCheck() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(simulator: CekuraSimulator.Options(), in: dir) { h in
                // The loop has promised its next scan: an hour from now, with no beat since,
                // it would count as stalled and the watchdog would stop being fed.
                #expect(await waitUntil(timeout: .seconds(10)) { h.daemon.heartbeat.stalled(at: .now + .seconds(3600)).contains("spool") })
                #expect(!h.daemon.heartbeat.stalled().contains("spool"))
            }
        }
    }

    @Test func aSymlinkedSecretReachesNoReasonLogStoreStatusOrDelivery() async throws {
        try await withTemporaryDirectory { dir in
            let recorder = LogRecorder()
            let secretPath = dir + "/cekura-api-key"
            try writeFile(secretPath, Self.secret)
            try await TestBed.run(
                simulator: CekuraSimulator(options: CekuraSimulator.Options()), in: dir, logger: recorder.logger(),
                configure: { config, hooks in config.notifiers = [hook("ops", hooks)] }
            ) { h in
                try SpecialFiles.symlink(at: h.spool.new + "/key.ids", to: secretPath)
                try SpecialFiles.symlink(at: h.spool.new + "/key.json", to: secretPath)
                h.simulator.addRun(5, script: Self.failing)
                try h.submit([5])
                #expect(await waitUntil(timeout: .seconds(30)) { await h.settled(expecting: 1) })
                #expect(h.receiver.deliveries.count == 1)
                #expect(!h.receiver.allRequests.contains { $0.body.range(of: Data("FAKEKEY".utf8)) != nil }, "no delivery holds it")
            }
            let needle = Data("FAKEKEY".utf8)
            let spool = InProcessDaemon.spool(in: dir)
            #expect(SpecialFiles.allBytes(under: spool.rejected).range(of: needle) == nil, "no reason holds it")
            #expect(try String(contentsOfFile: spool.rejected + "/key.ids.reason", encoding: .utf8).contains("a symbolic link"))
            #expect(SpecialFiles.allBytes(under: InProcessDaemon.stateDirectory(in: dir)).range(of: needle) == nil, "no store row holds it")
            #expect(!recorder.all.contains { $0.contains("FAKEKEY") }, "no log line holds it")
            #expect(!recorder.all.isEmpty)
            let state = InProcessDaemon.stateDirectory(in: dir)
            for arguments in [["status", "--state-dir", state], ["show", "--state-dir", state, "5"], ["outbox", "list", "--state-dir", state]] {
                let (_, output) = try await runProcess(builtProduct("runwatch"), arguments)
                #expect(!output.contains("FAKEKEY"), "\(arguments[0]) output")
            }
        }
    }

    @Test func runwatchSubmitRefusesWhatTheDaemonWouldSetAside() async throws {
        try await withTemporaryDirectory { dir in
            try SpoolDirectory(root: dir).prepare()
            let long = String(repeating: "v", count: 513)
            let (status, output) = try await runProcess(builtProduct("runwatch"), ["submit", "--spool-dir", dir, "--label", "k=" + long, "5"])
            #expect(status == 64)
            #expect(output.contains("labels: label 1 of 1: its value is 513 bytes; the limit is 512 bytes"))
            let ids = (1...100_001).map(String.init).joined(separator: "\n")
            let (manyStatus, manyOutput) = try await runProcess(builtProduct("runwatch"), ["submit", "--spool-dir", dir], stdin: ids)
            #expect(manyStatus == 64)
            #expect(manyOutput.contains("more than 100000 distinct run ids"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/new").isEmpty, "nothing submitted")
        }
    }

    @Test func aSecondProducersEmptyNotifierListDoesNotMuteTheFirstTeam() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in config.notifiers = [hook("team-a", hooks), hook("team-b", hooks)] }
            ) { h in
                h.simulator.addRun(9, script: RunScript(stages: [.init("running", seconds: 2), .init("failed", seconds: 0)], success: false))
                try h.submit([9], labels: ["team": "a"], notifiers: ["team-a"])
                #expect(await waitUntil(timeout: .seconds(10)) { h.daemon.poller.watchedCount == 1 })
                // Another team's job names the same run with an empty list and its own label.
                try h.submit([9], labels: ["team": "b"], notifiers: [])
                #expect(
                    await waitUntil(timeout: .seconds(10)) { (try? FileManager.default.contentsOfDirectory(atPath: h.spool.new))?.isEmpty == true })
                #expect(await waitUntil(timeout: .seconds(30)) { await h.settled(expecting: 1) })
                let paths = h.receiver.deliveries.map(\.path)
                #expect(paths == ["/team-a"], "team A is still told; team B was never named")
                let labels = (h.receiver.deliveries.first?.json?["data"] as? [String: Any])?["labels"] as? [String: String]
                #expect(labels == ["team": "a"], "the first writer's label stays")
            }
        }
    }
}
