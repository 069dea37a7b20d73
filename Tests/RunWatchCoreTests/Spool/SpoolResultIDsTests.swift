import Foundation
import RunWatchCore
import Testing

/// Hostile `result_ids` in a spool file: each bad value refuses the file with a reason
/// that names its position and kind, never its content; nothing is half-ingested.
@Suite struct SpoolResultIDsTests {
    static let secret = "sk-live-ABCDEFsecret0123456789"

    static func refusal(_ text: String) -> String {
        do {
            let submission = try SpoolFileParser.parse(Data(text.utf8))
            return "accepted \(submission.resultIDs)"
        } catch {
            return error.description
        }
    }

    @Test(arguments: [
        (#"{"result_ids": [-5]}"#, "result_ids[0]: a number, not a result id"),
        (#"{"result_ids": [1, true]}"#, "result_ids[1]: a boolean, not a result id"),
        (#"{"result_ids": [null]}"#, "result_ids[0]: null, not a result id"),
        (#"{"result_ids": [1.5]}"#, "result_ids[0]: a number that is not a 64-bit integer, not a result id"),
        (#"{"result_ids": [99999999999999999999999]}"#, "result_ids[0]: a number that is not a 64-bit integer"),
        (#"{"result_ids": [[1]]}"#, "result_ids[0]: an array or object, not a result id"),
        (#"{"result_ids": [" 12"]}"#, "result_ids[0]: a string (3 bytes), not a result id"),
        (#"{"result_ids": ["sk-live-ABCDEFsecret0123456789"]}"#, "result_ids[0]: a string (30 bytes), not a result id"),
    ])
    func aBadValueRefusesTheFileWithoutQuotingIt(text: String, reason: String) {
        let description = Self.refusal(text)
        #expect(description.contains(reason), "\(description)")
        #expect(!description.contains("secret"))
    }

    @Test func moreThanTheLimitRefusesTheFile() {
        let ids = (1...101).map(String.init).joined(separator: ",")
        #expect(Self.refusal(#"{"result_ids": [\#(ids)]}"#).contains("result_ids: 101 ids; the limit is 100"))
        #expect(Self.refusal(#"{"result_ids": [\#((1...100).map(String.init).joined(separator: ","))]}"#) == "accepted \(Array(1...100))")
    }

    @Test func notAnArrayIsBrokenJSONForTheFile() {
        let description = Self.refusal(#"{"result_ids": "8123,8124"}"#)
        #expect(description.hasPrefix("accepted") == false, "\(description)")
        #expect(!description.contains("8123"))
    }

    @Test func resultIDsAloneAndWithRunIDsAreAccepted() throws {
        #expect(try SpoolFileParser.parse(Data(#"{"result_ids": ["8123"]}"#.utf8)).resultIDs == [8123])
        let both = try SpoolFileParser.parse(Data(#"{"run_ids": [1], "result_ids": [8123, 8123]}"#.utf8))
        #expect(both.runIDs == [1] && both.resultIDs == [8123])
        // Plain-text files carry run ids only.
        #expect(try SpoolFileParser.parse(Data("8123\n".utf8)).resultIDs.isEmpty)
    }
}
