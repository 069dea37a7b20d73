import Foundation

/// A `run.transition` event: one status change of a watched run, for notifiers that
/// subscribe to every change.
package struct TransitionNotice: Sendable, Equatable {
    package var transition: Transition
    package var labels: [String: String]

    package init(transition: Transition, labels: [String: String] = [:]) {
        self.transition = transition
        self.labels = labels
    }

    package static let eventType = "run.transition"

    /// Created once, in the transaction that records the change; unique per change.
    package var idempotencyKey: String {
        "msg_run\(transition.runID)_\(transition.to.rawValue)_\(Int64(transition.at.timeIntervalSince1970 * 1000))"
    }

    package func webhookBody() -> JSONValue {
        [
            "type": .string(Self.eventType),
            "timestamp": .string(transition.at.formatted(.iso8601)),
            "data": [
                "run_id": .int(transition.runID),
                "previous_status": .optional(transition.from?.rawValue),
                "status": .string(transition.to.rawValue),
                "labels": .object(labels.mapValues(JSONValue.string)),
            ],
        ]
    }

    package func slackMessage() -> JSONValue {
        let text = ":arrows_counterclockwise: Run \(transition.runID): \(transition.from?.rawValue ?? "submitted") → \(transition.to.rawValue)"
        return ["text": .string(text), "blocks": [["type": "section", "text": ["type": "mrkdwn", "text": .string(SlackMessage.escape(text))]]]]
    }
}
