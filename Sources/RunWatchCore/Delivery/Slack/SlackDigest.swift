import Foundation

/// One Slack message for many ended runs ("23 runs failed in suite nightly"), so a suite
/// failing at once yields a handful of messages, not hundreds, and every run it counts is
/// named in it: no "and K more".
///
/// Structural, not best effort: every line has a worst-case length (its excerpts are
/// bounded), so `capacity` runs always fit Slack's limits (≤ 50 blocks, section text ≤
/// 3,000 characters, message text ≤ 40,000), and the delivery plan never puts more than
/// `capacity` alerts in one digest: a bigger burst becomes several messages, paced like
/// every Slack message, numbered "part 2", "part 3", ….
package enum SlackDigest {
    /// Bounds of a line's excerpts, in UTF-16 code units after escaping.
    package static let scenarioExcerpt = 100
    package static let errorExcerpt = 240
    /// Slack's most blocks in one message.
    package static let blockLimit = 50
    /// Blocks that hold no run lines: the headline.
    static let reservedBlocks = 1
    /// The longest run id (`Int.min` written out).
    static let maxRunIDLength = String(Int.min).utf16.count

    /// The longest line `line(_:)` can make, in UTF-16 code units.
    package static let maxLineLength: Int = {
        let emoji = RunOutcome.allCases.map { RunAlert.emoji(for: $0).utf16.count }.max() ?? 0
        let verb = RunOutcome.allCases.map { RunAlert.verb(for: $0).utf16.count }.max() ?? 0
        let reference = "<|Run >".utf16.count + SlackMessage.maxLinkLength + maxRunIDLength
        return emoji + 1 + reference + 1 + verb + " — ".utf16.count + scenarioExcerpt + ": _".utf16.count + errorExcerpt + "_".utf16.count
    }()

    /// Lines of the worst-case length that fit one section, with the line breaks between.
    package static let linesPerSection = (SlackMessage.sectionTextLimit + 1) / (maxLineLength + 1)

    /// The most runs one digest always names within Slack's limits: the delivery plan's
    /// digest limit for Slack.
    package static let capacity = linesPerSection * (blockLimit - reservedBlocks)

    /// The message for `alerts` (at most `capacity`; the plan sees to it), `part` when it
    /// is one of several for a burst.
    package static func render(_ alerts: [RunAlert], part: DigestPart? = nil) -> JSONValue {
        if alerts.count == 1, part == nil, let only = alerts.first { return SlackMessage.render(only) }
        guard !alerts.isEmpty else { return ["text": "no runs"] }
        let title = headline(alerts, part: part)
        // The headline leaves room for the console link under it, so it always fits.
        let heading = SlackMessage.excerpt(title, limit: SlackMessage.sectionTextLimit - 3 - SlackMessage.maxConsoleLinkLength)
        var blocks: [JSONValue] = [section("*\(heading)*" + (consoleLink(alerts).map { "\n" + $0 } ?? ""))]
        // Beyond capacity (never from the plan) the lines lose their excerpts rather than
        // runs going unnamed; the text fallback lists every id either way.
        let compact = alerts.count > capacity
        var current = ""
        for alert in alerts {
            let line = line(alert, excerpts: !compact)
            if !current.isEmpty, current.utf16.count + 1 + line.utf16.count > SlackMessage.sectionTextLimit {
                blocks.append(section(current))
                current = ""
            }
            current += (current.isEmpty ? "" : "\n") + line
        }
        if !current.isEmpty { blocks.append(section(current)) }
        let fallback =
            SlackMessage.excerpt(title, limit: 1000) + ": " + alerts.map { "\($0.run.id)" }.joined(separator: ", ")
        return [
            "text": .string(SlackMessage.truncate(fallback, to: SlackMessage.messageTextLimit)), "blocks": .array(Array(blocks.prefix(blockLimit))),
        ]
    }

    /// One run: ":x: <link|Run 123> failed — Scenario: _error_", at most `maxLineLength`.
    package static func line(_ alert: RunAlert, excerpts: Bool = true) -> String {
        let run = alert.run
        let reference = SlackMessage.linkable(alert.dashboardURL).map { "<\($0)|Run \(run.id)>" } ?? "Run \(run.id)"
        var line = "\(alert.emoji) \(reference) \(alert.verb)"
        guard excerpts else { return line }
        if let scenario = run.scenarioName { line += " — " + SlackMessage.excerpt(scenario, limit: scenarioExcerpt) }
        if let error = run.errorMessage ?? run.endedReason { line += ": _" + SlackMessage.excerpt(error, limit: errorExcerpt) + "_" }
        return line
    }

    /// "23 runs failed in suite nightly", "12 runs ended: 7 failed, 5 timed out"; for a
    /// burst cut into parts, "192 runs failed (part 1, continued in the next message)",
    /// then "8 more runs failed (part 2)".
    package static func headline(_ alerts: [RunAlert], part: DigestPart? = nil) -> String {
        var counts: [RunOutcome: Int] = [:]
        for alert in alerts { counts[alert.outcome, default: 0] += 1 }
        let followUp = (part?.number ?? 1) > 1
        let subject = followUp ? "\(alerts.count) more \(alerts.count == 1 ? "run" : "runs")" : OutcomeWording.runs(alerts.count)
        var text: String
        if counts.count == 1, let outcome = counts.keys.first {
            text = "\(subject) \(OutcomeWording.verb(outcome, count: alerts.count))"
        } else {
            text = "\(subject) ended: " + OutcomeWording.parts(counts)
        }
        if let suite = commonLabel("suite", alerts) { text += " in suite \(suite.prefix(128))" }
        if let part {
            text += " (part \(part.number)" + (part.more ? ", continued in the next message)" : ")")
        }
        return text
    }

    /// One link for the whole digest (every part): the page of the suite all its runs
    /// carry in their `suite` label ("all 23 failures"), else the console's overview; nil
    /// when the alerts were drafted without a public console address. Each line keeps its
    /// dashboard link, and a line's worst-case length (so `capacity`) stays as it was.
    package static func consoleLink(_ alerts: [RunAlert]) -> String? {
        let bases = Set(alerts.map(\.console.base))
        guard bases.count == 1, let base = bases.first, let base else { return nil }
        let console = ConsoleLinks(base: base)
        // A `suite` label longer than a suite name names no suite (the run joined none).
        if let suite = commonLabel("suite", alerts), suite.utf8.count <= SpoolLimits.default.maxSuiteNameBytes {
            return SlackMessage.consoleLink(console.suite(suite, instance: nil), "Open the suite in runwatch")
        }
        return SlackMessage.consoleLink(console.overview, "Open in runwatch")
    }

    private static func section(_ text: String) -> JSONValue {
        ["type": "section", "text": ["type": "mrkdwn", "text": .string(text)]]
    }

    private static func commonLabel(_ key: String, _ alerts: [RunAlert]) -> String? {
        let values = Set(alerts.map { $0.labels[key] })
        guard values.count == 1, let value = values.first else { return nil }
        return value
    }
}
