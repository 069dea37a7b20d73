import Foundation

/// When an open suite instance is complete: every run in it has ended (terminal,
/// including `not_found`, `expired` and `rejected`), no Cekura result of it is still
/// being expanded into runs, and no run joined it for `quietPeriod`.
///
/// The quiet period is Alertmanager's `group_wait`: a nightly submitted in several spool
/// files (or a CI job that starts runs in batches) must not complete between two files
/// just because the runs of the first one ended quickly.
package struct SuiteCompletion: Sendable, Equatable {
    package var quietPeriod: Duration

    package init(quietPeriod: Duration = Self.defaultQuietPeriod) {
        self.quietPeriod = quietPeriod
    }

    package static let defaultQuietPeriod: Duration = .seconds(30)

    /// What the store knows of one open instance.
    package struct Facts: Sendable, Equatable {
        package var runs: Int
        package var ended: Int
        /// Results of the suite still being read (`results.state = 'expanding'`).
        package var expandingResults: Int
        /// When a run last joined (or the instance opened).
        package var lastJoinedAt: Date

        package init(runs: Int, ended: Int, expandingResults: Int = 0, lastJoinedAt: Date) {
            self.runs = runs
            self.ended = ended
            self.expandingResults = expandingResults
            self.lastJoinedAt = lastJoinedAt
        }
    }

    package enum Decision: Sendable, Equatable {
        /// Complete it now.
        case complete
        /// Every run ended, but one joined too recently: look again at `until`.
        case quiet(until: Date)
        /// Runs still running or results still expanding: look again when one ends.
        case open
    }

    package func decide(_ facts: Facts, now: Date) -> Decision {
        guard facts.ended >= facts.runs, facts.expandingResults == 0 else { return .open }
        let quietUntil = facts.lastJoinedAt.addingTimeInterval(quietPeriod.secondsDouble)
        return now >= quietUntil ? .complete : .quiet(until: quietUntil)
    }
}
