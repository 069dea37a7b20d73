import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import RunWatch
import RunWatchCore

struct NotifyTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify-test",
        abstract: "Send a sample failure alert through one notifier and say what the endpoint answered."
    )

    @OptionGroup var options: ConfigOption
    @Option(help: "Where bare secret names are looked up (the unit's LoadCredential= sources).")
    var credentialsDir = "/etc/runwatch/credentials"
    @Argument(help: "The notifier's name in the config file.") var name: String

    func run() async throws {
        let config = try loadConfiguration(options.config)
        guard let notifier = config.notifiers.first(where: { $0.name == name }) else {
            printError("no notifier named '\(name)'; configured: \(config.notifiers.map(\.name).joined(separator: ", "))")
            throw ExitCode(ExitStatus.usage)
        }
        let endpoint: NotifierQueue.Endpoint
        do {
            endpoint = try NotifierQueue.Endpoint.resolve(notifier, environment: credentialEnvironment(credentialsDir))
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.unavailable)
        }
        let alert = Self.sampleAlert()
        let route = NotifierRoute(notifier)
        let body = route.payload(for: alert, history: [])
        // The daemon's own client for notifiers: no redirects, the same deadline and caps.
        let http = OutboundHTTP(apiReadTimeout: config.api.requestTimeout)
        let sender = NotificationSender(endpoint: endpoint, http: http.notifiers, logger: Logger(label: "runwatch"))
        let result = await sender.send(body, key: "msg_notify_test_\(Int(Date().timeIntervalSince1970))")
        await http.shutdown()
        let answer = result.status.map { "HTTP \($0)" } ?? "no answer"
        switch result.verdict {
        case .delivered:
            print("\(name): delivered (\(answer))")
        case .retry(let reason, _):
            print("\(name): not delivered, would be retried: \(reason)")
            throw ExitCode(1)
        case .invalidPayload(let reason), .dead(let reason):
            print("\(name): refused, would be a dead letter: \(reason)")
            throw ExitCode(1)
        case .disable(let reason):
            print("\(name): the daemon would disable this notifier until reload: \(reason)")
            throw ExitCode(1)
        }
    }

    static func sampleAlert() -> RunAlert {
        let run = RunSnapshot(
            id: 483920, status: .failed, success: false,
            scenarioName: "runwatch notify-test: sample failure (not a real run)",
            agentName: "Clinic Front Desk (staging)", personalityName: "Direct Communicator",
            errorMessage: "This is a test message sent by `runwatch notify-test`.",
            endedReason: "Main agent-did-not-answer", duration: "00:31")
        return RunAlert(outcome: .failed, run: run, previousStatus: .running, endedAt: Date(), labels: ["source": "notify-test"])
    }
}

/// The process environment, with `$CREDENTIALS_DIRECTORY` pointing at `directory` when it
/// is not set already (outside the unit, bare secret names resolve there).
func credentialEnvironment(_ directory: String) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    if environment["CREDENTIALS_DIRECTORY"] == nil, FileManager.default.fileExists(atPath: directory) {
        environment["CREDENTIALS_DIRECTORY"] = directory
    }
    return environment
}
