import Foundation
import Logging
import ServiceLifecycle

/// Prunes ended runs older than `watch.retention` from the store, at start and hourly.
/// Runs whose alert is still owed are kept until it is delivered or dead.
package struct MaintenanceService: Service {
    let store: any RunStore
    let retention: Duration
    let logger: Logger
    let now: @Sendable () -> Date
    let every: Duration

    package init(store: any RunStore, retention: Duration, logger: Logger, now: @escaping @Sendable () -> Date, every: Duration = .seconds(3600)) {
        self.store = store
        self.retention = retention
        self.logger = logger
        self.now = now
        self.every = every
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let pruned = try await store.prune(endedBefore: now().addingTimeInterval(-retention.secondsDouble))
                if pruned > 0 {
                    logger.info("pruned ended runs past retention", metadata: ["runs": "\(pruned)", "retention": "\(retention)"])
                }
            } catch {
                logger.warning("pruning the store failed; will try again", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: every) }
        }
    }
}
