import Foundation

/// The rules for how long and how often a run is watched (all configurable).
package struct WatchPolicy: Sendable, Equatable {
    /// Default time between two polls of a run.
    package var pollInterval: Duration
    /// Per-status overrides of `pollInterval`, e.g. `in_queue` less often.
    package var statusIntervals: [String: Duration]
    /// How long a `completed` run with `success: null` is polled for `success` to settle.
    package var successGrace: Duration
    /// Consecutive answers a run may be missing from before it ends as `not_found`...
    package var notFoundAfter: Int
    /// ...provided it was submitted at least this long ago (new runs take time to appear).
    package var notFoundMinAge: Duration
    /// A run still unfinished this long after submission ends as `expired`.
    package var deadline: Duration

    package init(
        pollInterval: Duration = .seconds(15), statusIntervals: [String: Duration] = [:],
        successGrace: Duration = .seconds(300), notFoundAfter: Int = 20,
        notFoundMinAge: Duration = .seconds(600), deadline: Duration = .seconds(86400)
    ) {
        self.pollInterval = pollInterval
        self.statusIntervals = statusIntervals
        self.successGrace = successGrace
        self.notFoundAfter = notFoundAfter
        self.notFoundMinAge = notFoundMinAge
        self.deadline = deadline
    }

    /// The wait before the next poll of a run last seen in `status` (nil: not seen yet).
    package func interval(for status: RunStatus?) -> Duration {
        status.flatMap { statusIntervals[$0.rawValue] } ?? pollInterval
    }
}

/// How often the whole watch list can really be swept within the request budget.
package enum SweepBudget {
    /// `max(poll_interval, ceil(active / batch) / rps)`: when the budget cannot cover every
    /// run at `poll_interval`, every interval stretches to this, evenly.
    package static func effectivePeriod(active: Int, batchSize: Int, requestsPerSecond: Double, pollInterval: Duration) -> Duration {
        guard active > 0, batchSize > 0, requestsPerSecond > 0 else { return pollInterval }
        let requests = (active + batchSize - 1) / batchSize
        return max(pollInterval, .secondsDouble(Double(requests) / requestsPerSecond))
    }
}
