import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// `runwatch wait` appends its summary to `$GITHUB_STEP_SUMMARY` within what GitHub keeps
/// of a step summary (1 MB in total, earlier content included), and skips it with a note
/// on stderr when the file has no room left.
@Suite(.serialized) struct WaitStepSummaryTests {
    @Test func theAppendedSummaryFitsWhatTheFileHasLeftOrIsSkipped() async throws {
        try await withTemporaryDirectory { dir in
            let simulator = CekuraSimulator()
            try await TestBed.run(simulator: simulator, in: dir) { bed in
                simulator.addRun(701, script: RunScript(stages: [.init("running", seconds: 1), .init("completed", seconds: 0)], success: true))
                let folders = ["--spool-dir", bed.configuration.spoolDir, "--state-dir", bed.configuration.stateDir, "--interval", "200ms"]
                let line = String(repeating: "x", count: 99) + "\n"

                // Almost full: no room for a summary.
                let full = dir + "/full.md"
                try writeFile(full, String(repeating: line, count: 9_990))
                let (status, output) = try await runProcess(
                    builtProduct("runwatch"), ["wait"] + folders + ["701"],
                    environment: ["PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": full])
                #expect(status == 0, "\(output)")
                #expect(output.contains("$GITHUB_STEP_SUMMARY"), "the skipped summary is noted: \(output)")
                #expect(try FileManager.default.attributesOfItem(atPath: full)[.size] as? Int == 999_000, "left as it was")

                // Room left: appended, and the file stays within the limit.
                let roomy = dir + "/roomy.md"
                try writeFile(roomy, String(repeating: line, count: 9_900))
                let (again, againOutput) = try await runProcess(
                    builtProduct("runwatch"), ["wait"] + folders + ["701"],
                    environment: ["PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": roomy])
                #expect(again == 0, "\(againOutput)")
                let size = try #require(try FileManager.default.attributesOfItem(atPath: roomy)[.size] as? Int)
                #expect(size > 990_000 && size <= 1_000_000, "\(size)")
            }
        }
    }
}
