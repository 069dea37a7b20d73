import Foundation

/// What runwatch knows of a run between polls. `status == nil` means never seen yet.
package struct RunState: Sendable, Equatable {
    package var status: RunStatus?
    package var success: Bool?

    package init(status: RunStatus? = nil, success: Bool? = nil) {
        self.status = status
        self.success = success
    }

    package var isTerminal: Bool { status?.isTerminal ?? false }
}

/// A status change of one run. `from == nil` is the first status runwatch saw.
package struct Transition: Sendable, Equatable {
    package var runID: RunID
    package var from: RunStatus?
    package var to: RunStatus
    package var at: Date

    package init(runID: RunID, from: RunStatus?, to: RunStatus, at: Date) {
        self.runID = runID
        self.from = from
        self.to = to
        self.at = at
    }
}

/// The status-level meaning of one observation: the new state, and the transition if the
/// status changed. Whether the run's outcome is decided is `RunTracker`'s call alone (it
/// knows the lifecycle rules: success grace, not found, deadline).
package struct StatusDiff: Sendable, Equatable {
    package var current: RunState
    package var transition: Transition?
}

/// Turns observations into transitions. Pure: the time is an input.
package enum TransitionTracker {
    package static func observe(_ snapshot: RunSnapshot, previous: RunState, at now: Date) -> StatusDiff {
        let current = RunState(status: snapshot.status, success: snapshot.success)
        let changed = previous.status != snapshot.status
        let transition =
            changed
            ? Transition(runID: snapshot.id, from: previous.status, to: snapshot.status, at: now)
            : nil
        return StatusDiff(current: current, transition: transition)
    }
}
