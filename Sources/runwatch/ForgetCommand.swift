import ArgumentParser
import Foundation
import RunWatch
import RunWatchCore

struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Stop watching runs and delete what is stored about them (their pending alerts too)."
    )

    @OptionGroup var options: ConfigOption

    @Option(help: "State folder (default: state_dir from the config file).")
    var stateDir: String?

    @Argument(help: "Run ids.")
    var ids: [Int]

    func run() async throws {
        // Writable open while the daemon may run: SQLite's WAL lets both work, and the
        // daemon notices at its next poll of these runs that they are gone.
        let store = try openStoreForReading(configPath: options.config, stateDir: stateDir, readOnly: false)
        let forgotten = try await store.forget(ids)
        let missing = Set(ids).subtracting(forgotten)
        print(
            "forgot \(forgotten.count) run(s)"
                + (missing.isEmpty ? "" : "; not in the store: " + missing.sorted().map(String.init).joined(separator: " ")))
    }
}
