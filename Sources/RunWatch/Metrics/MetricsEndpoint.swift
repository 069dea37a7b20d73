import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// The HTTP endpoint for the registry (`GET /metrics`), plus `GET /healthz` (200 while
/// every loop makes progress, 503 otherwise).
package final class MetricsEndpoint: Service {
    private let server: LoopbackHTTPServer
    private let logger: Logger

    package var baseURL: String { server.baseURL }

    /// With `console`, what is not `/metrics` or `/healthz` goes to the console (one
    /// server when `console_listen` equals `metrics_listen`).
    package static func bind(
        listen: String, registry: PrometheusCollectorRegistry, heartbeat: Heartbeat, status: StatusBoard, console: ConsoleHandler? = nil,
        logger: Logger
    ) async throws -> MetricsEndpoint {
        guard let (host, port) = RunWatchMetrics.parseListen(listen) else {
            throw Daemon.StartError(description: "metrics_listen: '\(listen)' is not host:port or a port")
        }
        let server = try await LoopbackHTTPServer.bind(host: host, port: port, limits: console == nil ? .metrics : .console) { request in
            switch (request.method, request.path) {
            case ("GET", "/metrics"):
                return .respond(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4")], body: Data(registry.emitToBuffer()))
            case ("GET", "/healthz"):
                let stalled = heartbeat.stalled()
                let body = stalled.isEmpty ? "ok: \(status.current.rendered)\n" : "stalled: \(stalled.joined(separator: " "))\n"
                return .text(stalled.isEmpty ? 200 : 503, body)
            default:
                if let console { return await console.respond(request) }
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
        do {
            try await cancelWhenGracefulShutdown {
                try await self.server.run()
            }
        } catch is CancellationError {
            // How a graceful shutdown stops the server: not a failure of the service.
        }
    }
}
