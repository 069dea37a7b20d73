import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs one `NotifierQueue` per configured notifier, side by side, and swaps the set when
/// a reload changes the notifiers. On graceful shutdown each queue finishes the message in
/// hand; what is left stays in the outbox for the next start.
package final class DeliveryService: Service {
    private let endpoints: Mutex<(generation: Int, list: [NotifierQueue.Endpoint])>
    private let running = Mutex([NotifierQueue]())
    private let changed = Doorbell()
    private let makeQueue: @Sendable (NotifierQueue.Endpoint) -> NotifierQueue

    package init(endpoints: [NotifierQueue.Endpoint], makeQueue: @escaping @Sendable (NotifierQueue.Endpoint) -> NotifierQueue) {
        self.endpoints = Mutex((0, endpoints))
        self.makeQueue = makeQueue
    }

    /// New outbox messages: wake every queue.
    package func ring() {
        for queue in running.withLock({ $0 }) { queue.messagesArrived() }
    }

    /// Replaces the notifiers (reload). Queues restart; a message being sent when its
    /// queue stops is sent again later with the same idempotency key.
    package func reconfigure(_ list: [NotifierQueue.Endpoint]) {
        endpoints.withLock { $0 = ($0.generation + 1, list) }
        changed.ring()
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let (generation, list) = endpoints.withLock { $0 }
            let queues = list.map(makeQueue)
            running.withLock { $0 = queues }
            await withTaskGroup(of: Void.self) { group in
                for queue in queues {
                    group.addTask { await queue.run() }
                }
                // Until a reload brings other notifiers, or shutdown.
                while !Task.isShuttingDownGracefully, !Task.isCancelled, endpoints.withLock({ $0.generation }) == generation {
                    await changed.waitUnlessShuttingDown(timeout: .seconds(3600))
                }
                if !Task.isShuttingDownGracefully { group.cancelAll() }
                await group.waitForAll()
            }
        }
    }
}
