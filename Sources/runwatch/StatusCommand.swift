import ArgumentParser
import Foundation
import RunWatch
import RunWatchCore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what is watched, counted by status (reads the store; safe while the daemon runs)."
    )

    @OptionGroup var options: ConfigOption

    @Option(help: "State folder (default: state_dir from the config file).")
    var stateDir: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let store = try openStoreForReading(configPath: options.config, stateDir: stateDir)
        // The sweep the budget allows for what is active now (the daemon's STATUS= shows
        // the same figure) needs the config's budget, so only when it can be read.
        let config = try? Configuration.load(path: options.config)
        let facts = config.map(ConsoleFacts.init) ?? ConsoleFacts(maxRequestsPerSecond: 0, batchSize: 0, pollInterval: .zero, notifiers: [])
        // The console's overview document (`GET /api/v1/overview`), read from the store alone.
        var overview = try await ConsoleAPI(context: ConsoleContext(store: store, facts: { facts })).overview()
        if config == nil { overview.effectiveSweepPeriodSeconds = nil }
        if json {
            print(String(decoding: try ConsoleHandler.encoder().encode(overview), as: UTF8.self))
            return
        }
        let summary = overview.summary
        let results = overview.results
        let openSuites = overview.openSuites
        let sweep = overview.effectiveSweepPeriodSeconds.map { Duration.secondsDouble($0) }
        let total = summary.runsByStatus.values.reduce(0, +)
        print("runs: \(total) total, \(summary.active) active")
        let order = ["submitted"] + RunStatus.known.map(\.rawValue)
        let statuses = summary.runsByStatus.keys.sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
        for status in statuses {
            print(
                "  \(UntrustedText.printable(status, limit: 64).padding(toLength: 12, withPad: " ", startingAt: 0)) \(summary.runsByStatus[status] ?? 0)"
            )
        }
        if let oldest = summary.oldestActiveSubmittedAt {
            print("oldest active run submitted: \(oldest.formatted(.iso8601))")
        }
        print("outbox: \(summary.outboxPending) pending, \(summary.delivered) delivered, \(summary.outboxDead) dead")
        // Per notifier (the console's table): which queue is stuck.
        for notifier in overview.notifiers {
            let kind = notifier.kind.map { " (\($0))" } ?? " (not configured)"
            print(
                "  \(UntrustedText.printable(notifier.name, limit: 64))\(kind): \(notifier.pending) pending, \(notifier.dead) dead, "
                    + "\(notifier.deliveredLast24h) delivered in 24h")
        }
        if let sweep { print("effective sweep period: \(DurationText.format(sweep))") }
        printOpenSuites(openSuites, omitted: overview.openSuitesOmitted)
        for result in results {
            print(
                "result \(result.id): \(result.state), \(result.runCount) run(s) after \(result.reads) read(s)"
                    + (result.lastError.map { " — \(UntrustedText.printable($0))" } ?? ""))
        }
        // The API's and receivers' words: one line each, bounded.
        print("API: \(UntrustedText.printable(summary.apiState ?? "not contacted yet"))")
        for (name, reason) in summary.disabledNotifiers.sorted(by: { $0.key < $1.key }) {
            print("notifier \(name) disabled until reload: \(UntrustedText.printable(reason))")
        }
        if let error = summary.lastAPIError, let at = summary.lastAPIErrorAt {
            print("last API error: \(UntrustedText.printable(error)) (at \(at.formatted(.iso8601)))")
        }
    }
}

/// Open suites, briefly: name and ended/total, the ten oldest.
private func printOpenSuites(_ suites: [OpenSuiteLine], omitted: Int) {
    guard !suites.isEmpty else { return }
    print("suites open: \(suites.count + omitted)")
    for suite in suites.prefix(10) {
        let expanding = suite.expandingResults > 0 ? ", \(suite.expandingResults) result(s) expanding" : ""
        print("  \(UntrustedText.printable(suite.name, limit: 64)) \(suite.ended)/\(suite.runs) ended\(expanding)")
    }
    if suites.count > 10 { print("  (\(suites.count - 10) more: runwatch status --json lists them)") }
}

func stateDirectory(configPath: String, stateDir: String?) throws -> String {
    if let stateDir { return stateDir }
    return try loadConfiguration(configPath).stateDir
}

func openStoreForReading(configPath: String, stateDir: String?, readOnly: Bool = true) throws -> SQLiteRunStore {
    let directory = try stateDirectory(configPath: configPath, stateDir: stateDir)
    guard FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(SQLiteRunStore.fileName)) else {
        printError("no store in '\(directory)' yet (has the daemon run?)")
        throw ExitCode(ExitStatus.unavailable)
    }
    do {
        return try SQLiteRunStore.open(directory: directory, readOnly: readOnly)
    } catch {
        printError("\(error)")
        throw ExitCode(ExitStatus.unavailable)
    }
}
