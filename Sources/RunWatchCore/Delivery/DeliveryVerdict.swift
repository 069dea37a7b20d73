import Foundation

/// What a notification endpoint's answer means: the one place that decides whether a
/// delivery is done, worth retrying, hopeless, or a sign the endpoint is gone
/// (Alertmanager's "retry bool", made explicit).
package enum DeliveryVerdict: Sendable, Equatable {
    case delivered
    /// Try again; `after` is the receiver's Retry-After when it sent one.
    case retry(reason: String, after: Duration?)
    /// The endpoint refused the message's shape (Slack's `invalid_payload`,
    /// `invalid_blocks`): send its plain-text form once instead.
    case invalidPayload(reason: String)
    /// Retrying the same bytes cannot succeed; keep it as a dead letter.
    case dead(reason: String)
    /// The endpoint is gone or forbids us (403, 410, Slack's `no_service`): stop this
    /// notifier until a reload; its messages wait in the outbox.
    case disable(reason: String)

    /// The meaning of an HTTP status for any sink; a sink refines it for answers only it
    /// gives (`NotificationSink.classify`).
    package static func classify(status: Int, retryAfter: String?, body: Data, now: Date, retryAfterCap: Duration) -> DeliveryVerdict {
        // The receiver's words, one line and bounded: they go to the store, the log and the CLI.
        let text = UntrustedText.printable(
            String(decoding: body.prefix(400), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), limit: 200)
        let reason = "HTTP \(status)" + (text.isEmpty ? "" : ": \(text)")
        switch status {
        case 200..<300:
            return .delivered
        case 408, 429, 500..<600:
            return .retry(reason: reason, after: retryAfter.flatMap { RetryAfter.parse($0, now: now, cap: retryAfterCap) })
        case 403, 410:
            return .disable(reason: reason)
        default:
            return .dead(reason: reason)
        }
    }
}
