import Foundation

/// What a notification endpoint's answer means: the one place that decides whether a
/// delivery is done, worth retrying, or hopeless (Alertmanager's "retry bool", made
/// explicit).
public enum DeliveryVerdict: Sendable, Equatable {
    case delivered
    /// Try again; `after` is the receiver's Retry-After when it sent one.
    case retry(reason: String, after: Duration?)
    /// Retrying the same bytes cannot succeed; keep it as a dead letter.
    case dead(reason: String)

    public static func classify(status: Int, retryAfter: String?, body: Data, now: Date, retryAfterCap: Duration) -> DeliveryVerdict {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        switch status {
        case 200..<300:
            return .delivered
        case 408, 429, 500..<600:
            return .retry(
                reason: "HTTP \(status)\(text.isEmpty ? "" : ": \(text)")",
                after: retryAfter.flatMap { RetryAfter.parse($0, now: now, cap: retryAfterCap) })
        default:
            return .dead(reason: "HTTP \(status)\(text.isEmpty ? "" : ": \(text)")")
        }
    }
}
