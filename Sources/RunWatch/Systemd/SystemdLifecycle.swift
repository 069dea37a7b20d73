import Logging
import ServiceLifecycle

/// Tells systemd the daemon is ready when the group starts (the store is open and the
/// first spool scan done before the group runs), and that it is stopping as soon as
/// graceful shutdown begins. Listed last in the group so it is the first to hear of
/// shutdown; the others then drain in reverse order.
package struct SystemdLifecycle: Service {
    let systemd: SystemdNotifier
    let status: StatusBoard
    let logger: Logger

    package init(systemd: SystemdNotifier, status: StatusBoard, logger: Logger) {
        self.systemd = systemd
        self.status = status
        self.logger = logger
    }

    package func run() async throws {
        await Failpoints.waitWhileExists(Failpoints.holdReadyFile)
        systemd.notify("READY=1\nSTATUS=\(status.current.rendered)")
        logger.info("ready", metadata: ["status_line": "\(status.current.rendered)"])
        try? await gracefulShutdown()
        // Draining is bounded by the request timeouts (API 30 s, notifiers 15 s); ask for
        // headroom so a slow last request is not cut off by TimeoutStopSec=.
        systemd.notify("STOPPING=1\nEXTEND_TIMEOUT_USEC=60000000\nSTATUS=stopping: finishing in-flight work")
        logger.info("stopping: finishing in-flight work")
    }
}
