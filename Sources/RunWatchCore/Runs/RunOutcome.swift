/// How a run ended, as far as alerting is concerned.
///
/// `completed` does not mean passed: a completed run with `success: false` failed to
/// connect or failed an evaluation check, so it is its own outcome, `unsuccessful`.
package enum RunOutcome: String, Sendable, CaseIterable, Codable {
    case completed
    case unsuccessful
    case failed
    case timeout
    case cancelled
    /// The API stopped returning the run (see `WatchPolicy.notFoundAfter`).
    case notFound = "not_found"
    /// The run had not ended at its `watch.deadline`.
    case expired
    /// The API refuses to report the run: see `PollGate` ("one bad id").
    case rejected

    package init?(terminal status: RunStatus, success: Bool?) {
        switch status {
        case .completed: self = success == false ? .unsuccessful : .completed
        case .failed: self = .failed
        case .timeout: self = .timeout
        case .cancelled: self = .cancelled
        case .notFound: self = .notFound
        case .expired: self = .expired
        case .rejected: self = .rejected
        default: return nil
        }
    }

    /// Outcomes people are alerted about by default. A `completed` run whose `success`
    /// stayed `null` through the grace period counts as completed: nothing says it failed.
    /// A run that vanished or never ended is worth a look, so those alert too.
    package var isFailure: Bool { self != .completed }

    /// The event name notifiers see, e.g. `run.failed`.
    package var eventType: String { "run.\(rawValue)" }
}
