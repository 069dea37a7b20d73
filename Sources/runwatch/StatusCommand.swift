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

    struct Report: Encodable {
        var summary: StoreSummary
        var effectiveSweepPeriodSeconds: Double?
        /// Cekura results not (yet) expanded for good: expanding, gave up, not found.
        var results: [ResultOverview] = []
        var openSuites: [OpenSuiteLine]
    }

    struct OpenSuiteLine: Encodable {
        var name: String
        var instance: Int64
        var runs: Int
        var ended: Int
        var expandingResults: Int
    }

    func run() async throws {
        let store = try openStoreForReading(configPath: options.config, stateDir: stateDir)
        let summary = try await store.summary()
        let results = try await store.resultsOverview(limit: 20)
        let openSuites = try await store.openSuites()
        // The sweep the budget allows for what is active now (the daemon's STATUS= shows
        // the same figure); needs the config's budget, so only when it can be read.
        let config = try? Configuration.load(path: options.config)
        let sweep = config.map {
            SweepBudget.effectivePeriod(
                active: summary.active, batchSize: $0.api.batchSize,
                requestsPerSecond: $0.api.maxRequestsPerSecond, pollInterval: $0.api.pollInterval)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            let report = Report(
                summary: summary, effectiveSweepPeriodSeconds: sweep?.secondsDouble, results: results,
                openSuites: openSuites.map {
                    OpenSuiteLine(
                        name: $0.name, instance: $0.id, runs: $0.facts.runs, ended: $0.facts.ended, expandingResults: $0.facts.expandingResults)
                })
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
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
        if let sweep { print("effective sweep period: \(DurationText.format(sweep))") }
        printOpenSuites(openSuites)
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
private func printOpenSuites(_ suites: [OpenSuite]) {
    guard !suites.isEmpty else { return }
    print("suites open: \(suites.count)")
    for suite in suites.prefix(10) {
        let expanding = suite.facts.expandingResults > 0 ? ", \(suite.facts.expandingResults) result(s) expanding" : ""
        print("  \(UntrustedText.printable(suite.name, limit: 64)) \(suite.facts.ended)/\(suite.facts.runs) ended\(expanding)")
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
