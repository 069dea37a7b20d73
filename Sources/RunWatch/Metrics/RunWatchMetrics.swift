import Metrics
import Prometheus
import Synchronization

/// The Prometheus backend for swift-metrics, and the `metrics_listen` address syntax.
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
