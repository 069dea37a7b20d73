import ArgumentParser
import Foundation
import RunWatch
import RunWatchCore

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "List notifications not yet delivered (pending and dead letters).",
        subcommands: [List.self, Retry.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List pending and dead deliveries.")

        @OptionGroup var options: ConfigOption
        @Option(help: "State folder (default: state_dir from the config file).") var stateDir: String?
        @Option(help: "At most this many.") var limit = 200
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try openStoreForReading(configPath: options.config, stateDir: stateDir)
            let messages = try await store.undelivered(limit: limit)
            if json {
                let rows: [[String: JSONValue]] = messages.map { message in
                    [
                        "id": .int(Int(message.id)), "notifier": .string(message.notifier), "run_id": .int(message.runID),
                        "event": .string(message.event), "state": .string(message.state), "attempts": .int(message.attempts),
                        "created_at": .string(message.createdAt.formatted(.iso8601)), "last_error": .optional(message.lastError),
                    ]
                }
                print(String(decoding: JSONValue.array(rows.map(JSONValue.object)).encoded(), as: UTF8.self))
                return
            }
            if messages.isEmpty {
                print("outbox empty: every notification was delivered")
                return
            }
            print("id      state    notifier        run        event              attempts  created                last error")
            for m in messages {
                let columns = [
                    String(m.id).padding(toLength: 7, withPad: " ", startingAt: 0),
                    m.state.padding(toLength: 8, withPad: " ", startingAt: 0),
                    m.notifier.padding(toLength: 15, withPad: " ", startingAt: 0),
                    String(m.runID).padding(toLength: 10, withPad: " ", startingAt: 0),
                    m.event.padding(toLength: 18, withPad: " ", startingAt: 0),
                    String(m.attempts).padding(toLength: 9, withPad: " ", startingAt: 0),
                    m.createdAt.formatted(.iso8601).padding(toLength: 22, withPad: " ", startingAt: 0),
                    UntrustedText.printable(m.lastError ?? ""),
                ]
                print(columns.joined(separator: " "))
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry",
            abstract: "Queue dead letters again (due now, with a fresh max_age); the daemon sends them.")

        @OptionGroup var options: ConfigOption
        @Option(help: "State folder (default: state_dir from the config file).") var stateDir: String?
        @Flag(help: "Every dead letter.") var all = false
        @Argument(help: "The outbox id of one dead letter (see `runwatch outbox`).") var id: Int64?

        func validate() throws {
            guard all != (id != nil) else { throw ValidationError("give one outbox ID or --all") }
        }

        func run() async throws {
            let store = try openStoreForReading(configPath: options.config, stateDir: stateDir, readOnly: false)
            let count = try await store.retryDead(all ? nil : id, at: Date())
            if count == 0, let id {
                printError("outbox message \(id) is not a dead letter")
                throw ExitCode(1)
            }
            print("queued \(count) dead letter(s) again; the running daemon sends them at its next look at the outbox")
        }
    }
}
