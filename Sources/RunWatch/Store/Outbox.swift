import Foundation
import RunWatchCore

/// Notifications between "decided" and "the receiver said yes": a message is in the
/// outbox before it is sent and leaves it only after a 2xx (or as a dead letter).
package protocol Outbox: Sendable {
    /// Pending outbox messages per notifier.
    func pendingByNotifier() async throws -> [String: Int]

    /// Outbox messages for `notifier` whose next attempt is due at `now`, oldest first.
    func dueDeliveries(notifier: String, now: Date, limit: Int) async throws -> [OutboxMessage]

    /// When the next undelivered message of `notifier` falls due, if any.
    func nextDeliveryDate(notifier: String) async throws -> Date?

    func markDelivered(_ messageID: Int64, at: Date) async throws
    func markAttemptFailed(_ messageID: Int64, attempts: Int, nextAttemptAt: Date, error: String) async throws
    func markDead(_ messageID: Int64, attempts: Int, error: String, at: Date) async throws

    /// Several messages went out as one (a Slack digest): record the result for all.
    func markDelivered(_ messageIDs: [Int64], at: Date) async throws

    /// Messages not yet delivered (pending and dead), oldest first, for `runwatch outbox`.
    func undelivered(limit: Int) async throws -> [OutboxMessage]

    /// Puts dead letters back in the queue, due now, with a fresh `max_age`. nil: all.
    /// Returns how many.
    func retryDead(_ messageID: Int64?, at: Date) async throws -> Int
}

package struct OutboxMessage: Sendable, Equatable {
    package var id: Int64
    package var notifier: String
    package var runID: RunID
    package var event: String
    package var idempotencyKey: String
    package var payload: Data
    package var alert: Data?
    package var attempts: Int
    package var createdAt: Date
    package var state: String = "pending"
    package var lastError: String?
}
