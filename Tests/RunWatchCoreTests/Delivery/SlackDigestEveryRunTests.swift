import Foundation
import RunWatchCore
import Testing

/// A digest names every run it counts, within Slack's limits, and its counts read as
/// English.
@Suite struct SlackDigestEveryRunTests {
    func alert(_ id: Int, _ outcome: RunOutcome = .failed, error: String? = "SIP 408") -> RunAlert {
        RunAlert(
            outcome: outcome, run: RunSnapshot(id: id, status: .failed, scenarioName: "Scenario \(id)", errorMessage: error),
            previousStatus: .running, endedAt: Date(timeIntervalSince1970: 0), labels: ["suite": "nightly"])
    }

    func texts(_ message: JSONValue) throws -> (fallback: String, blocks: String) {
        let object = try #require(try JSONSerialization.jsonObject(with: message.encoded()) as? [String: Any])
        let fallback = try #require(object["text"] as? String)
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        let blockText = blocks.map { block in
            if let text = block["text"] as? [String: Any] { return text["text"] as? String ?? "" }
            return (block["elements"] as? [[String: Any]])?.compactMap { $0["text"] as? String }.joined(separator: "\n") ?? ""
        }
        return (fallback, blockText.joined(separator: "\n"))
    }

    @Test func eightyEightFailuresAreEachNamedWithNoBareRemainder() throws {
        let alerts = (1...88).map { alert(1000 + $0) }
        let (fallback, blocks) = try texts(SlackDigest.render(alerts))
        for id in 1001...1088 {
            #expect(blocks.contains("Run \(id) failed"), "run \(id) is listed")
            #expect(fallback.contains("\(id)"), "run \(id) is in the text fallback")
        }
        #expect(!blocks.contains("more"))
        #expect(!fallback.contains("more"))
    }

    @Test func headlinesAgreeInNumber() {
        #expect(SlackDigest.headline((1...21).map { alert($0, .cancelled) }) == "21 runs were cancelled in suite nightly")
        #expect(
            SlackDigest.headline([alert(1), alert(2, .cancelled)] + (3...23).map { alert($0, .notFound) })
                == "23 runs ended: 1 failed, 1 was cancelled, 21 are no longer returned by the API in suite nightly")
    }
}
