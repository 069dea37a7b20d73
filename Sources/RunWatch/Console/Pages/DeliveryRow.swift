import Foundation
import RunWatchCore

/// One outbox message with its attempts, as the run page and the deliveries page show it.
/// Never its payload, URL or signature: the document does not hold them.
package struct DeliveryRow: Sendable, Equatable {
    package struct Attempt: Sendable, Equatable {
        package var attemptNumber: Int
        package var attemptAt: ConsolePageText.Moment
        package var attemptOutcome: String
        package var answer: String
    }

    package var deliveryID: Int64
    package var notifier: String
    /// `pending`, `delivered` or `dead` (`data-state`).
    package var deliveryState: String
    package var stateClass: String
    package var event: String
    package var attemptCount: Int
    /// What the message is about: a run or a suite instance, with its page.
    package var aboutText: String
    package var aboutHref: String?
    package var created: ConsolePageText.Moment
    package var nextAttempt: ConsolePageText.Moment?
    package var finished: ConsolePageText.Moment?
    package var why: String?
    package var attemptLog: [Attempt]
    package var hasAttemptLog: Bool

    package init(_ line: DeliveryLine, now: Date) {
        deliveryID = line.id
        notifier = ConsolePageText.untrusted(line.notifier, limit: ConsolePageText.nameLimit)
        deliveryState = ConsolePageText.untrusted(line.state, limit: 20)
        stateClass = ConsolePageText.cssToken(line.state)
        event = ConsolePageText.untrusted(line.event, limit: 80)
        attemptCount = line.attempts
        if let suite = line.suite {
            aboutText = "suite \(ConsolePageText.untrusted(suite.name, limit: ConsolePageText.nameLimit)) #\(suite.instance)"
            aboutHref = ConsolePageText.suitePath(suite.name, instance: suite.instance)
        } else if line.runID > 0 {
            aboutText = "run \(line.runID)"
            aboutHref = ConsolePageText.runPath(line.runID)
        } else {
            aboutText = "—"
            aboutHref = nil
        }
        created = ConsolePageText.moment(line.createdAt, now: now)
        nextAttempt = line.state == "pending" ? line.nextAttemptAt.map { ConsolePageText.moment($0, now: now) } : nil
        finished = line.finishedAt.map { ConsolePageText.moment($0, now: now) }
        why = line.lastError.map { ConsolePageText.untrusted($0) }
        // A message retried for days has many attempts: the page shows the last 50.
        attemptLog = line.attemptLog.suffix(50).map {
            Attempt(
                attemptNumber: $0.attempt, attemptAt: ConsolePageText.moment($0.at, now: now),
                attemptOutcome: ConsolePageText.untrusted($0.outcome, limit: 20),
                answer: $0.answer.map { ConsolePageText.untrusted($0) } ?? "accepted")
        }
        hasAttemptLog = !attemptLog.isEmpty
    }
}
