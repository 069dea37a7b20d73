import Foundation
import RunWatchCore

/// Notifications between "decided" and "the receiver said yes": a message is in the
/// outbox before it is sent and leaves it only after a 2xx (or as a dead letter).
package protocol Outbox: Sendable {
    /// Pending outbox messages per notifier.
    func pendingByNotifier() async throws -> [String: Int]

    /// Pending messages of every notifier: an indexed count, cheap enough to run after
    /// every delivery (for `STATUS=`).
    func pendingCount() async throws -> Int

    /// `notifier`'s pending messages, soonest next attempt first, due or not: which are
    /// due is the `DeliveryPlan`'s decision (on the monotonic clock), not the store's.
    func pendingEntries(notifier: String, limit: Int) async throws -> [OutboxEntry]

    /// The messages with these ids, in that order (those still stored).
    func messages(_ ids: [Int64]) async throws -> [OutboxMessage]

    /// Writes what delivery attempts achieved, in one transaction. `at` is the wall time
    /// of the answers: the finish time, and the base of each retry's next attempt.
    func record(_ updates: [DeliveryPlan.Update], at: Date) async throws

    /// Messages not yet delivered (pending and dead), oldest first, for `runwatch outbox`.
    func undelivered(limit: Int) async throws -> [OutboxMessage]

    /// Puts dead letters back in the queue, due now, with a fresh `max_age`. nil: all.
    /// Returns how many.
    func retryDead(_ messageID: Int64?, at: Date) async throws -> Int
}

/// A pending message as the delivery plan needs it: no bytes.
package struct OutboxEntry: Sendable, Equatable {
    package var id: Int64
    package var attempts: Int
    /// A run alert, which a sink with digests may group with others.
    package var isRunAlert: Bool
    package var createdAt: Date
    package var nextAttemptAt: Date
}

package struct OutboxMessage: Sendable, Equatable {
    package var id: Int64
    package var notifier: String
    package var runID: RunID
    package var event: String
    package var idempotencyKey: String
    /// The encoded `OutboxContent` (or, in a row older than the `v4-outbox-content`
    /// migration, the rendered body).
    package var payload: Data
    /// Old rows only: the structured alert beside a rendered Slack body.
    package var alert: Data?
    /// Whether `payload` is content (rendered when sent) rather than an old rendered body.
    package var isContent: Bool = true
    package var attempts: Int
    package var createdAt: Date
    package var state: String = "pending"
    package var lastError: String?
}
