import Foundation
import RunWatchCore
import RunWatchTesting
import Testing

/// `RunSnapshot(stored:)` (the scanner) must read the storage form exactly as
/// `JSONDecoder` does: the same snapshot for everything `encode(to:)` writes, nil for
/// what `JSONDecoder` rejects.
@Suite struct RunSnapshotStoredReadingTests {
    static let texts: [String?] = [
        nil, "", "Reschedule appointment", "quote \" backslash \\ slash / tab \t newline \n", "control \u{01}\u{1F} del \u{7F}",
        "émoji 👩‍💻 and CJK 予約", "\u{2028}\u{2029}", String(repeating: "x", count: 600),
    ]

    @Test func readsWhatTheEncoderWritesAsJSONDecoderDoes() throws {
        var rng = SplitMix64(seed: 12)
        let statuses = ["completed", "failed", "timeout", "cancelled", "evaluating", "not_found", "expired", "rejected", "from_2027"]
        func text() -> String? { Self.texts[Int(rng.next() % UInt64(Self.texts.count))] }
        func int() -> Int? { [nil, 0, 1, -7, 90_001, Int.max, Int.min][Int(rng.next() % 7)] }
        for round in 0..<500 {
            let snapshot = RunSnapshot(
                id: [1, 42, Int.max][round % 3], status: RunStatus(stored: statuses[round % statuses.count]),
                success: [nil, true, false][Int(rng.next() % 3)], scenarioName: text(), agentName: text(), personalityName: text(),
                errorMessage: text(), endedReason: text(), duration: text(), voiceRecordingURL: text(), resultID: int(), projectID: int(),
                anomalies: round % 4 == 0 ? ["success (string)", "duration \"odd\""] : [])
            for encoder in [JSONEncoder(), Self.sortedEncoder] {
                let stored = String(decoding: try encoder.encode(snapshot), as: UTF8.self)
                let expected = try JSONDecoder().decode(RunSnapshot.self, from: Data(stored.utf8))
                #expect(RunSnapshot(stored: stored) == expected, "\(stored)")
                #expect(expected == snapshot)
            }
        }
    }

    static var sortedEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }

    @Test(arguments: [
        "", "null", "[]", "{}", "\"text\"", "{\"id\":1}", "{\"status\":\"running\"}", "{\"id\":\"1\",\"status\":\"running\"}",
        "{\"id\":null,\"status\":\"running\"}", "{\"id\":1,\"status\":null}", "{\"id\":1,\"status\":7}",
        "{\"id\":1,\"status\":\"running\",\"success\":\"yes\"}", "{\"id\":1,\"status\":\"running\",\"success\":1}",
        "{\"id\":1,\"status\":\"running\",\"duration\":5}", "{\"id\":1,\"status\":\"running\",\"duration\":[]}",
        "{\"id\":1,\"status\":\"running\",\"resultID\":\"9\"}", "{\"id\":1,\"status\":\"running\",\"resultID\":{}}",
        "{\"id\":1,\"status\":\"running\",\"anomalies\":[1]}", "{\"id\":1,\"status\":\"running\",\"anomalies\":\"x\"}",
        "{\"id\":1,\"status\":\"running\",\"anomalies\":null}", "{\"id\":1,\"status\":\"running\",\"anomalies\":[null]}",
        "{\"id\":1,\"status\":\"running\",\"success\":null,\"resultID\":null}", "{\"id\":1,\"status\":\"running\"", "{\"id\":1,\"status\":\"runn",
        "{\"id\":1,\"status\":\"running\"} x", "  {\"id\":1,\"status\":\"running\"}  ",
        "{\"id\":1,\"status\":\"running\",\"added_later\":{\"a\":[1,2,{\"b\":null}]},\"n\":1.5e3}",
        "{\"id\":-3,\"status\":\"completed\",\"success\":true,\"scenarioName\":\"a\\u0041\\n\"}", "{\"id\":99999999999999999999,\"status\":\"x\"}",
        "{\"\\u0069d\":1,\"status\":\"running\"}", "{\"id\":1,\"status\":\"running\",\"scenarioName\":\"bad \\x escape\"}",
    ])
    func rejectsAndAcceptsWhatJSONDecoderDoes(stored: String) {
        let expected = try? JSONDecoder().decode(RunSnapshot.self, from: Data(stored.utf8))
        #expect(RunSnapshot(stored: stored) == expected)
    }

    /// The one difference: `JSONDecoder` lets a trailing comma through, the scanner holds
    /// to RFC 8259 as it does for the API's answers. The encoder never writes one.
    @Test func aTrailingCommaIsNotJSON() {
        #expect(RunSnapshot(stored: "{\"id\":1,\"status\":\"running\",}") == nil)
    }
}
