import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// `runwatch wait --suite NAME --result ID`, the built binary, against a daemon and the
/// simulator: for a result new to the daemon, and for one it already knows (submitted
/// earlier without the suite, or by a retried CI job), the wait settles with the verdict.
@Suite(.serialized) struct WaitSuiteResultTests {
    func wait(_ bed: TestBed, _ arguments: [String]) async throws -> (Int32, String) {
        let folders = ["--spool-dir", bed.configuration.spoolDir, "--state-dir", bed.configuration.stateDir, "--interval", "200ms"]
        return try await runProcess(builtProduct("runwatch"), ["wait"] + folders + arguments, environment: ["PATH": "/usr/bin:/bin"])
    }

    @Test func aSuiteAndAResultSettleWhetherTheResultIsNewOrAlreadyKnown() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(simulator: CekuraSimulator(), in: dir) { h in
                let passes = RunScript(stages: [.init("running", seconds: 0.5), .init("completed", seconds: 0)], success: true)
                h.simulator.addResult(8123, runs: [9001, 9002], script: passes)
                h.simulator.addResult(8124, runs: [9101, 9102], script: passes)

                // A result new to the daemon.
                let (fresh, freshOutput) = try await wait(h, ["--timeout", "60s", "--suite", "ci-42", "--result", "8123"])
                #expect(fresh == 0, "\(freshOutput)")
                #expect(freshOutput.contains("passed: 2 of 2 passed"), "\(freshOutput)")

                // A result the daemon already knows: submitted earlier without a suite, expanded
                // and ended; then a CI job waits for it in its own suite.
                try ResultExpansionEndToEndTests.submitResults([8124], to: h.spool)
                let known = await waitUntil(timeout: .seconds(60), every: .milliseconds(100)) {
                    guard await ResultExpansionEndToEndTests.state(8124, h) == "stable" else { return false }
                    return await h.settled(expecting: 4)
                }
                #expect(known, "result 8124 expanded and its runs ended")
                let (again, againOutput) = try await wait(h, ["--timeout", "40s", "--suite", "ci-43", "--result", "8124"])
                #expect(again == 0, "\(againOutput)")
                #expect(againOutput.contains("passed: 2 of 2 passed"), "\(againOutput)")
                // Its runs join the suite named now, so the daemon's verdict of ci-43 has them
                // too. The wait can judge from the known result's runs before the daemon has
                // ingested its spool file (one scan interval), so wait for the ingest.
                let joined = await waitUntil(timeout: .seconds(60), every: .milliseconds(100)) {
                    let suite = try? await h.daemon.store.suiteResults(named: "ci-43", instance: nil, links: .none)
                    return suite?.report.runs.map(\.id).sorted() == [9101, 9102]
                }
                #expect(joined, "the runs of known result 8124 joined suite ci-43")

                // A retried CI job: the same suite name and result once more.
                let (retry, retryOutput) = try await wait(h, ["--timeout", "40s", "--suite", "ci-42", "--result", "8123"])
                #expect(retry == 0, "\(retryOutput)")
            }
        }
    }
}
