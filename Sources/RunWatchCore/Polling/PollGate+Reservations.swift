/// Requests that are not bulk polls (a result read, `GET /v2/results/{id}/`) spend the
/// same API key's budget, so they take their start from the same gate: the spacing, a
/// 429's Retry-After and a key pause hold them back exactly like a bulk request, and the
/// gate counts their start in its spacing. A 429 answered to one of them closes the gate
/// for everyone (`handle(.rateLimited, for: [])`): the limit is the key's, not the route's.
extension PollGate {
    /// What a reservation got.
    package enum Reservation: Sendable, Equatable {
        /// Start the request now; the gate has charged it to the budget.
        case granted
        /// Ask again at this instant; the slot that opens then is held for this caller.
        case wait(until: Instant)
    }

    /// Takes the next request start for a non-bulk request at `now`, or says when to ask
    /// again. A refused caller claims the next slot for one spacing after it opens, so poll
    /// workers that wake at the same instant leave it (a caller that never comes back
    /// costs the polls at most that spacing once).
    package mutating func reserve(at now: Instant) -> Reservation {
        if let opensAt, opensAt > now {
            claimedUntil = opensAt + settings.spacing
            return .wait(until: opensAt)
        }
        claimedUntil = nil
        opensAt = now + settings.spacing
        lastStart = now
        return .granted
    }
}
