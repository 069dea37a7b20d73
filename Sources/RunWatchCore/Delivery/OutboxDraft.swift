import Foundation

/// A notification to enqueue: what it says (`OutboxContent`), rendered by its sink when
/// it is sent, the same bytes on every attempt.
package struct OutboxDraft: Sendable, Equatable {
    package var notifier: String
    package var runID: RunID
    package var event: String
    package var idempotencyKey: String
    /// The encoded `OutboxContent`, the message's one stored representation.
    package var payload: Data
    /// Only in rows written before the `v4-outbox-content` migration (the structured
    /// alert beside a rendered body, for Slack digests); always nil now.
    package var alert: Data?
    /// The suite instance a `suite.completed` message is about (its `runID` is 0).
    package var suite: Int64?

    package init(
        notifier: String, runID: RunID, event: String, idempotencyKey: String, payload: Data, alert: Data? = nil, suite: Int64? = nil
    ) {
        self.notifier = notifier
        self.runID = runID
        self.event = event
        self.idempotencyKey = idempotencyKey
        self.payload = payload
        self.alert = alert
        self.suite = suite
    }
}
