import CSystemd
import Logging
import ServiceLifecycle

/// Feeds systemd's watchdog (`WATCHDOG=1` at half of `WATCHDOG_USEC`) only while every
/// loop keeps its heartbeat promise. Without `WatchdogSec=` it returns at once.
package struct WatchdogService: Service {
    let systemd: SystemdNotifier
    let heartbeat: Heartbeat
    let logger: Logger

    package init(systemd: SystemdNotifier, heartbeat: Heartbeat, logger: Logger) {
        self.systemd = systemd
        self.heartbeat = heartbeat
        self.logger = logger
    }

    /// The watchdog interval systemd set for this process, if any.
    package static func interval() -> Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(usec))
    }

    package func run() async throws {
        guard systemd.isActive, let interval = Self.interval() else {
            try? await gracefulShutdown()
            return
        }
        logger.info("feeding the systemd watchdog", metadata: ["every": "\(interval / 2)"])
        var reportedStall = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let stalled = heartbeat.stalled()
            if stalled.isEmpty {
                systemd.notify("WATCHDOG=1")
                reportedStall = false
            } else if !reportedStall {
                reportedStall = true
                logger.error(
                    "a loop stopped making progress; no longer feeding the watchdog", metadata: ["loops": "\(stalled.joined(separator: ","))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval / 2) }
        }
    }
}
