import Foundation

/// Renders a Slack incoming-webhook message (Block Kit with a text fallback).
///
/// Limits from Slack's docs: section text ≤ 3,000 characters, a section field ≤ 2,000,
/// ≤ 10 fields, message text ≤ 40,000, ≤ 50 blocks. Long parts are cut with "…".
package enum SlackMessage {
    package static let sectionTextLimit = 3000
    package static let fieldTextLimit = 2000
    package static let messageTextLimit = 40_000

    package static func render(_ alert: RunAlert) -> JSONValue {
        let run = alert.run
        let title = "\(alert.emoji) Run \(run.id) \(alert.verb)"
        let scenario = run.scenarioName.map { " — \($0)" } ?? ""
        // The fallback is mrkdwn too (notifications, and the text-only resend): escaped,
        // so an API string cannot mention `<!channel>` or hide a link.
        let fallback = truncate(escape("\(title)\(scenario)" + (run.errorMessage.map { ": \($0)" } ?? "")), to: messageTextLimit)

        var heading = "*\(escape(title))*"
        if let url = linkable(alert.dashboardURL) { heading = "*\(alert.emoji) <\(url)|Run \(run.id)> \(alert.verb)*" }
        if let name = run.scenarioName { heading += "\n\(escape(name))" }

        var fields: [JSONValue] = []
        func field(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            fields.append(["type": "mrkdwn", "text": .string(truncate("*\(label)*\n\(escape(value))", to: fieldTextLimit))])
        }
        field("Status", run.status.rawValue + (run.success.map { " (success: \($0))" } ?? ""))
        field("Previous status", alert.previousStatus?.rawValue)
        field("Agent", run.agentName)
        field("Personality", run.personalityName)
        field("Duration", run.duration)
        field("Ended reason", run.endedReason)

        var blocks: [JSONValue] = [
            ["type": "section", "text": ["type": "mrkdwn", "text": .string(truncate(heading, to: sectionTextLimit))]]
        ]
        if !fields.isEmpty {
            blocks.append(["type": "section", "fields": .array(Array(fields.prefix(10)))])
        }
        if let error = run.errorMessage {
            // Code fences keep stack traces readable; the fence itself counts toward the limit.
            let body = truncate(escape(error), to: sectionTextLimit - 20)
            blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": .string("*Error*\n```\(body)```")]])
        }
        var context: [String] = []
        if !alert.labels.isEmpty {
            context.append(alert.labels.sorted { $0.key < $1.key }.map { "\(escape($0.key))=\(escape($0.value))" }.joined(separator: " · "))
        }
        // Only an https URL that cannot break out of the link syntax is linked.
        if let recording = run.linkableRecordingURL {
            context.append("<\(recording)|Recording>")
        } else if let recording = run.voiceRecordingURL {
            context.append("Recording: \(escape(truncate(recording, to: 300)))")
        }
        var elements: [JSONValue] = []
        if !context.isEmpty {
            elements.append(["type": "mrkdwn", "text": .string(truncate(context.joined(separator: "  |  "), to: sectionTextLimit))])
        }
        // Its own element, so cutting long labels never cuts the link.
        if let page = consoleLink(alert.consoleURL, "Open in runwatch") { elements.append(["type": "mrkdwn", "text": .string(page)]) }
        if !elements.isEmpty { blocks.append(["type": "context", "elements": .array(elements)]) }
        return ["text": .string(fallback), "blocks": .array(blocks)]
    }

    /// Slack's mrkdwn needs only these three escaped.
    package static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Longest URL that is linked; a longer one is left out (it came from configuration
    /// and the API, and the digest's line budget counts on this bound).
    package static let maxLinkLength = 400

    /// `url` when it can be a Slack link (`<url|text>`): http(s), no character that ends
    /// or splits the link, not longer than `maxLinkLength`; otherwise nil (not linked).
    package static func linkable(_ url: String?) -> String? {
        guard let url, url.utf16.count <= maxLinkLength else { return nil }
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"),
            !url.unicodeScalars.contains(where: { $0.value <= 0x20 || "<>|\"`".unicodeScalars.contains($0) || $0.value >= 0x7F })
        else { return nil }
        return url
    }

    /// "<url|text>" for a page of runwatch's console, nil when there is none or the URL is
    /// too long to link (a long suite name): dropped rather than cut, a cut link leads
    /// nowhere. `text` is runwatch's own wording, so it needs no escaping.
    package static func consoleLink(_ url: String?, _ text: String) -> String? {
        linkable(url).map { "<\($0)|\(text)>" }
    }

    /// The longest `consoleLink`: the URL bound plus the longest wording used.
    package static let maxConsoleLinkLength = maxLinkLength + "<|>".utf16.count + 40

    /// `text` on one line, escaped for mrkdwn, at most `limit` UTF-16 code units (the
    /// strictest way to count Slack's "characters") with "…" where it was cut. Control
    /// characters, line breaks and bidi controls become spaces; an entity is never cut in
    /// half.
    package static func excerpt(_ text: String, limit: Int) -> String {
        var out = String.UnicodeScalarView()
        var length = 0
        // Where to cut if the rest does not fit: the longest prefix leaving room for "…".
        var cut = 0
        var scalars = 0
        for scalar in text.unicodeScalars {
            let piece: String =
                switch scalar {
                case "&": "&amp;"
                case "<": "&lt;"
                case ">": "&gt;"
                case _ where scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}": " "
                // Bidi marks and overrides make a line read differently than it is.
                case "\u{061C}", "\u{200E}", "\u{200F}", "\u{202A}"..."\u{202E}", "\u{2066}"..."\u{2069}": " "
                default: String(scalar)
                }
            length += piece.utf16.count
            if length > limit { return String(String.UnicodeScalarView(out.prefix(cut))) + "…" }
            out.append(contentsOf: piece.unicodeScalars)
            scalars += piece.unicodeScalars.count
            if length <= limit - 1 { cut = scalars }
        }
        return String(out)
    }

    package static func truncate(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }
}
