import Foundation

/// A notification to enqueue: rendered once, delivered (and retried) byte for byte.
package struct OutboxDraft: Sendable, Equatable {
    package var notifier: String
    package var runID: RunID
    package var event: String
    package var idempotencyKey: String
    package var payload: Data
    /// The structured `RunAlert` (JSON), for Slack digests rendered at send time.
    package var alert: Data?

    package init(notifier: String, runID: RunID, event: String, idempotencyKey: String, payload: Data, alert: Data? = nil) {
        self.notifier = notifier
        self.runID = runID
        self.event = event
        self.idempotencyKey = idempotencyKey
        self.payload = payload
        self.alert = alert
    }
}
