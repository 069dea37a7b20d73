import Foundation
import Logging
import ServiceLifecycle

/// The console's own HTTP server on `console_listen` (when it differs from
/// `metrics_listen`; when equal, `MetricsEndpoint` passes what is not `/metrics` or
/// `/healthz` to the same `ConsoleHandler`). The hardened loopback server: GET only, no
/// request bodies, a connection cap, idle connections closed (docs/design.md, "Console").
package final class ConsoleEndpoint: Service {
    private let server: LoopbackHTTPServer
    private let logger: Logger

    package var baseURL: String { server.baseURL }

    package static func bind(listen: String, handler: ConsoleHandler, logger: Logger) async throws -> ConsoleEndpoint {
        guard let (host, port) = RunWatchMetrics.parseListen(listen) else {
            throw Daemon.StartError(description: "console_listen: '\(listen)' is not host:port or a port")
        }
        let server = try await LoopbackHTTPServer.bind(host: host, port: port, limits: .console) { request in
            await handler.respond(request)
        }
        return ConsoleEndpoint(server: server, logger: logger)
    }

    private init(server: LoopbackHTTPServer, logger: Logger) {
        self.server = server
        self.logger = logger
    }

    package func run() async throws {
        logger.info("serving the console", metadata: ["url": "\(server.baseURL)/"])
        do {
            try await cancelWhenGracefulShutdown {
                try await self.server.run()
            }
        } catch is CancellationError {
            // How a graceful shutdown stops the server: not a failure of the service.
        }
    }
}
