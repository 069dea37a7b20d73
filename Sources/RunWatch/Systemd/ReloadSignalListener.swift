import Logging
import ServiceLifecycle
import UnixSignals

/// Turns SIGHUP (what `systemctl reload` sends through `ExecReload=`) into a reload.
/// `ServiceGroup` handles SIGTERM/SIGINT but has no reload hook of its own.
struct ReloadSignalListener: Service {
    let logger: Logger
    let onReload: @Sendable () async -> Void

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                logger.info("SIGHUP: reloading the configuration")
                await onReload()
            }
        }
    }
}
