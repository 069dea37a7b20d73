import Foundation
import Logging
import RunWatch
import RunWatchCore
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A fresh temporary folder per test, removed afterwards.
package func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Test logs go to stderr at warning and above: quiet when all is well, useful when not.
package func testLogger() -> Logger {
    var logger = Logger(label: "runwatch-test") { label in StreamLogHandler.standardError(label: label) }
    logger.logLevel = .warning
    return logger
}

/// The folder holding the built products (`runwatch`, `cekura-sim`), next to the test bundle.
package func builtProduct(_ name: String) -> String {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folder = exe.deletingLastPathComponent()
    // The test binary lives in `<products>/runwatchPackageTests.xctest` on Linux.
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), folder.path != "/" {
        folder = folder.deletingLastPathComponent()
    }
    return folder.appendingPathComponent(name).path
}

/// The simulator, a receiver and the daemon running in-process over loopback.
package struct TestBed {
    package let simulator: CekuraSimulator
    package let receiver: WebhookReceiver
    package let apiURL: String
    package let hooksURL: String
    package let configuration: Configuration
    package let daemon: Daemon
    package var spool: SpoolDirectory { SpoolDirectory(root: configuration.spoolDir) }

    package func submit(_ ids: [RunID], labels: [String: String] = [:], notifiers: [String]? = nil) throws {
        try SpoolWriter.submit(SpoolSubmission(runIDs: ids, labels: labels, notifiers: notifiers), to: spool)
    }

    /// True once every id is in the store, none is active, and the outbox is empty.
    package func settled(expecting count: Int) async -> Bool {
        guard let summary = try? await daemon.store.summary() else { return false }
        return summary.runsByStatus.values.reduce(0, +) == count && summary.active == 0 && summary.outboxPending == 0
    }

    package static func run(
        simulator options: CekuraSimulator.Options,
        in directory: String,
        apiKey: String? = nil,
        configure: (inout Configuration, _ hooksURL: String) -> Void = { _, _ in },
        _ body: (TestBed) async throws -> Void
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
        let harness = TestBed(
            simulator: simulator, receiver: receiver, apiURL: api.baseURL, hooksURL: hooks.baseURL,
            configuration: config, daemon: daemon)
        try await InProcess.serving([api, hooks]) {
            try await InProcess.running(daemon, logger: logger) { try await body(harness) }
        }
    }
}

/// Runs a program to completion: its exit status and its stdout and stderr together.
/// Waits without blocking a thread (the in-process servers the program may call need the
/// few threads Swift concurrency has), and through files, not pipes, so a chatty program
/// cannot fill a pipe and stall.
package func runProcess(_ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String]? = ["PATH": "/usr/bin:/bin"]) async throws -> (status: Int32, output: String) {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: scratch + ".out"); try? FileManager.default.removeItem(atPath: scratch + ".in") }
    try Data().write(to: URL(fileURLWithPath: scratch + ".out"))
    try Data((stdin ?? "").utf8).write(to: URL(fileURLWithPath: scratch + ".in"))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + ".out"))
    process.standardOutput = output
    process.standardError = output
    process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: scratch + ".in"))
    let exited = ExitSignal()
    process.terminationHandler = { _ in exited.fire() }
    try process.run()
    await exited.wait()
    try output.close()
    let data = try Data(contentsOf: URL(fileURLWithPath: scratch + ".out"))
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A one-shot signal from a callback (a process's termination) to an async waiter.
package final class ExitSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    package func fire() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.fired = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    package func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.fired { return true }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// The built `runwatch daemon` as a child process.
package final class DaemonProcess: @unchecked Sendable {
    private let process = Process()
    private let exited = ExitSignal()

    package init(config: String, apiKey: String, extraEnvironment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: builtProduct("runwatch"))
        process.arguments = ["daemon", "--config", config]
        process.environment = ["CEKURA_API_KEY": apiKey, "PATH": "/usr/bin:/bin"].merging(extraEnvironment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.terminationHandler = { [exited] _ in exited.fire() }
        try process.run()
    }

    package var pid: Int32 { process.processIdentifier }
    package var isRunning: Bool { process.isRunning }
    package var exitStatus: Int32 { process.terminationStatus }
    package var exitedNormally: Bool { process.terminationReason == .exit }

    package func kill(_ signal: Int32) {
        _ = Glibc.kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end, at most `timeout` seconds, without blocking a thread.
    package func waitForExit(timeout: Double) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.exited.wait(); return true }
            group.addTask { try? await Task.sleep(for: .secondsDouble(timeout)); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first || !self.process.isRunning
        }
    }

    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }
}

package func writeFile(_ path: String, _ content: String) throws {
    try Data(content.utf8).write(to: URL(fileURLWithPath: path))
}
