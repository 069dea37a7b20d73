import Foundation

/// A `run.transition` event: one status change of a watched run, for notifiers that
/// subscribe to every change.
package struct TransitionNotice: Sendable, Equatable {
    package var transition: Transition
    package var labels: [String: String]

    package init(transition: Transition, labels: [String: String] = [:]) {
        self.transition = transition
        self.labels = labels
    }

    package static let eventType = "run.transition"

    /// Created once, in the transaction that records the change; unique per change.
    package var idempotencyKey: String {
        "msg_run\(transition.runID)_\(transition.to.rawValue)_\(Int64(transition.at.timeIntervalSince1970 * 1000))"
    }
}
