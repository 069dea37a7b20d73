import Foundation
import RunWatchCore
import Testing

@Suite struct SpoolFileParserTests {
    func parse(_ text: String, limits: SpoolLimits = .default) throws(SpoolFileError) -> SpoolSubmission {
        try SpoolFileParser.parse(Data(text.utf8), limits: limits)
    }

    /// A fake secret: no reason may ever contain it, nor any part of it.
    static let secret = "sk-live-ABCDEFsecret0123456789"

    @Test func plainTextWithEverySeparatorAndComments() throws {
        let submission = try parse("# nightly suite\n1, 2 3\n\n4\t5,6 # trailing comment\n7\r\n")
        #expect(submission == SpoolSubmission(runIDs: [1, 2, 3, 4, 5, 6, 7]))
    }

    @Test func duplicatesAreIngestedOnce() throws {
        #expect(try parse("5 5 6 5").runIDs == [5, 6])
    }

    @Test func badTokensAreDescribedByPositionAndLengthNeverQuoted() throws {
        let submission = try parse("1 2\nabc 3\n0, -4, 99999999999999999999 \(Self.secret)\n")
        #expect(submission.runIDs == [1, 2, 3])
        #expect(
            submission.problems.lines == [
                "line 2, token 1: not a run id (3 bytes)",
                "line 3, token 1: not a run id (1 byte)",
                "line 3, token 2: not a run id (2 bytes)",
                "line 3, token 3: not a run id (20 bytes)",
                "line 3, token 4: not a run id (\(Self.secret.utf8.count) bytes)",
            ])
    }

    @Test func onlyTheFirstTwentyProblemsAreListed() throws {
        let submission = try parse("1 " + Array(repeating: "x", count: 1000).joined(separator: " "))
        #expect(submission.problems.total == 1000)
        #expect(submission.problems.lines.count == 21)
        #expect(submission.problems.lines.last == "and 980 more problem(s)")
    }

    @Test func jsonWithLabelsAndNotifiers() throws {
        let submission = try parse(#"{"run_ids": [10, "11", 12], "labels": {"suite": "nightly"}, "notifiers": ["ops", "ops"]}"#)
        #expect(submission == SpoolSubmission(runIDs: [10, 11, 12], labels: ["suite": "nightly"], notifiers: ["ops"], suite: "nightly"))
    }

    @Test func suiteAndResultIDs() throws {
        // `suite` is copied into the label, so routes and alerts see it.
        let named = try parse(#"{"result_ids": [8123, "8124", 8123], "suite": "nightly"}"#)
        #expect(named == SpoolSubmission(runIDs: [], labels: ["suite": "nightly"], suite: "nightly", resultIDs: [8123, 8124]))
        let both = try parse(#"{"run_ids": [1], "suite": "ci", "labels": {"suite": "ci", "team": "voice"}}"#)
        #expect(both.suite == "ci" && both.labels == ["suite": "ci", "team": "voice"])
        // An empty `suite` label names no suite.
        #expect(try parse(#"{"run_ids": [1], "labels": {"suite": ""}}"#).suite == nil)
        // A long `suite` label (a valid label before suites existed) keeps the file: no suite.
        let long = String(repeating: "n", count: 300)
        let legacy = try parse(#"{"run_ids": [1], "labels": {"suite": "\#(long)"}}"#)
        #expect(legacy.suite == nil && legacy.labels == ["suite": long] && legacy.runIDs == [1])
        #expect(
            legacy.problems.lines == ["labels: the 'suite' label is 300 bytes; the limit is 128 bytes for a suite name, so these runs join no suite"])
    }

    @Test(arguments: [
        (#"{"run_ids": [1], "suite": 7}"#, "suite: a number, want a suite name (a string)"),
        (#"{"run_ids": [1], "suite": ""}"#, "suite: the suite name is empty"),
        (#"{"run_ids": [1], "suite": "a\u0007b"}"#, "suite: the suite name (3 bytes) holds a control or formatting character at byte 2"),
        (#"{"run_ids": [1], "suite": "a", "labels": {"suite": "b"}}"#, "suite: differs from the 'suite' label; give one or make them equal"),
        (#"{"result_ids": [0]}"#, "result_ids[0]: a number, not a result id (want a positive integer)"),
        (#"{"result_ids": ["x"]}"#, "result_ids[0]: a string (1 byte), not a result id (want a positive integer)"),
    ])
    func badSuitesAndResultIDsRefuseTheFile(text: String, problem: String) {
        #expect(Self.routingRefusal(text) == [problem])
    }

    @Test func jsonBadIdsAreNamedByIndexAndType() throws {
        let submission = try parse(#"{"run_ids": [1, "x-\#(Self.secret)", 2.5, null, -3, true, [1]]}"#)
        #expect(submission.runIDs == [1])
        #expect(
            submission.problems.lines == [
                "run_ids[1]: a string (\(Self.secret.utf8.count + 2) bytes), not a run id (want a positive integer)",
                "run_ids[2]: a number that is not a 64-bit integer, not a run id (want a positive integer)",
                "run_ids[3]: null, not a run id (want a positive integer)",
                "run_ids[4]: a number, not a run id (want a positive integer)",
                "run_ids[5]: a boolean, not a run id (want a positive integer)",
                "run_ids[6]: an array or object, not a run id (want a positive integer)",
            ])
    }

    @Test(arguments: [
        (#"{"ids": [1]}"#, "missing key 'run_ids' (or 'result_ids') at the top level"),
        (#"{"run_ids": 5}"#, "'run_ids' should be an array"),
        (#"{"run_ids": [1], "labels": 7}"#, "'labels' should be an object"),
        (#"{"run_ids": [1"#, "not valid JSON"),
        (#"{"run_ids": [1, secret]}"#, "not valid JSON"),
        (#"{"run_ids": [1], "sk-live-ABCDEFsecret0123456789": }"#, "not valid JSON"),
        (#"{"run_ids": [1], "labels": {"sk-live-ABCDEFsecret0123456789": "v"}, x}"#, "not valid JSON"),
    ])
    func brokenJSONIsRejectedWithoutQuotingIt(text: String, fragment: String) {
        #expect {
            try parse(text)
        } throws: { error in
            guard case .invalidJSON = error as? SpoolFileError else { return false }
            let description = "\(error)"
            return description.contains(fragment) && !description.contains("secret") && !description.contains("sk-live")
        }
    }

    @Test func emptyAndCommentOnlyFilesAreRejected() {
        #expect(throws: SpoolFileError.noRunIDs(problems: SpoolProblems())) { try parse("") }
        #expect(throws: SpoolFileError.noRunIDs(problems: SpoolProblems())) { try parse("# nothing here\n\n") }
        #expect(throws: SpoolFileError.noRunIDs(problems: SpoolProblems(listed: ["line 1, token 1: not a run id (1 byte)"]))) {
            try parse("x")
        }
    }

    @Test func nonUTF8IsRejected() {
        #expect(throws: SpoolFileError.notUTF8) { try SpoolFileParser.parse(Data([0x31, 0x0A, 0xFF, 0xFE])) }
    }

    @Test func oversizeFilesAreRejected() {
        var limits = SpoolLimits.default
        limits.maxBytes = 100
        let data = Data(repeating: UInt8(ascii: "1"), count: 101)
        #expect(throws: SpoolFileError.tooLarge(bytes: 101, limit: 100)) { try SpoolFileParser.parse(data, limits: limits) }
    }

    @Test func defaultsAreWhatTheDocsSay() {
        let limits = SpoolLimits.default
        #expect(limits.maxBytes == 10 * 1024 * 1024)
        #expect(limits.maxRunIDs == 100_000)
        #expect(limits.maxLabels == 32)
        #expect(limits.maxLabelKeyBytes == 64)
        #expect(limits.maxLabelValueBytes == 512)
        #expect(limits.maxNotifiers == 32)
        #expect(limits.maxNotifierNameBytes == 64)
        #expect(limits.maxListedProblems == 20)
        #expect(limits.maxReasonBytes == 8 * 1024)
    }

    @Test func tooManyIdsRejectTheFile() throws {
        var limits = SpoolLimits.default
        limits.maxRunIDs = 3
        #expect(try parse("1 2 3 3 2 1", limits: limits).runIDs == [1, 2, 3], "duplicates do not count")
        #expect(throws: SpoolFileError.tooManyRunIDs(limit: 3)) { try parse("1 2 3 4", limits: limits) }
        #expect(throws: SpoolFileError.tooManyRunIDs(limit: 3)) { try parse(#"{"run_ids": [1, 2, 3, 4]}"#, limits: limits) }
        let many = (1...100_000).map(String.init).joined(separator: "\n")
        #expect(try parse(many).runIDs.count == 100_000, "the default takes 100,000 ids")
        #expect(throws: SpoolFileError.tooManyRunIDs(limit: 100_000)) { try parse(many + "\n100001") }
    }

    static func routingRefusal(_ text: String) -> [String]? {
        do {
            _ = try SpoolFileParser.parse(Data(text.utf8))
            return nil
        } catch {
            guard case .invalidRouting(let problems) = error else { return ["unexpected: \(error)"] }
            #expect(!error.description.contains("secret"), "never quoted")
            return problems.lines
        }
    }

    @Test func labelLimitsRefuseTheFileWithoutQuotingIt() {
        let longValue = String(repeating: "secret", count: 100)
        #expect(
            Self.routingRefusal(#"{"run_ids": [1], "labels": {"team": "\#(longValue)"}}"#) == [
                "labels: label 1 of 1: its value is 600 bytes; the limit is 512 bytes"
            ])
        let longKey = String(repeating: "secret", count: 11)
        #expect(
            Self.routingRefusal(#"{"run_ids": [1], "labels": {"\#(longKey)": "x", "a": 3}}"#) == [
                "labels: label 1 of 2: its value is a number, want a string",
                "labels: label 2 of 2: its key is 66 bytes; the limit is 64 bytes",
            ])
        #expect(
            Self.routingRefusal(#"{"run_ids": [1], "labels": {"": "x", "b": "secret\u0000", "c": "a\u202Esecret"}}"#) == [
                "labels: label 1 of 3: its key is empty",
                "labels: label 2 of 3: its value (7 bytes) holds a control or formatting character at byte 7",
                "labels: label 3 of 3: its value (10 bytes) holds a control or formatting character at byte 2",
            ])
        let many = (1...33).map { #""k\#($0)": "v""# }.joined(separator: ", ")
        #expect(Self.routingRefusal(#"{"run_ids": [1], "labels": {\#(many)}}"#) == ["labels: 33 labels; the limit is 32"])
        let atLimit = (1...32).map { #""k\#($0)": "\#(String(repeating: "v", count: 512))""# }.joined(separator: ", ")
        #expect(Self.routingRefusal(#"{"run_ids": [1], "labels": {\#(atLimit)}}"#) == nil, "exactly at the limits is fine")
    }

    @Test func notifierLimitsRefuseTheFileWithoutQuotingIt() {
        let long = String(repeating: "secret", count: 11)
        #expect(
            Self.routingRefusal(#"{"run_ids": [1], "notifiers": ["ops", "\#(long)", 5, "", "a\nsecret"]}"#) == [
                "notifiers[1]: the name is 66 bytes; the limit is 64 bytes",
                "notifiers[2]: a number, want a notifier name (a string)",
                "notifiers[3]: the name is empty",
                "notifiers[4]: the name (8 bytes) holds a control or formatting character at byte 2",
            ])
        let many = (1...33).map { #""n\#($0)""# }.joined(separator: ", ")
        #expect(Self.routingRefusal(#"{"run_ids": [1], "notifiers": [\#(many)]}"#) == ["notifiers: 33 names; the limit is 32"])
        #expect(Self.routingRefusal(#"{"run_ids": [1], "notifiers": []}"#) == nil)
    }

    @Test func garbageOfTenMebibytesGivesAShortReason() {
        var bytes = [UInt8](repeating: UInt8(ascii: "z"), count: 10 * 1024 * 1024)
        for index in stride(from: 7, to: bytes.count, by: 13) { bytes[index] = UInt8(ascii: " ") }
        for index in stride(from: 100, to: bytes.count, by: 997) { bytes[index] = UInt8(ascii: "\n") }
        #expect {
            try SpoolFileParser.parse(Data(bytes))
        } throws: { error in
            let text = "\(error)"
            return text.utf8.count < 2048 && text.contains("and ") && text.contains("more problem(s)")
        }
    }
}
