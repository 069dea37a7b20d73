import Foundation

/// A `run.transition` event: one status change of a watched run, for notifiers that
/// subscribe to every change.
package struct TransitionNotice: Sendable, Equatable {
    package var transition: Transition
    package var labels: [String: String]
    /// Links into the console, fixed when the notice is drafted (as for `RunAlert`).
    package var console: ConsoleLinks

    package init(transition: Transition, labels: [String: String] = [:], console: ConsoleLinks = .none) {
        self.transition = transition
        self.labels = labels
        self.console = console
    }

    /// The run's page in the console; nil without a public address.
    package var consoleURL: String? { console.run(transition.runID) }

    package static let eventType = "run.transition"

    /// Created once, in the transaction that records the change; unique per change.
    package var idempotencyKey: String {
        "msg_run\(transition.runID)_\(transition.to.rawValue)_\(Int64(transition.at.timeIntervalSince1970 * 1000))"
    }
}
