/// A Cekura run id. Cekura's ids are positive integers; 64-bit on every platform we run on.
public typealias RunID = Int

/// The status of a Cekura run as the bulk endpoint reports it.
///
/// Cekura's enum grows without notice (7 values in Jan 2025, 10 now), so a value we do not
/// know is kept verbatim in `unknown` and treated as *not finished*: a run is only ever
/// considered ended on a status we know to be terminal.
public enum RunStatus: Hashable, Sendable, CustomStringConvertible {
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
    case unknown(String)

    /// The ten values Cekura documents, in lifecycle order.
    public static let known: [RunStatus] = [
        .pending, .inQueue, .scalingUp, .running, .inProgress, .evaluating,
        .completed, .failed, .timeout, .cancelled,
    ]

    /// Cekura's `TERMINAL_RESULT_STATUSES`. `evaluating` is deliberately absent: the call
    /// ended but scoring is not final.
    public static let terminal: Set<RunStatus> = [.completed, .failed, .timeout, .cancelled]

    public init(rawValue: String) {
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

    public var rawValue: String {
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
        case .unknown(let value): value
        }
    }

    public var isTerminal: Bool { Self.terminal.contains(self) }

    public var isKnown: Bool {
        if case .unknown = self { return false }
        return true
    }

    public var description: String { rawValue }
}
