import Foundation

/// What the daemon keeps in memory about one watched run.
package struct TrackedRun: Sendable, Equatable {
    package var state: RunState
    package var submittedAt: Date
    /// Consecutive successful answers the run was missing from.
    package var misses: Int
    /// Since when the run has been `completed` with `success: null`.
    package var awaitingSuccessSince: Date?
    /// When an answer last covered this run (in memory only; for the detection-delay metric).
    package var lastPolledAt: Date?
    /// Who hears of this run: kept with it, so routing an alert reads nothing from the store.
    package var routing: RunRouting

    package init(
        state: RunState = RunState(), submittedAt: Date, misses: Int = 0, awaitingSuccessSince: Date? = nil,
        lastPolledAt: Date? = nil, routing: RunRouting = RunRouting()
    ) {
        self.state = state
        self.submittedAt = submittedAt
        self.misses = misses
        self.awaitingSuccessSince = awaitingSuccessSince
        self.lastPolledAt = lastPolledAt
        self.routing = routing
    }

    /// An upper bound on how late an end seen at `now` was noticed: it happened after the
    /// previous answer about the run.
    package func detectionDelay(at now: Date) -> TimeInterval {
        now.timeIntervalSince(lastPolledAt ?? submittedAt)
    }
}

/// What one observation (or absence) of a run means, ready to record.
package struct RunUpdate: Sendable, Equatable {
    package var snapshot: RunSnapshot
    package var previous: RunState
    package var current: RunState
    package var transition: Transition?
    /// Set once, when the run ends: what to alert about.
    package var outcome: RunOutcome?
    /// The run is over: stop polling it.
    package var ended: Bool

    /// Whether the store needs to hear about it.
    package var isNews: Bool { transition != nil || outcome != nil || previous.success != current.success }

    package init(snapshot: RunSnapshot, previous: RunState, current: RunState, transition: Transition?, outcome: RunOutcome?, ended: Bool) {
        self.snapshot = snapshot
        self.previous = previous
        self.current = current
        self.transition = transition
        self.outcome = outcome
        self.ended = ended
    }
}

/// The lifecycle rules, applied to one run at a time. Pure: time is an input.
///
/// - A terminal status ends the run at once, except `completed` with `success: null`,
///   which is polled for up to `successGrace` and then taken as it last was.
/// - A run missing from `notFoundAfter` consecutive answers, submitted at least
///   `notFoundMinAge` ago, ends as `not_found`.
/// - A run unfinished `deadline` after submission ends as `expired`.
/// - A run the API refuses to report (`PollGate` isolated it) ends as `rejected`, with why.
/// - Unknown statuses are never terminal.
package enum RunTracker {
    package static func observe(_ snapshot: RunSnapshot, run: TrackedRun, at now: Date, policy: WatchPolicy) -> (TrackedRun, RunUpdate) {
        let diff = TransitionTracker.observe(snapshot, previous: run.state, at: now)
        var next = run
        next.state = diff.current
        next.misses = 0
        next.lastPolledAt = now
        var outcome: RunOutcome?
        var ended = false
        if snapshot.status == .completed, snapshot.success == nil {
            let since = run.awaitingSuccessSince ?? now
            next.awaitingSuccessSince = since
            if now.timeIntervalSince(since) >= policy.successGrace.secondsDouble {
                outcome = .completed
                ended = true
            }
        } else if snapshot.status.isTerminal {
            outcome = RunOutcome(terminal: snapshot.status, success: snapshot.success)
            ended = true
        } else {
            next.awaitingSuccessSince = nil
        }
        let update = RunUpdate(
            snapshot: snapshot, previous: run.state, current: next.state, transition: diff.transition, outcome: outcome, ended: ended)
        if !ended, let expired = expireIfDue(run: next, id: snapshot.id, at: now, policy: policy) {
            // The observation's own transition is kept in the store by the expiry's "from".
            return expired
        }
        return (next, update)
    }

    /// The run was not in a successful answer.
    package static func absent(_ id: RunID, run: TrackedRun, at now: Date, policy: WatchPolicy) -> (TrackedRun, RunUpdate?) {
        var next = run
        next.misses += 1
        next.lastPolledAt = now
        if next.misses >= policy.notFoundAfter, now.timeIntervalSince(run.submittedAt) >= policy.notFoundMinAge.secondsDouble {
            return end(id, as: .notFound, run: next, at: now)
        }
        if let expired = expireIfDue(run: next, id: id, at: now, policy: policy) { return (expired.0, expired.1) }
        return (next, nil)
    }

    /// Ends the run as `expired` if it is past its deadline.
    package static func expireIfDue(run: TrackedRun, id: RunID, at now: Date, policy: WatchPolicy) -> (TrackedRun, RunUpdate)? {
        guard now.timeIntervalSince(run.submittedAt) >= policy.deadline.secondsDouble else { return nil }
        return end(id, as: .expired, run: run, at: now)
    }

    /// The API refuses to report the run (a request for it alone was refused while other
    /// runs were answered): it ends as `rejected`, with `reason` (already bounded) as its
    /// error, so `runwatch show` and the alert say why.
    package static func reject(_ id: RunID, run: TrackedRun, reason: String, at now: Date) -> (TrackedRun, RunUpdate) {
        end(id, as: .rejected, run: run, at: now, error: reason)
    }

    private static func end(_ id: RunID, as status: RunStatus, run: TrackedRun, at now: Date, error: String? = nil) -> (TrackedRun, RunUpdate) {
        var next = run
        next.state = RunState(status: status, success: run.state.success)
        let snapshot = RunSnapshot(id: id, status: status, success: run.state.success, errorMessage: error)
        let update = RunUpdate(
            snapshot: snapshot, previous: run.state, current: next.state,
            transition: Transition(runID: id, from: run.state.status, to: status, at: now),
            outcome: RunOutcome(terminal: status, success: nil), ended: true)
        return (next, update)
    }
}
