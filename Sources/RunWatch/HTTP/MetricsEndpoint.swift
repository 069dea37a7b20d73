import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Synchronization

/// The Prometheus backend and the HTTP endpoint that exposes it (`GET /metrics`), plus
/// `GET /healthz` (200 while every loop makes progress, 503 otherwise).
package enum RunWatchMetrics {
    private static let installed = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Installs the Prometheus backend for swift-metrics, once per process (the metrics
    /// system can be bootstrapped only once; later calls return the same registry).
    package static func bootstrap() -> PrometheusCollectorRegistry {
        installed.withLock { registry in
            if let registry { return registry }
            let fresh = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: fresh)
            factory.defaultDurationHistogramBuckets = [
                .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
                .seconds(5), .seconds(10), .seconds(15), .seconds(30), .seconds(60), .seconds(120), .seconds(300),
            ]
            MetricsSystem.bootstrap(factory)
            registry = fresh
            return fresh
        }
    }

    /// `host:port`, or a bare port (loopback).
    package static func parseListen(_ text: String) -> (host: String, port: Int)? {
        if let port = Int(text), (0...65535).contains(port) { return ("127.0.0.1", port) }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }
}

package final class MetricsEndpoint: Service {
    private let server: LoopbackHTTPServer
    private let logger: Logger

    package var baseURL: String { server.baseURL }

    package static func bind(listen: String, registry: PrometheusCollectorRegistry, heartbeat: Heartbeat, status: StatusBoard, logger: Logger) async throws -> MetricsEndpoint {
        guard let (host, port) = RunWatchMetrics.parseListen(listen) else {
            throw Daemon.StartError(description: "metrics_listen: '\(listen)' is not host:port or a port")
        }
        let server = try await LoopbackHTTPServer.bind(host: host, port: port) { request in
            switch (request.method, request.path) {
            case ("GET", "/metrics"):
                return .respond(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4")], body: Data(registry.emitToBuffer()))
            case ("GET", "/healthz"):
                let stalled = heartbeat.stalled()
                let body = stalled.isEmpty ? "ok: \(status.current.rendered)\n" : "stalled: \(stalled.joined(separator: " "))\n"
                return .text(stalled.isEmpty ? 200 : 503, body)
            default:
                return .text(404, "not found; try /metrics or /healthz\n")
            }
        }
        return MetricsEndpoint(server: server, logger: logger)
    }

    private init(server: LoopbackHTTPServer, logger: Logger) {
        self.server = server
        self.logger = logger
    }

    package func run() async throws {
        logger.info("serving metrics", metadata: ["url": "\(server.baseURL)/metrics"])
        try await cancelWhenGracefulShutdown {
            try await self.server.run()
        }
    }
}

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
            let counts = poller.countsByStatus()
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
