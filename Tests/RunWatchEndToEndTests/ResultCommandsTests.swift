import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// The CLI for results, as a process: `submit --result`, and `status` / `show --result`
/// reading the expansion from the store.
@Suite struct ResultCommandsTests {
    func run(_ arguments: [String], stdin: String? = nil) async throws -> (Int32, String) {
        try await runProcess(builtProduct("runwatch"), arguments, stdin: stdin)
    }

    @Test func submitResultWritesResultIDsAndStatusAndShowReportTheExpansion() async throws {
        try await withTemporaryDirectory { dir in
            try SpoolDirectory(root: dir).prepare()
            // Only results: no run id needed, and stdin is not read.
            let (status, output) = try await run(["submit", "--spool-dir", dir, "--result", "8123", "--result", "8124", "--result", "8123"])
            #expect(status == 0, "\(output)")
            #expect(output.contains("submitted 0 run id(s) and 2 result id(s)"))
            let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/new")
            #expect(files.count == 1)
            let submission = try SpoolFileParser.parse(Data(contentsOf: URL(fileURLWithPath: dir + "/new/" + files[0])))
            #expect(submission.resultIDs == [8123, 8124])
            #expect(submission.runIDs.isEmpty)

            let (badStatus, badOutput) = try await run(["submit", "--spool-dir", dir, "--result", "x\u{1B}[2J"])
            #expect(badStatus == 65)
            #expect(badOutput.contains("is not a result id"))
            #expect(!badOutput.contains("\u{1B}"), "never echoed raw")
            let tooMany = (1...101).flatMap { ["--result", "\($0)"] }
            let (manyStatus, manyOutput) = try await run(["submit", "--spool-dir", dir] + tooMany)
            #expect(manyStatus == 64)
            #expect(manyOutput.contains("more than 100 distinct result ids"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/new").count == 1, "nothing submitted on bad input")

            // The store as the daemon leaves it mid-expansion.
            let store = try SQLiteRunStore.open(directory: dir + "/state")
            _ = try await store.ingest(submission, at: Date())
            let read = ResultExpansion.decide(
                .read(ResultBody(runIDs: [31, 32], totalRuns: 5)), progress: ResultExpansion.Progress(submittedAt: Date()),
                settings: ResultExpansion.Settings(readInterval: .seconds(15)), now: Date(), unitRandom: 0)
            _ = try await store.recordResultRead(ResultReadRecord(id: 8123, at: Date(), runIDs: [31, 32], decision: read))
            let (statusCode, statusOutput) = try await run(["status", "--state-dir", dir + "/state"])
            #expect(statusCode == 0)
            #expect(statusOutput.contains("result 8123: expanding, 2 run(s) after 1 read(s)"), "\(statusOutput)")
            #expect(statusOutput.contains("result 8124: expanding, 0 run(s) after 0 read(s)"))
            let (showCode, showOutput) = try await run(["show", "--state-dir", dir + "/state", "--result", "8123"])
            #expect(showCode == 0)
            #expect(showOutput.contains("result 8123: expanding, 2 run(s)"))
            #expect(showOutput.contains("runs: 31 32"))
            let (unknownCode, unknownOutput) = try await run(["show", "--state-dir", dir + "/state", "--result", "5"])
            #expect(unknownCode == 1)
            #expect(unknownOutput.contains("result 5 is not in the store"))
        }
    }
}
