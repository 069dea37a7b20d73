import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// `runwatch wait --suite NAME` alone, the built binary, against a daemon: it ignores the
/// instance completed before it started, follows tonight's, and judges only the daemon's
/// verdict, so a suite submitted in two files is not judged between them.
@Suite(.serialized) struct WaitSuiteAloneTests {
    @Test func aSuiteAloneWaitsForTonightsInstanceToComplete() async throws {
        try await withTemporaryDirectory { dir in
            let simulator = CekuraSimulator()
            try await TestBed.run(
                simulator: simulator, in: dir,
                configure: { config, _ in
                    // Long enough that the second file always joins before the suite completes.
                    config.suites.quietPeriod = .seconds(10)
                }
            ) { h in
                let passes = RunScript(stages: [.init("running", seconds: 0.5), .init("completed", seconds: 0)], success: true)
                simulator.addRun(800, script: passes)
                simulator.addRun(801, script: passes)
                simulator.addRun(802, script: RunScript(stages: [.init("running", seconds: 0.5), .init("completed", seconds: 0)], success: false))
                func completed(_ instances: Int) async -> Bool {
                    guard let latest = try? await h.daemon.store.suiteResults(named: "nightly", instance: nil, links: .none) else { return false }
                    return latest.report.instance >= Int64(instances) && latest.report.completedAt != nil
                }
                // Yesterday's nightly: passed and completed.
                try SpoolWriter.submit(SpoolSubmission(runIDs: [800], suite: "nightly"), to: h.spool)
                #expect(await waitUntil(timeout: .seconds(60), every: .milliseconds(100)) { await completed(1) })

                let process = try WaitProcess(
                    [
                        "--spool-dir", h.configuration.spoolDir, "--state-dir", h.configuration.stateDir, "--interval", "200ms", "--timeout",
                        "90s", "--suite", "nightly",
                    ], output: dir + "/wait.out")
                // Tonight's first file; its run ends, and the wait is still waiting.
                try SpoolWriter.submit(SpoolSubmission(runIDs: [801], suite: "nightly"), to: h.spool)
                #expect(
                    await waitUntil(timeout: .seconds(60), every: .milliseconds(50)) {
                        (try? await h.daemon.store.runResults([801], links: .none).first?.ended) == true
                    })
                try await Task.sleep(for: .seconds(1))
                #expect(process.isRunning, "judged before tonight's suite completed: \(process.output)")
                // The second file: a regression the verdict must include.
                try SpoolWriter.submit(SpoolSubmission(runIDs: [802], suite: "nightly"), to: h.spool)
                #expect(await process.waitForExit(timeout: 90))
                #expect(process.exitStatus == 1, "\(process.output)")
                #expect(process.output.contains("regression: 1 of 2 passed"), "\(process.output)")
            }
        }
    }
}
