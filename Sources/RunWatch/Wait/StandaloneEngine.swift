import Foundation
import Logging
import RunWatchCore

/// `runwatch wait --standalone`: for a CI runner with no daemon, the daemon's own engine
/// (ingest, poll within the budget, record) runs in this process over a private folder,
/// with no notifiers, while the wait reads its store like any other. One process, one
/// API key's budget: the same rules as the shared daemon, not a second poll loop.
package enum StandaloneEngine {
    /// The configuration of the in-process daemon: `base`'s API and lifecycle settings
    /// (budget, intervals, deadlines), folders under `directory`, no notifiers, no metrics.
    package static func configuration(from base: Configuration, in directory: String) -> Configuration {
        var config = base
        config.spoolDir = directory + "/spool"
        config.stateDir = directory + "/state"
        config.notifiers = []
        config.metricsListen = nil
        return config
    }

    /// Prepares the folders, hands `submission` to the spool (the start-up scan ingests
    /// it), starts the daemon's services, runs `body` with the state folder and the spool
    /// file, then shuts the services down gracefully. The caller removes `directory`.
    package static func run<T: Sendable>(
        configuration: Configuration, environment: [String: String], submission: SpoolSubmission, logger: Logger,
        _ body: (_ stateDir: String, _ spoolFile: String?) async -> T
    ) async throws -> T {
        let spool = SpoolDirectory(root: configuration.spoolDir)
        try spool.prepare()
        let file = submission.isEmpty ? nil : try SpoolWriter.submit(submission, to: spool)
        let daemon = try await Daemon.prepare(configuration: configuration, environment: environment, logger: logger, systemd: .disabled)
        // No signals for the group: the wait traps SIGINT/SIGTERM and ends the body, then
        // the services stop here (the poll in flight is recorded first).
        let group = daemon.makeGroup(logger: logger, signals: [])
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result = await body(configuration.stateDir, file)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }
}
