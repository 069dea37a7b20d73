import ArgumentParser
import Foundation
import RunWatch

@main
struct RunWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runwatch",
        abstract: "Watches Cekura test runs until they end and alerts on failures.",
        version: "0.1.0",
        subcommands: [
            DaemonCommand.self, SubmitCommand.self, StatusCommand.self, ShowCommand.self, ForgetCommand.self, OutboxCommand.self,
            NotifyTestCommand.self, DoctorCommand.self, CheckConfigCommand.self, WaitCommand.self,
        ]
    )
}

/// Exit codes from sysexits(3), so systemd and scripts can tell failures apart.
enum ExitStatus {
    /// A start failure that may pass by itself (disk full, I/O error, database busy);
    /// systemd retries it.
    static let transient: Int32 = 1
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let unavailable: Int32 = 69
    static let software: Int32 = 70
    static let cantCreate: Int32 = 73
    /// Another daemon holds `state_dir`; systemd retries until it has gone.
    static let tempFail: Int32 = 75
    static let config: Int32 = 78
}

struct ConfigOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "Path of the YAML configuration file.")
    var config: String = "/etc/runwatch/runwatch.yaml"
}

/// Loads and validates the config, or prints every problem (one line each, naming the
/// key) and exits with EX_CONFIG (78).
func loadConfiguration(_ path: String) throws -> Configuration {
    do {
        return try Configuration.load(path: path)
    } catch {
        let all = Configuration.problems(inFile: path)
        for problem in all.isEmpty ? [error] : all { printError(problem.description) }
        throw ExitCode(ExitStatus.config)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("runwatch: \(message)\n".utf8))
}
