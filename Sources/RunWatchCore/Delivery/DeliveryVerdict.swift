import Foundation

/// What a notification endpoint's answer means: the one place that decides whether a
/// delivery is done, worth retrying, hopeless, or a sign the endpoint is gone
/// (Alertmanager's "retry bool", made explicit).
package enum DeliveryVerdict: Sendable, Equatable {
    case delivered
    /// Try again; `after` is the receiver's Retry-After when it sent one.
    case retry(reason: String, after: Duration?)
    /// Slack refused the message's shape (`invalid_payload`, `invalid_blocks`): send the
    /// plain-text fallback once instead.
    case invalidPayload(reason: String)
    /// Retrying the same bytes cannot succeed; keep it as a dead letter.
    case dead(reason: String)
    /// The endpoint is gone or forbids us (Slack `no_service`, `channel_is_archived`, 403,
    /// 410): stop this notifier until a reload; its messages wait in the outbox.
    case disable(reason: String)

    package static func classify(status: Int, retryAfter: String?, body: Data, isSlack: Bool, now: Date, retryAfterCap: Duration) -> DeliveryVerdict {
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = "HTTP \(status)" + (text.isEmpty ? "" : ": \(text)")
        switch status {
        case 200..<300:
            return .delivered
        case 408, 429, 500..<600:
            return .retry(reason: reason, after: retryAfter.flatMap { RetryAfter.parse($0, now: now, cap: retryAfterCap) })
        case 400 where isSlack && (text.contains("invalid_payload") || text.contains("invalid_blocks")):
            return .invalidPayload(reason: reason)
        case 403, 410:
            return .disable(reason: reason)
        case 404 where isSlack && text.contains("no_service"):
            return .disable(reason: reason)
        default:
            return .dead(reason: reason)
        }
    }
}
