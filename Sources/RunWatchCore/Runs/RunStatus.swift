/// A Cekura run id. Cekura's ids are positive integers; 64-bit on every platform we run on.
package typealias RunID = Int

/// The status of a Cekura run as the bulk endpoint reports it.
///
/// Cekura's enum grows without notice (7 values in Jan 2025, 10 now), so a value we do not
/// know is kept verbatim in `unknown` and treated as *not finished*: a run is only ever
/// considered ended on a status we know to be terminal.
package enum RunStatus: Hashable, Sendable, CustomStringConvertible {
    case pending
    case inQueue
    case scalingUp
    case running
    case inProgress
    case evaluating
    case completed
    case failed
    case timeout
    case cancelled
    /// runwatch's own end for a run the API stopped returning (never Cekura's value).
    case notFound
    /// runwatch's own end for a run still unfinished at its `watch.deadline`.
    case expired
    /// runwatch's own end for a run the API refuses to report: a request for it alone was
    /// refused (or failed) again and again while the API answered every other run.
    case rejected
    case unknown(String)

    /// The ten values Cekura documents, in lifecycle order.
    package static let known: [RunStatus] = [
        .pending, .inQueue, .scalingUp, .running, .inProgress, .evaluating,
        .completed, .failed, .timeout, .cancelled,
    ]

    /// Cekura's `TERMINAL_RESULT_STATUSES`. `evaluating` is deliberately absent: the call
    /// ended but scoring is not final.
    package static let terminal: Set<RunStatus> = [.completed, .failed, .timeout, .cancelled]

    /// Ends runwatch decides on itself; stored like statuses, never read from the API.
    package static let localEnds: Set<RunStatus> = [.notFound, .expired, .rejected]

    /// Reads a status stored by runwatch: the API's values plus runwatch's own ends.
    package init(stored rawValue: String) {
        switch rawValue {
        case "not_found": self = .notFound
        case "expired": self = .expired
        case "rejected": self = .rejected
        default: self.init(rawValue: rawValue)
        }
    }

    /// Reads a status from the API. `not_found`, `expired` and `rejected` are not Cekura values: if the
    /// API ever sent them they would be unknown (not finished), not runwatch's ends.
    package init(rawValue: String) {
        switch rawValue {
        case "pending": self = .pending
        case "in_queue": self = .inQueue
        case "scaling_up": self = .scalingUp
        case "running": self = .running
        case "in_progress": self = .inProgress
        case "evaluating": self = .evaluating
        case "completed": self = .completed
        case "failed": self = .failed
        case "timeout": self = .timeout
        case "cancelled": self = .cancelled
        default: self = .unknown(rawValue)
        }
    }

    package var rawValue: String {
        switch self {
        case .pending: "pending"
        case .inQueue: "in_queue"
        case .scalingUp: "scaling_up"
        case .running: "running"
        case .inProgress: "in_progress"
        case .evaluating: "evaluating"
        case .completed: "completed"
        case .failed: "failed"
        case .timeout: "timeout"
        case .cancelled: "cancelled"
        case .notFound: "not_found"
        case .expired: "expired"
        case .rejected: "rejected"
        case .unknown(let value): value
        }
    }

    package var isTerminal: Bool { Self.terminal.contains(self) || Self.localEnds.contains(self) }

    /// One of Cekura's ten documented values.
    package var isKnown: Bool { Self.known.contains(self) }

    package var description: String { rawValue }

    /// The value for a metric label: a hostile or changing API must not create an
    /// unbounded set of label values, so every unknown status counts as `other`.
    package var metricLabel: String {
        if case .unknown = self { return "other" }
        return rawValue
    }

    /// The same for a status stored as text (`submitted` before the first answer).
    package static func metricLabel(stored: String) -> String {
        stored == "submitted" ? stored : RunStatus(stored: stored).metricLabel
    }
}
