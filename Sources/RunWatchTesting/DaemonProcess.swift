import Foundation
import RunWatchCore

#if canImport(Glibc)
import Glibc
#endif

/// The built `runwatch daemon` as a child process, for tests of what only a real process
/// shows: signals, exit codes, sd_notify, and surviving `kill -9`.
package final class DaemonProcess: @unchecked Sendable {
    private let process = Process()

    package convenience init(config: String, apiKey: String, extraEnvironment: [String: String] = [:]) throws {
        try self.init(launcher: [], config: config, apiKey: apiKey, extraEnvironment: extraEnvironment)
    }

    /// `launcher` runs the daemon: `["strace", ...]`, or `["unshare", ..., "sh", "-c", ...]`
    /// with the daemon's command line as the script's arguments. Empty: run it directly.
    /// `logFile` receives its stderr (the log, outside systemd).
    package init(launcher: [String], config: String, apiKey: String, extraEnvironment: [String: String] = [:], logFile: String? = nil) throws {
        let command = launcher + [builtProduct("runwatch"), "daemon", "--config", config]
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = ["CEKURA_API_KEY": apiKey, "PATH": "/usr/bin:/bin"].merging(extraEnvironment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        if let logFile {
            _ = FileManager.default.createFile(atPath: logFile, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: logFile)
        } else {
            process.standardError = FileHandle.nullDevice
        }
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
    /// Polls: a waiter on the termination callback could not be cancelled, so a process
    /// that never ends would hold the caller past its timeout.
    package func waitForExit(timeout: Double) async -> Bool {
        await waitUntil(timeout: .secondsDouble(timeout), every: .milliseconds(50)) { !self.process.isRunning }
    }

    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }
}
