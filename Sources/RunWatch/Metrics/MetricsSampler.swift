import Foundation
import Metrics
import RunWatchCore
import ServiceLifecycle

/// Samples the gauges that are states rather than events (runs by status, outbox depth
/// per notifier, sweep period), every few seconds, when metrics are on.
package struct MetricsSampler: Service {
    let poller: Poller
    let store: any RunStore
    let notifiers: @Sendable () -> [String]
    let every: Duration

    package init(poller: Poller, store: any RunStore, notifiers: @escaping @Sendable () -> [String], every: Duration = .seconds(5)) {
        self.poller = poller
        self.store = store
        self.notifiers = notifiers
        self.every = every
    }

    package func run() async throws {
        var seenStatuses: Set<String> = []
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let counts = poller.countsByStatus().reduce(into: [String: Int]()) { $0[RunStatus.metricLabel(stored: $1.key), default: 0] += $1.value }
            // A status that emptied must read 0, not keep its last value.
            seenStatuses.formUnion(counts.keys)
            for status in seenStatuses {
                Gauge(label: MetricNames.runsWatched, dimensions: [("status", status)]).record(counts[status] ?? 0)
            }
            Gauge(label: MetricNames.sweepPeriod).record(poller.effectiveSweepPeriod.secondsDouble)
            if let pending = try? await store.pendingByNotifier() {
                for name in Set(notifiers()).union(pending.keys) {
                    Gauge(label: MetricNames.outboxDepth, dimensions: [("notifier", name)]).record(pending[name] ?? 0)
                }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: every) }
        }
    }
}
