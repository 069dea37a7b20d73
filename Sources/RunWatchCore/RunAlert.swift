import Foundation

/// Everything a notification about one ended run says. Built from the transition that
/// ended the run, so rendering needs no further lookups.
public struct RunAlert: Sendable, Equatable, Codable {
    public var outcome: RunOutcome
    public var run: RunSnapshot
    public var previousStatus: RunStatus?
    public var endedAt: Date
    public var labels: [String: String]

    public init(outcome: RunOutcome, run: RunSnapshot, previousStatus: RunStatus?, endedAt: Date, labels: [String: String] = [:]) {
        self.outcome = outcome
        self.run = run
        self.previousStatus = previousStatus
        self.endedAt = endedAt
        self.labels = labels
    }

    private enum Keys: String, CodingKey { case outcome, run, previousStatus, endedAt, labels }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            outcome: try c.decode(RunOutcome.self, forKey: .outcome),
            run: try c.decode(RunSnapshot.self, forKey: .run),
            previousStatus: try c.decodeIfPresent(String.self, forKey: .previousStatus).map(RunStatus.init(stored:)),
            endedAt: Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .endedAt)),
            labels: try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(run, forKey: .run)
        try c.encodeIfPresent(previousStatus?.rawValue, forKey: .previousStatus)
        try c.encode(endedAt.timeIntervalSince1970, forKey: .endedAt)
        try c.encode(labels, forKey: .labels)
    }

    /// Stable across retries and re-creation after a crash: the same run ending the same
    /// way always yields the same key, so receivers can deduplicate.
    public var idempotencyKey: String { "msg_run\(run.id)_\(outcome.rawValue)" }

    /// "failed", "timed out", … as a person would say it.
    public var verb: String { Self.verb(for: outcome) }

    public static func verb(for outcome: RunOutcome) -> String {
        switch outcome {
        case .completed: "completed"
        case .unsuccessful: "completed unsuccessfully"
        case .failed: "failed"
        case .timeout: "timed out"
        case .cancelled: "was cancelled"
        case .notFound: "is no longer returned by the API"
        case .expired: "did not end before its deadline"
        }
    }

    public var emoji: String {
        switch outcome {
        case .completed: ":white_check_mark:"
        case .unsuccessful: ":warning:"
        case .failed: ":x:"
        case .timeout: ":hourglass:"
        case .cancelled: ":no_entry_sign:"
        case .notFound: ":grey_question:"
        case .expired: ":alarm_clock:"
        }
    }
}
