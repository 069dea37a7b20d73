import Foundation

/// A generic JSON webhook with Standard Webhooks headers: every end by default, each
/// alert alone (receivers deduplicate on `webhook-id`), several deliveries at once.
package struct WebhookSink: NotificationSink {
    package init() {}

    package var defaults: SinkDefaults {
        SinkDefaults(
            events: Set(RunOutcome.allCases), pace: .zero, groupWindow: .zero, maxInFlight: 4,
            concurrent: true, digests: false, signed: true, carriesHistory: true)
    }

    package func render(_ alert: RunAlert, history: [Transition]) -> RenderedMessage {
        RenderedMessage(body: WebhookPayload.render(alert, history: history).encoded())
    }

    package func render(_ notice: TransitionNotice) -> RenderedMessage {
        var data: [String: JSONValue] = [
            "run_id": .int(notice.transition.runID),
            "previous_status": .optional(notice.transition.from?.rawValue),
            "status": .string(notice.transition.to.rawValue),
            "labels": .object(notice.labels.mapValues(JSONValue.string)),
        ]
        // Only with a public console address, as in `run.*` alerts.
        if let url = notice.consoleURL { data["console_url"] = .string(url) }
        let body: JSONValue = [
            "type": .string(TransitionNotice.eventType),
            "timestamp": .string(notice.transition.at.formatted(.iso8601)),
            "data": .object(data),
        ]
        return RenderedMessage(body: body.encoded())
    }

    /// Never called (`digests` is false); one alert after another if it were.
    package func renderDigest(_ alerts: [RunAlert], part: DigestPart?) -> RenderedMessage {
        RenderedMessage(body: JSONValue.array(alerts.map { WebhookPayload.render($0) }).encoded())
    }

    package func plainText(of body: Data) -> Data? { nil }

    package func classify(status: Int, retryAfter: String?, body: Data, now: Date, retryAfterCap: Duration) -> DeliveryVerdict {
        DeliveryVerdict.classify(status: status, retryAfter: retryAfter, body: body, now: now, retryAfterCap: retryAfterCap)
    }
}
