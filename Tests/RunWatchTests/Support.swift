import Foundation
import Logging
import RunWatch
import RunWatchCore
import RunWatchTesting
import ServiceLifecycle

/// A fresh temporary folder per test, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Test logs go to stderr at warning and above: quiet when all is well, useful when not.
func testLogger() -> Logger {
    var logger = Logger(label: "runwatch-test") { label in StreamLogHandler.standardError(label: label) }
    logger.logLevel = .warning
    return logger
}

/// The folder holding the built products (`runwatch`, `cekura-sim`), next to the test bundle.
func builtProduct(_ name: String) -> String {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folder = exe.deletingLastPathComponent()
    // The test binary lives in `<products>/runwatchPackageTests.xctest` on Linux.
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), folder.path != "/" {
        folder = folder.deletingLastPathComponent()
    }
    return folder.appendingPathComponent(name).path
}

/// The simulator, a receiver and the daemon running in-process over loopback.
struct Harness {
    let simulator: CekuraSimulator
    let receiver: WebhookReceiver
    let apiURL: String
    let hooksURL: String
    let configuration: Configuration
    let daemon: Daemon
    var spool: SpoolDirectory { SpoolDirectory(root: configuration.spoolDir) }

    func submit(_ ids: [RunID], labels: [String: String] = [:], notifiers: [String]? = nil) throws {
        try SpoolWriter.submit(SpoolSubmission(runIDs: ids, labels: labels, notifiers: notifiers), to: spool)
    }

    /// True once every id is in the store, none is active, and the outbox is empty.
    func settled(expecting count: Int) async -> Bool {
        guard let summary = try? await daemon.store.summary() else { return false }
        return summary.runsByStatus.values.reduce(0, +) == count && summary.active == 0 && summary.outboxPending == 0
    }

    static func run(
        simulator options: CekuraSimulator.Options,
        in directory: String,
        apiKey: String? = nil,
        configure: (inout Configuration, _ hooksURL: String) -> Void = { _, _ in },
        _ body: (Harness) async throws -> Void
    ) async throws {
        let simulator = CekuraSimulator(options: options)
        let receiver = WebhookReceiver()
        let api = try await LoopbackHTTPServer.bind { await simulator.handle($0) }
        let hooks = try await LoopbackHTTPServer.bind { await receiver.handle($0) }
        var config = Configuration()
        config.api.baseURL = api.baseURL
        config.api.pollInterval = .milliseconds(300)
        config.api.maxRequestsPerSecond = 50
        config.spoolDir = directory + "/spool"
        config.stateDir = directory + "/state"
        config.spoolScanInterval = .milliseconds(100)
        configure(&config, hooks.baseURL)
        let logger = testLogger()
        let daemon = try await Daemon.prepare(
            configuration: config, environment: ["CEKURA_API_KEY": apiKey ?? options.apiKey], logger: logger, systemd: .disabled)
        let group = daemon.makeGroup(logger: logger, signals: [])
        let harness = Harness(
            simulator: simulator, receiver: receiver, apiURL: api.baseURL, hooksURL: hooks.baseURL,
            configuration: config, daemon: daemon)
        try await withThrowingTaskGroup(of: Void.self) { servers in
            servers.addTask { try await api.run() }
            servers.addTask { try await hooks.run() }
            try await withThrowingTaskGroup(of: Void.self) { daemonTasks in
                daemonTasks.addTask { try await group.run() }
                try await body(harness)
                await group.triggerGracefulShutdown()
                try await daemonTasks.waitForAll()
            }
            servers.cancelAll()
        }
    }
}

/// Runs a program to completion: its exit status and its stdout and stderr together.
func runProcess(_ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String]? = ["PATH": "/usr/bin:/bin"]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

func writeFile(_ path: String, _ content: String) throws {
    try Data(content.utf8).write(to: URL(fileURLWithPath: path))
}
