/// The one-line state shown in `systemctl status` (sd_notify `STATUS=`) and by
/// `runwatch status`: what is watched, what is owed, and whether the API is usable.
package struct StatusLine: Sendable, Equatable {
    package enum APIState: Sendable, Equatable {
        case ok
        case backingOff(until: String, reason: String)
        /// The API answered 429: no request until `until` (its Retry-After, capped).
        case rateLimited(until: String)
        case keyRejected
        case notYetContacted
    }

    package var watching: Int = 0
    package var ended: Int = 0
    package var failed: Int = 0
    package var outboxDepth: Int = 0
    package var api: APIState = .notYetContacted
    /// The effective sweep period, e.g. `15s` (stretched when the budget is short).
    package var sweepPeriod: String?
    /// Status values the API sent that runwatch does not know.
    package var unknownStatuses: [String] = []
    /// Notifiers stopped until reload because their endpoint is gone.
    package var disabledNotifiers: [String] = []

    package init() {}

    static let maxReasonBytes = 200
    static let maxStatusBytes = 40
    static let maxUnknownStatusesShown = 5

    package var rendered: String {
        var parts = ["watching \(watching)"]
        if let sweepPeriod { parts[0] += " (sweep \(sweepPeriod))" }
        parts += ["ended \(ended) (\(failed) alerting)", "outbox \(outboxDepth)"]
        switch api {
        case .ok: parts.append("API ok")
        case .notYetContacted: parts.append("API not contacted yet")
        case .backingOff(let until, let reason):
            parts.append("API backing off until \(until): \(StatusText.clean(reason, maxBytes: Self.maxReasonBytes))")
        case .rateLimited(let until): parts.append("API rate limited (429) until \(until)")
        case .keyRejected: parts.append("API key rejected")
        }
        if !disabledNotifiers.isEmpty { parts.append("notifier disabled: " + disabledNotifiers.joined(separator: " ")) }
        if !unknownStatuses.isEmpty {
            // The API chooses these strings: a few, each short, so a hostile answer cannot
            // crowd out the rest of the line.
            var shown = unknownStatuses.prefix(Self.maxUnknownStatusesShown).map { StatusText.clean($0, maxBytes: Self.maxStatusBytes) }
            if unknownStatuses.count > shown.count { shown.append("and \(unknownStatuses.count - shown.count) more") }
            parts.append("unknown statuses: " + shown.joined(separator: " "))
        }
        return StatusText.clean(parts.joined(separator: ", "))
    }
}
