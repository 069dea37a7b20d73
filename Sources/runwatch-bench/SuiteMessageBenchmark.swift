import Foundation
import RunWatchCore

/// The `suite.completed` messages of a suite whose runs all failed (the worst case: every
/// run is named): the Slack summary in parts and the webhook body. "drafts" is what
/// completing the suite does (each part's stored report, encoded for the outbox);
/// "render" is what delivery does (each stored part to its request body).
struct SuiteMessageBenchmark {
    let failureCounts: [Int]
    var rounds = 5

    struct Row {
        var failures: Int
        var slackParts: Int
        var slackDraftsMS: Double
        var slackRenderMS: Double
        var slackBytes: Int
        var slackLargestPart: Int
        var webhookMS: Double
        var webhookBytes: Int
    }

    func run() -> [Row] {
        failureCounts.map { failures in
            let report = SuiteFixture.report(runs: failures, failures: failures)
            let slack = SlackSink()
            let webhook = WebhookSink()
            let parts = slack.suiteParts(report)
            let route = NotifierRoute(name: "team-slack", kind: .slack, events: Set(RunOutcome.allCases), suites: .failures)
            let drafts = Self.median(rounds) {
                precondition(NotifierRoute.drafts(for: report, routing: RunRouting(), routes: [route]).count == parts)
            }
            let stored = slack.storedSuiteParts(report)
            var sizes: [Int] = []
            let render = Self.median(rounds) {
                sizes = stored.enumerated().map { index, part in slack.render(part, part: index + 1).body.count }
            }
            var webhookBytes = 0
            let webhookMS = Self.median(rounds) { webhookBytes = webhook.render(report, part: 1).body.count }
            return Row(
                failures: failures, slackParts: parts, slackDraftsMS: drafts, slackRenderMS: render, slackBytes: sizes.reduce(0, +),
                slackLargestPart: sizes.max() ?? 0, webhookMS: webhookMS, webhookBytes: webhookBytes)
        }
    }

    /// The median CPU time of this thread over `rounds` runs of `work`, in ms.
    static func median(_ rounds: Int, _ work: () -> Void) -> Double {
        var times: [Double] = []
        for _ in 0..<rounds {
            let start = ThreadCPU.seconds()
            work()
            times.append((ThreadCPU.seconds() - start) * 1000)
        }
        return percentile(times, 0.5)
    }

    static func print(_ rows: [Row]) {
        Swift.print("\nSuite messages of a suite whose runs all failed (CPU ms, median of 5; sizes in KB)\n")
        Swift.print(
            [
                lpad("failures", 9), lpad("Slack parts", 12), lpad("drafts ms", 10), lpad("render ms", 10), lpad("Slack KB", 9),
                lpad("largest KB", 11), lpad("webhook ms", 11), lpad("webhook KB", 11),
            ].joined(separator: " "))
        for row in rows {
            Swift.print(
                [
                    lpad("\(row.failures)", 9), lpad("\(row.slackParts)", 12), lpad(String(format: "%.1f", row.slackDraftsMS), 10),
                    lpad(String(format: "%.1f", row.slackRenderMS), 10), lpad(kilobytes(row.slackBytes), 9),
                    lpad(kilobytes(row.slackLargestPart), 11),
                    lpad(String(format: "%.1f", row.webhookMS), 11), lpad(kilobytes(row.webhookBytes), 11),
                ].joined(separator: " "))
        }
    }
}

func kilobytes(_ bytes: Int) -> String {
    String(format: bytes < 10 * 1024 ? "%.1f" : "%.0f", Double(bytes) / 1024)
}
