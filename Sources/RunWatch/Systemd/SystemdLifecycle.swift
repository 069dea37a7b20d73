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
        // Draining is bounded by `Daemon.shutdownBudget`; make sure systemd waits that
        // long (plus a margin) even under a shorter TimeoutStopSec= than the unit's.
        let budget = Daemon.shutdownBudget.graceful + Daemon.shutdownBudget.cancellation + .seconds(5)
        systemd.notify("STOPPING=1\nEXTEND_TIMEOUT_USEC=\(budget.components.seconds * 1_000_000)\nSTATUS=stopping: finishing in-flight work")
        logger.info("stopping: finishing in-flight work")
    }
}
