import Logging
import ServiceLifecycle
import UnixSignals

/// Traps SIGHUP, whose default action would terminate the daemon (and systemd does not
/// restart a unit that died of SIGHUP). Applying a new configuration on reload is not
/// implemented yet; the signal is acknowledged in the log so the operator knows to restart.
struct ReloadSignalListener: Service {
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                logger.warning("SIGHUP received: applying a new configuration without a restart is not supported yet; run 'systemctl restart runwatch' to apply changes")
            }
        }
    }
}
