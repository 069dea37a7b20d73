import Foundation

/// One Slack message for many ended runs ("23 runs failed in suite nightly"), so a suite
/// failing at once yields a handful of messages, not hundreds. The first `listed` runs
/// are listed, then "and K more". Within Slack's limits: ≤ 50 blocks, section ≤ 3,000.
package enum SlackDigest {
    package static func render(_ alerts: [RunAlert], listed: Int = 20) -> JSONValue {
        guard alerts.count > 1 else { return alerts.first.map(SlackMessage.render) ?? ["text": "no runs"] }
        let title = headline(alerts)
        var lines: [String] = []
        for alert in alerts.prefix(listed) {
            let run = alert.run
            var line = "\(alert.emoji) " + (run.dashboardURL.map { "<\($0)|Run \(run.id)>" } ?? "Run \(run.id)") + " \(alert.verb)"
            if let scenario = run.scenarioName { line += " — \(SlackMessage.escape(String(scenario.prefix(80))))" }
            if let error = run.errorMessage ?? run.endedReason { line += ": _\(SlackMessage.escape(String(error.prefix(160))))_" }
            lines.append(line)
        }
        var blocks: [JSONValue] = [
            [
                "type": "section",
                "text": [
                    "type": "mrkdwn", "text": .string(SlackMessage.truncate("*\(SlackMessage.escape(title))*", to: SlackMessage.sectionTextLimit)),
                ],
            ]
        ]
        // Pack the lines into sections under the per-section limit.
        var current = ""
        for line in lines {
            if !current.isEmpty, current.count + line.count + 1 > SlackMessage.sectionTextLimit {
                blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": .string(current)]])
                current = ""
            }
            current += (current.isEmpty ? "" : "\n") + SlackMessage.truncate(line, to: SlackMessage.sectionTextLimit)
        }
        if !current.isEmpty { blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": .string(current)]]) }
        if alerts.count > listed {
            blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": .string("and \(alerts.count - listed) more")]]])
        }
        let fallback = SlackMessage.truncate(
            SlackMessage.escape(title) + ": " + alerts.prefix(listed).map { "\($0.run.id)" }.joined(separator: ", ")
                + (alerts.count > listed ? " and \(alerts.count - listed) more" : ""), to: SlackMessage.messageTextLimit)
        return ["text": .string(fallback), "blocks": .array(Array(blocks.prefix(50)))]
    }

    /// "23 runs failed in suite nightly", or "12 runs ended badly: 7 failed, 5 timed out".
    package static func headline(_ alerts: [RunAlert]) -> String {
        var counts: [RunOutcome: Int] = [:]
        for alert in alerts { counts[alert.outcome, default: 0] += 1 }
        var text: String
        if counts.count == 1, let only = alerts.first {
            text = "\(alerts.count) runs \(only.verb)"
        } else {
            let parts = RunOutcome.allCases.compactMap { outcome in counts[outcome].map { "\($0) \(RunAlert.verb(for: outcome))" } }
            text = "\(alerts.count) runs ended: " + parts.joined(separator: ", ")
        }
        if let suite = commonLabel("suite", alerts) { text += " in suite \(suite)" }
        return text
    }

    private static func commonLabel(_ key: String, _ alerts: [RunAlert]) -> String? {
        let values = Set(alerts.map { $0.labels[key] })
        guard values.count == 1, let value = values.first else { return nil }
        return value
    }
}
