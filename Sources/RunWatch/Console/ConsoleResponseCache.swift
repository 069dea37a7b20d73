import Foundation
import Synchronization

/// The console's answers, kept per request target for a second. Thirty-two viewers of
/// one suite page (or `/api/v1/overview` polled by a script) then cost one build a second,
/// not thirty-two: concurrent requests for a target share one build (single flight), and
/// an answer built less than `ttl` ago is served again. The issue allows the console to be
/// a few seconds stale; `runwatch status --json` builds its document directly, uncached.
/// Only 200 answers are kept: a 503 while the store is busy is not repeated for a second.
package final class ConsoleResponseCache: Sendable {
    package typealias Response = LoopbackHTTPServer.Response

    private enum Slot {
        /// A build is under way; these requests wait for its answer.
        case building([CheckedContinuation<Response?, Never>])
        case built(Response, at: ContinuousClock.Instant)
    }

    package let ttl: Duration
    private let clock = ContinuousClock()
    private let slots = Mutex<[String: Slot]>([:])

    package init(ttl: Duration = .seconds(1)) {
        self.ttl = ttl
    }

    /// The answer for `key` built less than `ttl` ago, the answer of a build under way,
    /// or (the first request) `build`'s answer.
    package func answer(_ key: String, build: () async -> Response) async -> Response {
        let now = clock.now
        let shared: Response? = await withCheckedContinuation { continuation in
            slots.withLock { slots in
                switch slots[key] {
                case .built(let response, let at) where now - at < ttl:
                    continuation.resume(returning: response)
                case .building(let waiting):
                    slots[key] = .building(waiting + [continuation])
                default:
                    // This request builds; nil says so.
                    slots[key] = .building([])
                    continuation.resume(returning: nil)
                }
            }
        }
        if let shared { return shared }
        let response = await build()
        let waiting = slots.withLock { slots in
            let end = clock.now
            var waiting: [CheckedContinuation<Response?, Never>] = []
            if case .building(let list) = slots[key] { waiting = list }
            // Expired answers go as new ones come: the map holds what the last `ttl` built.
            slots = slots.filter {
                if case .built(_, let at) = $0.value { return end - at < ttl }
                return true
            }
            if case .respond(status: 200, headers: _, body: _) = response, ttl > .zero {
                slots[key] = .built(response, at: end)
            } else {
                slots[key] = nil
            }
            return waiting
        }
        for continuation in waiting { continuation.resume(returning: response) }
        return response
    }

    /// Requests waiting for a build of `key` (for tests).
    package func waiting(for key: String) -> Int {
        slots.withLock { slots in
            if case .building(let list) = slots[key] { return list.count }
            return 0
        }
    }
}
