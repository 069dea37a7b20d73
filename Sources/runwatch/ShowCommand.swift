import ArgumentParser
import Foundation
import RunWatch
import RunWatchCore

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one run: its transitions and notification deliveries."
    )

    @OptionGroup var options: ConfigOption

    @Option(help: "State folder (default: state_dir from the config file).")
    var stateDir: String?

    @Flag(help: "The id is a Cekura result id: show its expansion and its runs.")
    var result = false

    @Argument(help: "The run id.")
    var id: Int

    func run() async throws {
        let store = try openStoreForReading(configPath: options.config, stateDir: stateDir)
        if result { return try await showResult(id, store: store) }
        // The link needs `cekura.dashboard_url`; with --state-dir and no readable config
        // there is simply no link.
        let links = (try? Configuration.load(path: options.config))?.dashboardLinks ?? .none
        guard let history = try await store.history(of: id) else {
            printError("run \(id) is not in the store")
            throw ExitCode(1)
        }
        // Everything below came from the API or a producer: one line each, bounded.
        func show(_ text: String) -> String { UntrustedText.printable(text, limit: 2000) }
        print("run \(history.id): \(show(history.status ?? "submitted, not yet seen"))" + (history.success.map { " (success: \($0))" } ?? ""))
        print("submitted: \(history.submittedAt.formatted(.iso8601))")
        if let run = history.snapshot {
            for (label, value) in [
                ("scenario", run.scenarioName), ("agent", run.agentName), ("personality", run.personalityName),
                ("duration", run.duration), ("ended reason", run.endedReason), ("error", run.errorMessage),
                ("recording", run.voiceRecordingURL), ("dashboard", links.result(run.resultID)),
            ] {
                if let value { print("\(label): \(show(value))") }
            }
        }
        if !history.labels.isEmpty {
            print("labels: " + show(history.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")))
        }
        print("transitions:")
        for change in history.transitions {
            print("  \(change.at.formatted(.iso8601))  \(show(change.from?.rawValue ?? "submitted")) → \(show(change.to.rawValue))")
        }
        print("deliveries:" + (history.deliveries.isEmpty ? " none" : ""))
        for delivery in history.deliveries {
            print(
                "  \(delivery.notifier): \(delivery.event) \(delivery.state) after \(delivery.attempts) attempt(s)"
                    + (delivery.lastError.map { " — last error: \(show($0))" } ?? ""))
        }
    }
}
