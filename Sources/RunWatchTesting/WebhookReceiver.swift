import Foundation
import RunWatch
import RunWatchCore
import Synchronization

/// A recording webhook endpoint (Slack-style or generic): stores every POST and answers
/// as told — `ok`, errors at a rate, 429 with Retry-After, or down.
package final class WebhookReceiver: Sendable {
    package struct Delivery: Sendable {
        package var method: String = "POST"
        package var path: String
        package var headers: [(name: String, value: String)]
        package var body: Data
        package var receivedAt: Date

        package func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        package var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        }
    }

    package struct Behaviour: Sendable {
        /// Fraction of requests answered 503.
        package var failureRate = 0.0
        /// Answer 429 with this Retry-After (seconds) to every request while set.
        package var rateLimitRetryAfter: Int?
        /// Drop every connection (endpoint down).
        package var down = false
        /// Answer accepted requests only after this long (a slow endpoint).
        package var delaySeconds = 0.0
        /// Answer every request with this status and body (e.g. 410 `channel_is_archived`).
        package var fixedAnswer: (status: Int, body: String)?
        /// Answer 400 `invalid_blocks` to Slack messages that have blocks (text-only passes).
        package var refuseBlocks = false
        /// Answer every request this way: a redirect, a trickled or a huge body.
        package var hostile: HostileAnswer?
        package init() {}
    }

    private struct State {
        var accepted: [Delivery] = []
        var all: [Delivery] = []
        var attempts = 0
        var refused = 0
        var behaviour = Behaviour()
        var rng: SplitMix64
        var hostileBytesSent = 0
    }

    private let state: Mutex<State>
    private let onDelivery: (@Sendable (Delivery) -> Void)?

    package init(seed: UInt64 = 7, onDelivery: (@Sendable (Delivery) -> Void)? = nil) {
        state = Mutex(State(rng: SplitMix64(seed: seed)))
        self.onDelivery = onDelivery
    }

    package func setBehaviour(_ behaviour: Behaviour) { state.withLock { $0.behaviour = behaviour } }

    /// Requests answered 2xx, in arrival order.
    package var deliveries: [Delivery] { state.withLock { $0.accepted } }
    /// Every request, accepted or not.
    package var attempts: Int { state.withLock { $0.attempts } }
    /// Every request, accepted or not, in arrival order.
    package var allRequests: [Delivery] { state.withLock { $0.all } }
    package var refused: Int { state.withLock { $0.refused } }
    /// Body bytes the last hostile answer got out before the client closed (or finished).
    package var hostileBytesSent: Int { state.withLock { $0.hostileBytesSent } }

    /// `handle`, or the hostile answer when the behaviour sets one (for `ScriptedHTTPServer`).
    package func answer(_ request: ScriptedHTTPServer.Request) async -> ScriptedHTTPServer.Answer {
        let delivery = Delivery(method: request.method, path: request.path, headers: request.headers, body: request.body, receivedAt: Date())
        let hostile = state.withLock { state -> HostileAnswer? in
            guard let hostile = state.behaviour.hostile else { return nil }
            state.attempts += 1
            state.refused += 1
            state.all.append(delivery)
            state.hostileBytesSent = 0
            return hostile
        }
        if let hostile {
            return hostile.answer { sent in self.state.withLock { $0.hostileBytesSent = sent } }
        }
        return .plain(await handle(request))
    }

    package func handle(_ request: ScriptedHTTPServer.Request) async -> ScriptedHTTPServer.Response {
        let delivery = Delivery(method: request.method, path: request.path, headers: request.headers, body: request.body, receivedAt: Date())
        let (response, delay): (ScriptedHTTPServer.Response, Double) = state.withLock { state in
            let delay = state.behaviour.delaySeconds
            state.attempts += 1
            state.all.append(delivery)
            if let fixed = state.behaviour.fixedAnswer {
                state.refused += 1
                return (.text(fixed.status, fixed.body), 0)
            }
            if state.behaviour.refuseBlocks, delivery.json?["blocks"] != nil {
                state.refused += 1
                return (.text(400, "invalid_blocks"), 0)
            }
            if state.behaviour.down {
                state.refused += 1
                return (.dropConnection, 0)
            }
            if let retryAfter = state.behaviour.rateLimitRetryAfter {
                state.refused += 1
                return (.text(429, "rate_limited", headers: [("Retry-After", "\(retryAfter)")]), 0)
            }
            if state.rng.unit() < state.behaviour.failureRate {
                state.refused += 1
                return (.text(503, "service_unavailable"), 0)
            }
            // Recorded as received before the answer: a sender that dies before reading
            // the answer will deliver again, which is what crash tests look for.
            state.accepted.append(delivery)
            return (.text(200, "ok"), delay)
        }
        if case .respond(200, _, _) = response { onDelivery?(delivery) }
        if delay > 0 { try? await Task.sleep(for: .secondsDouble(delay)) }
        return response
    }
}
