import Foundation
import Logging
import RunWatch
import RunWatchCore

/// The daemon prepared in this process over a folder (`<folder>/spool`, `<folder>/state`,
/// which may hold an earlier run's store) against an API URL, ready to run. Preparing
/// and running are two steps so that benchmarks can time each: `prepare` is what the
/// daemon does before READY=1 (open the store, load the active runs, ingest the spool).
package struct InProcessDaemon: Sendable {
    package let configuration: Configuration
    package let daemon: Daemon
    package let logger: Logger

    package var spool: SpoolDirectory { SpoolDirectory(root: configuration.spoolDir) }

    /// The spool folder of a daemon prepared over `directory`, for producers that write
    /// before it starts.
    package static func spool(in directory: String) -> SpoolDirectory { SpoolDirectory(root: directory + "/spool") }

    /// The folder of the store of a daemon prepared over `directory`.
    package static func stateDirectory(in directory: String) -> String { directory + "/state" }

    /// Prepares the daemon with the production defaults, except the API's base URL and the
    /// folders, then whatever `configure` changes.
    package static func prepare(
        apiURL: String, in directory: String, apiKey: String, logger: Logger = testLogger(),
        configure: (inout Configuration) -> Void = { _ in }
    ) async throws -> InProcessDaemon {
        var config = Configuration()
        config.api.baseURL = apiURL
        config.spoolDir = spool(in: directory).root
        config.stateDir = stateDirectory(in: directory)
        configure(&config)
        let daemon = try await Daemon.prepare(configuration: config, environment: ["CEKURA_API_KEY": apiKey], logger: logger, systemd: .disabled)
        return InProcessDaemon(configuration: config, daemon: daemon, logger: logger)
    }

    /// Runs the daemon's services while `body` runs, then shuts them down gracefully.
    package func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await InProcess.running(daemon, logger: logger, body)
    }

    package func submit(_ ids: [RunID], labels: [String: String] = [:], notifiers: [String]? = nil) throws {
        try SpoolWriter.submit(SpoolSubmission(runIDs: ids, labels: labels, notifiers: notifiers), to: spool)
    }

    /// True once `count` runs are in the store, none is active, and the outbox is empty.
    package func settled(expecting count: Int) async -> Bool {
        guard let summary = try? await daemon.store.summary() else { return false }
        return summary.runsByStatus.values.reduce(0, +) == count && summary.active == 0 && summary.outboxPending == 0
    }
}
