import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// `console.public_url` end to end: the daemon drafts console links into what it sends
/// (a webhook receiver over loopback reads them), and a reload's new address applies to
/// messages drafted after it.
@Suite struct ConsoleLinkTests {
    static let failing = RunScript(stages: [.init("running", seconds: 0.3), .init("failed", seconds: 0)], success: false)
    static let passing = RunScript(stages: [.init("running", seconds: 0.3), .init("completed", seconds: 0)], success: true)

    static func deliveries(_ h: TestBed, type: String) -> [[String: Any]] {
        h.receiver.deliveries.filter { $0.path == "/ci" }.compactMap(\.json).filter { $0["type"] as? String == type }
    }

    static func suiteCompleted(_ h: TestBed, _ suite: String) -> [String: Any]? {
        deliveries(h, type: SuiteReport.eventType).compactMap { $0["data"] as? [String: Any] }.first { $0["suite"] as? String == suite }
    }

    static func runFailed(_ h: TestBed, _ id: RunID) -> [String: Any]? {
        deliveries(h, type: "run.failed").compactMap { $0["data"] as? [String: Any] }.first { $0["run_id"] as? Int == Int(id) }
    }

    @Test func deliveredMessagesLinkToTheConsoleAndAReloadMovesTheLinks() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.suites.quietPeriod = .milliseconds(500)
                    config.console.publicURL = "https://runwatch.example.com/ops/"
                    config.notifiers = [.init(name: "ci", kind: .webhook, url: hooks + "/ci", events: [.failed])]
                }
            ) { h in
                h.simulator.addRun(1, script: Self.passing)
                h.simulator.addRun(2, script: Self.failing)
                try SpoolWriter.submit(SpoolSubmission(runIDs: [1, 2], labels: ["suite": "night ly"], suite: "night ly"), to: h.spool)
                let delivered = await waitUntil(timeout: .seconds(60)) {
                    Self.suiteCompleted(h, "night ly") != nil && Self.runFailed(h, 2) != nil
                }
                #expect(delivered)
                let report = try #require(try await h.daemon.store.suiteReport(name: "night ly"))
                let suite = try #require(Self.suiteCompleted(h, "night ly"))
                #expect(suite["console_url"] as? String == "https://runwatch.example.com/ops/suites/night%20ly/\(report.instance)")
                #expect(Self.runFailed(h, 2)?["console_url"] as? String == "https://runwatch.example.com/ops/runs/2")

                // A new address applies to what is drafted after the reload; without one,
                // messages carry no console link at all.
                var moved = h.daemon.currentConfiguration
                moved.console.publicURL = "https://rw.example.net"
                try h.daemon.reload(moved)
                h.simulator.addRun(3, script: Self.failing)
                try SpoolWriter.submit(SpoolSubmission(runIDs: [3], labels: ["suite": "smoke"], suite: "smoke"), to: h.spool)
                let afterReload = await waitUntil(timeout: .seconds(60)) { Self.suiteCompleted(h, "smoke") != nil && Self.runFailed(h, 3) != nil }
                #expect(afterReload)
                let smoke = try #require(try await h.daemon.store.suiteReport(name: "smoke"))
                #expect(Self.suiteCompleted(h, "smoke")?["console_url"] as? String == "https://rw.example.net/suites/smoke/\(smoke.instance)")
                #expect(Self.runFailed(h, 3)?["console_url"] as? String == "https://rw.example.net/runs/3")

                var unset = h.daemon.currentConfiguration
                unset.console.publicURL = nil
                try h.daemon.reload(unset)
                h.simulator.addRun(4, script: Self.failing)
                try SpoolWriter.submit(SpoolSubmission(runIDs: [4], labels: ["suite": "late"], suite: "late"), to: h.spool)
                let unlinked = await waitUntil(timeout: .seconds(60)) { Self.suiteCompleted(h, "late") != nil && Self.runFailed(h, 4) != nil }
                #expect(unlinked)
                #expect(Self.suiteCompleted(h, "late")?.keys.contains("console_url") == false)
                #expect(Self.runFailed(h, 4)?.keys.contains("console_url") == false)
            }
        }
    }
}
