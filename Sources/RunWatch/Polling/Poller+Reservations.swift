import Foundation
import RunWatchCore
import ServiceLifecycle

/// Requests other than bulk polls (result reads) take their start from the poller's gate,
/// so the API key's budget (`max_requests_per_second`) covers every request runwatch makes.
extension Poller {
    /// Waits until the gate grants a request start (charged to the budget), or returns
    /// false if the service is shutting down or cancelled first.
    func reserveRequest(beat: (Duration) -> Void) async -> Bool {
        // Never rung: a timed wait that graceful shutdown ends at once (a Retry-After or a
        // key pause can be minutes long).
        let bell = Doorbell()
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let at = ContinuousClock.now
            switch state.withLock({ $0.gate.reserve(at: at) }) {
            case .granted:
                return true
            case .wait(let until):
                let wait = max(.zero, until - at)
                beat(wait + .seconds(5))
                await bell.waitUnlessShuttingDown(timeout: wait)
            }
        }
        return false
    }

    /// A 429 answered to a non-bulk request closes the gate for every request, like one
    /// answered to a bulk request (the limit is the key's).
    func rateLimitedElsewhere(retryAfter: Duration?) {
        let at = ContinuousClock.now
        let unitRandom = random()
        let action = state.withLock { $0.gate.handle(.rateLimited(retryAfter: retryAfter), for: [], at: at, unitRandom: unitRandom) }
        rateLimited.increment()
        guard case .backOff(let until, let wait, _) = action else { return }
        backoffSeconds.increment(by: wait.secondsDouble)
        // Shown like a 429 on a bulk request (`STATUS=`), until the next answered poll.
        status.update { $0.api = .rateLimited(until: Self.wallClockText(until, at: at, wall: now())) }
        logger.warning(
            "API rate limit (429) on a result read; no request until the wait is over",
            metadata: [
                "retry_after_s": "\(retryAfter.map { String(format: "%.1f", $0.secondsDouble) } ?? "none")",
                "wait_s": "\(String(format: "%.1f", wait.secondsDouble))",
            ])
    }
}
