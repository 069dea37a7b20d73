import Foundation
import RunWatchCore
import Testing

/// A rejected file gets the same reason every time. `JSONDecoder` walks a decoded
/// dictionary in an order that changes between decodes, so with several bad labels the
/// reason named a different one each time (found by the spool fuzz target; reproducer
/// Fuzz/regressions/spool/labels-reason-order).
@Suite struct SpoolFileParserDeterminismTests {
    func reason(_ text: String) -> String { reason(Data(text.utf8)) }

    func reason(_ data: Data) -> String {
        do {
            _ = try SpoolFileParser.parse(data)
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test func manyBadLabelsGiveTheSameReasonEveryTimeWithoutNamingAKey() {
        let labels = (0..<20).map { #""k\#(String(format: "%02d", 19 - $0))": \#($0)"# }.joined(separator: ", ")
        let file = #"{"run_ids": [1], "labels": {\#(labels)}}"#
        let first = reason(file)
        #expect(first != "accepted")
        // Labels are checked in sorted key order, and described by position, never by key.
        #expect(!first.contains("k0") && !first.contains("k1"), "\(first)")
        for _ in 0..<20 { #expect(reason(file) == first) }
    }

    @Test func aBadStringAndABadTypeGiveOneReason() {
        // "branch" holds a raw control character (invalid JSON, checked lazily), "run_ids"
        // an array where a string belongs: the key order decides, always the same way.
        let file = "{\"run_ids\": [1], \"labels\": {\"suite\": \"nightly\", \"run_ids\": [2], \"branch\": \"ma\u{01}in\"}}"
        let first = reason(file)
        for _ in 0..<20 { #expect(reason(file) == first) }
    }

    @Test func theFuzzReproducerGivesOneReason() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "Fuzz/regressions/spool/labels-reason-order")
        let data = try Data(contentsOf: url)
        let reasons = Set((0..<20).map { _ in reason(data) })
        #expect(reasons.count == 1, "\(reasons)")
    }
}
