import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// `runwatch submit --suite` and the open suites in `runwatch status`, through the built
/// binary.
@Suite struct SuiteCommandTests {
    func run(_ arguments: [String]) async throws -> (Int32, String) {
        try await runProcess(builtProduct("runwatch"), arguments)
    }

    @Test func submitSuiteWritesTheSuiteAndStatusShowsItOpen() async throws {
        try await withTemporaryDirectory { dir in
            try SpoolDirectory(root: dir).prepare()
            let (status, output) = try await run(["submit", "--spool-dir", dir, "--suite", "nightly", "5", "6"])
            #expect(status == 0, "\(output)")
            #expect(output.contains("to suite nightly"))
            let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/new")
            let submission = try SpoolFileParserBridge.parse(dir + "/new/" + #require(files.first))
            #expect(submission.suite == "nightly")
            #expect(submission.labels == ["suite": "nightly"])
            #expect(submission.runIDs == [5, 6])

            let (clash, clashOutput) = try await run(["submit", "--spool-dir", dir, "--suite", "a", "--label", "suite=b", "5"])
            #expect(clash == 64)
            #expect(clashOutput.contains("--suite differs from the 'suite' label"))
            let (long, longOutput) = try await run(["submit", "--spool-dir", dir, "--suite", String(repeating: "s", count: 129), "5"])
            #expect(long == 64)
            #expect(longOutput.contains("suite: "), "\(longOutput)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/new").count == 1, "nothing more submitted")

            let store = try SQLiteRunStore.open(directory: dir + "/state")
            _ = try await store.ingest(submission, at: Date())
            let (code, text) = try await run(["status", "--state-dir", dir + "/state"])
            #expect(code == 0)
            #expect(text.contains("suites open: 1\n  nightly 0/2 ended"), "\(text)")
            let (jsonCode, json) = try await run(["status", "--state-dir", dir + "/state", "--json"])
            #expect(jsonCode == 0)
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let open = try #require(object?["openSuites"] as? [[String: Any]])
            #expect(open.first?["name"] as? String == "nightly" && open.first?["runs"] as? Int == 2)
        }
    }
}
