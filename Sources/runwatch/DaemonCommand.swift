import ArgumentParser
import Foundation
import Logging
import RunWatch

struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the daemon: ingest the spool, poll Cekura, deliver alerts (stops on SIGTERM)."
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        // Until the reload listener traps SIGHUP, a `systemctl reload` right after start
        // must not kill the process (SIGHUP's default action).
        signal(SIGHUP, SIG_IGN)
        let config = try loadConfiguration(options.config)
        let level = Logger.Level(rawValue: config.logLevel) ?? .info
        // Structured fields in the journal under systemd; plain lines on a terminal.
        let journal = JournalLogHandler.isJournalConnected()
        LoggingSystem.bootstrap { label in
            if journal {
                var handler = JournalLogHandler()
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "runwatch")
        let daemon: Daemon
        do {
            daemon = try await Daemon.prepare(configuration: config, logger: logger)
        } catch {
            logger.critical("cannot start: \(error)")
            // systemd's RestartPreventExitStatus= lists 69: only what a restart cannot fix.
            switch Daemon.StartError.kind(of: error) {
            case .permanent: throw ExitCode(ExitStatus.unavailable)
            case .transient: throw ExitCode(ExitStatus.transient)
            case .locked: throw ExitCode(ExitStatus.tempFail)
            }
        }
        try await daemon.makeGroup(logger: logger, reloadConfigurationFrom: options.config).run()
        logger.info("stopped cleanly")
    }
}
