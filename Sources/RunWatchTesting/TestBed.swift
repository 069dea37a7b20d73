import Logging
import RunWatch
import RunWatchCore

/// The simulator, a receiver and the daemon running in-process over loopback: the one
/// wiring the end-to-end tests, the demo and the benchmarks share.
package struct TestBed: Sendable {
    package let simulator: CekuraSimulator
    package let receiver: WebhookReceiver
    package let apiURL: String
    package let hooksURL: String
    package let configuration: Configuration
    package let daemon: Daemon
    package var spool: SpoolDirectory { SpoolDirectory(root: configuration.spoolDir) }

    private let inProcess: InProcessDaemon

    package func submit(_ ids: [RunID], labels: [String: String] = [:], notifiers: [String]? = nil) throws {
        try inProcess.submit(ids, labels: labels, notifiers: notifiers)
    }

    /// True once every id is in the store, none is active, and the outbox is empty.
    package func settled(expecting count: Int) async -> Bool {
        await inProcess.settled(expecting: count)
    }

    /// Starts a simulator with `options`; see the other `run`.
    package static func run<T: Sendable>(
        simulator options: CekuraSimulator.Options,
        in directory: String,
        apiKey: String? = nil,
        configure: (inout Configuration, _ hooksURL: String) -> Void = { _, _ in },
        _ body: (TestBed) async throws -> T
    ) async throws -> T {
        try await run(simulator: CekuraSimulator(options: options), in: directory, apiKey: apiKey, configure: configure, body)
    }

    /// Serves `simulator` and `receiver` on loopback, prepares the daemon over `directory`
    /// (an earlier run's store there is opened, not replaced) and runs it while `body`
    /// runs; then the daemon shuts down gracefully and the servers stop.
    ///
    /// The daemon polls and scans fast (300 ms, 50 requests/s, 100 ms), so tests end
    /// quickly; `configure` changes anything else, given the receiver's base URL.
    package static func run<T: Sendable>(
        simulator: CekuraSimulator,
        receiver: WebhookReceiver = WebhookReceiver(),
        in directory: String,
        apiKey: String? = nil,
        logger: Logger = testLogger(),
        configure: (inout Configuration, _ hooksURL: String) -> Void = { _, _ in },
        _ body: (TestBed) async throws -> T
    ) async throws -> T {
        try await LoopbackServers.serve(simulator: simulator, receiver: receiver) { servers in
            let daemon = try await InProcessDaemon.prepare(
                apiURL: servers.apiURL, in: directory, apiKey: apiKey ?? simulator.options.apiKey, logger: logger
            ) { config in
                config.api.pollInterval = .milliseconds(300)
                config.api.maxRequestsPerSecond = 50
                config.spoolScanInterval = .milliseconds(100)
                configure(&config, servers.hooksURL)
            }
            let bed = TestBed(
                simulator: simulator, receiver: receiver, apiURL: servers.apiURL, hooksURL: servers.hooksURL,
                configuration: daemon.configuration, daemon: daemon.daemon, inProcess: daemon)
            return try await daemon.run { try await body(bed) }
        }
    }
}
