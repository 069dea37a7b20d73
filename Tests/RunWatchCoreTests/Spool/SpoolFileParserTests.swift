import Foundation
import RunWatchCore
import Testing

@Suite struct SpoolFileParserTests {
    func parse(_ text: String) throws(SpoolFileError) -> SpoolSubmission {
        try SpoolFileParser.parse(Data(text.utf8))
    }

    @Test func plainTextWithEverySeparatorAndComments() throws {
        let submission = try parse("# nightly suite\n1, 2 3\n\n4\t5,6 # trailing comment\n7\n")
        #expect(submission == SpoolSubmission(runIDs: [1, 2, 3, 4, 5, 6, 7]))
    }

    @Test func duplicatesAreIngestedOnce() throws {
        #expect(try parse("5 5 6 5").runIDs == [5, 6])
    }

    @Test func badTokensAreNamedWithTheirLineAndGoodIdsKept() throws {
        let submission = try parse("1 2\nabc 3\n0, -4, 99999999999999999999\n")
        #expect(submission.runIDs == [1, 2, 3])
        #expect(
            submission.problems == [
                "line 2: 'abc' is not a run id (want a positive integer)",
                "line 3: '0' is not a run id (want a positive integer)",
                "line 3: '-4' is not a run id (want a positive integer)",
                "line 3: '99999999999999999999' is not a run id (want a positive integer)",
            ])
    }

    @Test func jsonWithLabelsAndNotifiers() throws {
        let submission = try parse(#"{"run_ids": [10, "11", 12], "labels": {"suite": "nightly"}, "notifiers": ["ops"]}"#)
        #expect(submission == SpoolSubmission(runIDs: [10, 11, 12], labels: ["suite": "nightly"], notifiers: ["ops"]))
    }

    @Test func jsonBadIdsAreNamedByIndex() throws {
        let submission = try parse(#"{"run_ids": [1, "x", 2.5, null, -3]}"#)
        #expect(submission.runIDs == [1])
        #expect(submission.problems.count == 4)
        #expect(submission.problems[0] == "run_ids[1]: 'x' is not a run id (want a positive integer)")
    }

    @Test(arguments: [
        (#"{"ids": [1]}"#, "missing key 'run_ids'"),
        (#"{"run_ids": 5}"#, "'run_ids' should be"),
        (#"{"run_ids": [1], "labels": {"a": 1}}"#, "'labels.a' should be"),
        (#"{"run_ids": [1"#, "not a valid submission"),
    ])
    func brokenJSONIsRejectedWithTheReason(text: String, fragment: String) {
        #expect {
            try parse(text)
        } throws: { error in
            guard case .invalidJSON = error as? SpoolFileError else { return false }
            return "\(error)".contains(fragment)
        }
    }

    @Test func emptyAndCommentOnlyFilesAreRejected() {
        #expect(throws: SpoolFileError.noRunIDs(problems: [])) { try parse("") }
        #expect(throws: SpoolFileError.noRunIDs(problems: [])) { try parse("# nothing here\n\n") }
        #expect(throws: SpoolFileError.noRunIDs(problems: ["line 1: 'x' is not a run id (want a positive integer)"])) { try parse("x") }
    }

    @Test func nonUTF8IsRejected() {
        #expect(throws: SpoolFileError.notUTF8) { try SpoolFileParser.parse(Data([0x31, 0x0A, 0xFF, 0xFE])) }
    }

    @Test func oversizeFilesAreRejected() {
        let data = Data(repeating: UInt8(ascii: "1"), count: 101)
        #expect(throws: SpoolFileError.tooLarge(bytes: 101, limit: 100)) { try SpoolFileParser.parse(data, maxBytes: 100) }
    }
}
