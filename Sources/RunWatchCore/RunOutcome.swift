/// How a run ended, as far as alerting is concerned.
///
/// `completed` does not mean passed: a completed run with `success: false` failed to
/// connect or failed an evaluation check, so it is its own outcome, `unsuccessful`.
public enum RunOutcome: String, Sendable, CaseIterable, Codable {
    case completed
    case unsuccessful
    case failed
    case timeout
    case cancelled

    public init?(terminal status: RunStatus, success: Bool?) {
        switch status {
        case .completed: self = success == false ? .unsuccessful : .completed
        case .failed: self = .failed
        case .timeout: self = .timeout
        case .cancelled: self = .cancelled
        default: return nil
        }
    }

    /// Outcomes people are alerted about. A `completed` run whose `success` is still
    /// `null` counts as completed: nothing says it failed.
    public var isFailure: Bool { self != .completed }

    /// The event name notifiers see, e.g. `run.failed`.
    public var eventType: String { "run.\(rawValue)" }
}
