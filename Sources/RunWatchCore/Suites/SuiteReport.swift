import Foundation

/// A suite's verdict: "nightly: 47 of 50 passed; 2 failed, 1 timed out", with every run.
/// One instance of a suite name: a name is reused (every night's `nightly`), and each
/// instance opens when a submission names it while no instance of it is open, and
/// completes when every run in it has ended (see `SuiteCompletion`).
package struct SuiteReport: Sendable, Equatable, Codable {
    package var name: String
    /// The stored instance id: with the name, what makes the report (and its messages'
    /// idempotency keys) unique.
    package var instance: Int64
    package var startedAt: Date
    package var completedAt: Date?
    /// Every run of the suite, by id.
    package var runs: [RunResult]
    /// Labels the suite's notifications carry (those of the submission that opened it).
    package var labels: [String: String]
    /// The dashboard page of the suite, when it is one Cekura result and links are configured.
    package var dashboardURL: String?
    /// The instance's page in runwatch's console (`/suites/<name>/<instance>` under
    /// `console.public_url`): set when its messages are drafted, so every part and every
    /// retry links to the same page; nil when the console has no public address.
    package var consoleURL: String?
    /// Only in a stored part of a summary sent in several messages: the whole suite's
    /// figures, while `runs` holds just the runs that part names (so a suite of 10,000
    /// failures is not stored once per part). nil in every report read from the store.
    package var tally: Tally?

    package struct Tally: Sendable, Equatable, Codable {
        package var total: Int
        package var counts: [RunOutcome: Int]
        /// How many parts the summary has.
        package var parts: Int
        /// Outcome groups that began in an earlier part.
        package var earlierGroups: [RunOutcome]

        package init(total: Int, counts: [RunOutcome: Int], parts: Int, earlierGroups: [RunOutcome]) {
            self.total = total
            self.counts = counts
            self.parts = parts
            self.earlierGroups = earlierGroups
        }
    }

    package init(
        name: String, instance: Int64, startedAt: Date, completedAt: Date? = nil, runs: [RunResult], labels: [String: String] = [:],
        dashboardURL: String? = nil
    ) {
        self.name = name
        self.instance = instance
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.runs = runs.sorted { $0.id < $1.id }
        self.labels = labels
        self.dashboardURL = dashboardURL
    }

    /// Ended runs by outcome.
    package var counts: [RunOutcome: Int] {
        tally?.counts ?? runs.reduce(into: [:]) { counts, run in if let outcome = run.outcome { counts[outcome, default: 0] += 1 } }
    }

    /// Runs in the suite.
    package var total: Int { tally?.total ?? runs.count }
    package var passed: Int { tally.map { $0.counts[.completed] ?? 0 } ?? runs.count { $0.passed } }
    package var ended: Int { tally.map { $0.counts.values.reduce(0, +) } ?? runs.count { $0.ended } }

    /// Passed runs over all runs, 0…1 (0 for an empty suite: see `isPassing`).
    package var passRate: Double { total == 0 ? 0 : Double(passed) / Double(total) }

    /// The verdict: every run passed, and there was at least one. A suite with no runs (a
    /// result the API does not know, a submission whose runs were all forgotten) passed
    /// nothing: announcing it as green would hide that nothing was tested, and
    /// `runwatch wait` calls the same situation an infrastructure failure (exit 2).
    package var isPassing: Bool { total > 0 && passed == total }

    /// Every run that ended and did not pass, grouped by outcome in `RunOutcome` order,
    /// by id within a group.
    package var failures: [RunResult] {
        let order = Dictionary(uniqueKeysWithValues: RunOutcome.allCases.enumerated().map { ($1, $0) })
        return runs.filter { $0.ended && !$0.passed }.sorted {
            (order[$0.outcome!] ?? 0, $0.id) < (order[$1.outcome!] ?? 0, $1.id)
        }
    }

    /// From the first submission to completion (or to `now` while running).
    package func duration(now: Date) -> Duration {
        .secondsDouble(max(0, (completedAt ?? now).timeIntervalSince(startedAt)))
    }

    /// Stable across retries and restarts: one instance completes once.
    /// The instance id is unique only within one store, so the instant the instance opened
    /// (milliseconds, stored) is part of the key: a store recreated on a new host, or a
    /// second daemon posting to the same receiver, never reuses a `webhook-id` that a
    /// receiver deduplicating by it would drop.
    package var idempotencyKey: String { "msg_suite\(instance)_\(Int64((startedAt.timeIntervalSince1970 * 1000).rounded()))_completed" }

    /// The event name notifiers see.
    package static let eventType = "suite.completed"
}
