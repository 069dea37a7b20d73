import Foundation
import RunWatchCore

/// What the console reads beyond the CLI's reports: counts per notifier and outcome,
/// suite lists, delivery attempts. Read-only, one read transaction each, over indexes
/// (a page view a second must cost the daemon almost nothing; StoreQueryPlanTests).
package protocol ConsoleReads: Sendable {
    /// Runs that ended at or after `since`, by outcome.
    func endedSince(_ since: Date) async throws -> [RunOutcome: Int]

    /// Every notifier the outbox names: pending and dead messages, and those delivered
    /// at or after `deliveredSince`.
    func outboxByNotifier(deliveredSince: Date) async throws -> [String: NotifierCounts]

    /// Notifiers the daemon stopped until reload, with the reason (`StoreSummary` has them
    /// too, with counts the deliveries page does not need).
    func disabledNotifiers() async throws -> [String: String]

    /// The `openLimit` oldest open suite instances, then the `recentLimit` most recently
    /// completed (newest first), each counted; and how many open ones were left out.
    func suiteTallies(recentLimit: Int, openLimit: Int) async throws -> (tallies: [SuiteTally], openOmitted: Int)

    /// Instance `instance` of suite `name` (nil when it is not an instance of that name),
    /// else its latest, with every run and up to `otherLimit` other instances (newest
    /// first). nil: no such suite.
    func suitePage(name: String, instance: Int64?, otherLimit: Int, links: DashboardLinks) async throws -> SuitePage?

    /// Everything stored about run `id` (nil: not in the store).
    func runPage(_ id: RunID, links: DashboardLinks) async throws -> RunPage?

    /// Pending messages (soonest next attempt first) and dead letters (newest first), at
    /// most `limit` of each, without their attempt logs (the run page has them).
    func undeliveredLines(limit: Int) async throws -> (pending: [DeliveryLine], dead: [DeliveryLine])
}

package struct NotifierCounts: Sendable, Equatable {
    package var pending = 0
    package var dead = 0
    package var delivered = 0

    package init(pending: Int = 0, dead: Int = 0, delivered: Int = 0) {
        self.pending = pending
        self.dead = dead
        self.delivered = delivered
    }
}

/// A suite instance, counted (no runs).
package struct SuiteTally: Sendable, Equatable {
    package var instance: Int64
    package var name: String
    package var startedAt: Date
    package var completedAt: Date?
    package var runs: Int
    /// Ended runs by outcome.
    package var counts: [RunOutcome: Int]
    package var expandingResults: Int

    package init(
        instance: Int64, name: String, startedAt: Date, completedAt: Date?, runs: Int, counts: [RunOutcome: Int], expandingResults: Int
    ) {
        self.instance = instance
        self.name = name
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.runs = runs
        self.counts = counts
        self.expandingResults = expandingResults
    }

    package var ended: Int { counts.values.reduce(0, +) }
    package var passed: Int { counts[.completed] ?? 0 }
}

/// One suite instance with its runs, for its page.
package struct SuitePage: Sendable, Equatable {
    package var report: SuiteReport
    package var tally: SuiteTally
    package var expanding: [ResultID]
    package var others: [SuiteTally]
}

/// One run with its history, for its page.
package struct RunPage: Sendable, Equatable {
    package var result: RunResult
    package var labels: [String: String]
    package var transitions: [Transition]
    /// The snapshot stored when the run ended (nil before).
    package var snapshot: RunSnapshot?
    /// Its messages, oldest first, each with its attempt log.
    package var deliveries: [DeliveryLine]
    package var suites: [SuiteRef]
}
