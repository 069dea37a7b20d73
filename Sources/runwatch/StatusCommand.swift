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
        let summary = try await store.summary()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            return
        }
        let total = summary.runsByStatus.values.reduce(0, +)
        print("runs: \(total) total, \(summary.active) active")
        let order = ["submitted"] + RunStatus.known.map(\.rawValue)
        let statuses = summary.runsByStatus.keys.sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
        for status in statuses {
            print("  \(status.padding(toLength: 12, withPad: " ", startingAt: 0)) \(summary.runsByStatus[status] ?? 0)")
        }
        if let oldest = summary.oldestActiveSubmittedAt {
            print("oldest active run submitted: \(oldest.formatted(.iso8601))")
        }
        print("outbox: \(summary.outboxPending) pending, \(summary.delivered) delivered, \(summary.outboxDead) dead")
    }
}

func openStoreForReading(configPath: String, stateDir: String?) throws -> SQLiteRunStore {
    let directory: String
    if let stateDir {
        directory = stateDir
    } else {
        do {
            directory = try Configuration.load(path: configPath).stateDir
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.config)
        }
    }
    guard FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(SQLiteRunStore.fileName)) else {
        printError("no store in '\(directory)' yet (has the daemon run?)")
        throw ExitCode(ExitStatus.unavailable)
    }
    do {
        return try SQLiteRunStore.open(directory: directory, readOnly: true)
    } catch {
        printError("\(error)")
        throw ExitCode(ExitStatus.unavailable)
    }
}
