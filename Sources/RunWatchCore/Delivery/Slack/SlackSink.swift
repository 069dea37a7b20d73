import Foundation

/// Slack incoming webhooks: Block Kit with a text fallback, digests of failures ending
/// together, one message at a time (Slack allows about one per second per webhook).
package struct SlackSink: NotificationSink {
    package init() {}

    package var defaults: SinkDefaults {
        SinkDefaults(
            events: Set(RunOutcome.allCases.filter(\.isFailure)), pace: .seconds(1), groupWindow: .seconds(10),
            maxInFlight: 1, concurrent: false, digests: true, signed: false, carriesHistory: false)
    }

    package func render(_ alert: RunAlert, history: [Transition]) -> RenderedMessage {
        Self.withPlainText(SlackMessage.render(alert))
    }

    package func render(_ notice: TransitionNotice) -> RenderedMessage {
        let text =
            ":arrows_counterclockwise: Run \(notice.transition.runID): \(notice.transition.from?.rawValue ?? "submitted") → \(notice.transition.to.rawValue)"
        let escaped = SlackMessage.escape(text)
        return Self.withPlainText([
            "text": .string(escaped), "blocks": [["type": "section", "text": ["type": "mrkdwn", "text": .string(escaped)]]],
        ])
    }

    package func renderDigest(_ alerts: [RunAlert]) -> RenderedMessage {
        Self.withPlainText(SlackDigest.render(alerts))
    }

    package func plainText(of body: Data) -> Data? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let text = object["text"] as? String else { return nil }
        return JSONValue.object(["text": .string(text)]).encoded()
    }

    /// Slack answers in plain text: `invalid_payload` / `invalid_blocks` mean "send it
    /// simpler", `no_service` (404) means the webhook is gone.
    package func classify(status: Int, retryAfter: String?, body: Data, now: Date, retryAfterCap: Duration) -> DeliveryVerdict {
        let verdict = DeliveryVerdict.classify(status: status, retryAfter: retryAfter, body: body, now: now, retryAfterCap: retryAfterCap)
        guard case .dead(let reason) = verdict else { return verdict }
        switch status {
        case 400 where reason.contains("invalid_payload") || reason.contains("invalid_blocks"): return .invalidPayload(reason: reason)
        case 404 where reason.contains("no_service"): return .disable(reason: reason)
        default: return verdict
        }
    }

    /// The message and its `text` alone, for when Slack refuses the blocks.
    static func withPlainText(_ message: JSONValue) -> RenderedMessage {
        guard case .object(let fields) = message, let text = fields["text"] else { return RenderedMessage(body: message.encoded()) }
        return RenderedMessage(body: message.encoded(), plainText: JSONValue.object(["text": text]).encoded())
    }
}
