import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import RunWatch
import RunWatchCore

/// Checks a setup end to end and prints one PASS/FAIL line per check.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the config, the API key (one real request), each notifier, the folders and the store.",
        discussion:
            "Prints a PASS or FAIL line per check and exits 1 if any check failed. Notifiers are only probed for reachability unless --send is given."
    )

    @OptionGroup var options: ConfigOption
    @Flag(help: "Send a sample alert through each notifier instead of only probing it.") var send = false
    @Option(help: "Where bare secret names are looked up (the unit's LoadCredential= sources).")
    var credentialsDir = "/etc/runwatch/credentials"

    struct Report {
        var failures = 0
        mutating func pass(_ name: String, _ detail: String) { print("PASS \(name): \(detail)") }
        mutating func fail(_ name: String, _ detail: String) {
            failures += 1
            print("FAIL \(name): \(detail)")
        }
    }

    func run() async throws {
        var report = Report()
        let config: Configuration
        do {
            config = try Configuration.load(path: options.config)
            report.pass("config", "\(options.config) is valid")
        } catch {
            report.fail("config", error.description)
            throw ExitCode(1)
        }
        let environment = credentialEnvironment(credentialsDir)
        // The daemon's own clients: no redirects followed, the same deadlines and caps.
        let http = OutboundHTTP(apiReadTimeout: config.api.requestTimeout)
        await checkAPI(config, environment, http, &report)
        for notifier in config.notifiers {
            await check(notifier, environment, http, &report)
        }
        await http.shutdown()
        checkFolders(config, &report)
        await checkStore(config, &report)
        print(report.failures == 0 ? "all checks passed" : "\(report.failures) check(s) failed")
        if report.failures > 0 { throw ExitCode(1) }
    }

    private func checkAPI(_ config: Configuration, _ environment: [String: String], _ http: OutboundHTTP, _ report: inout Report) async {
        let key: Secret
        do {
            key = try SecretSource.apiKey(configuration: config, environment: environment)
            report.pass("api key", "found")
        } catch {
            report.fail("api key", error.description)
            return
        }
        let client = CekuraClient(
            baseURL: config.api.baseURL, bulkPath: config.api.bulkPath, apiKey: key, http: http.api,
            timeout: config.api.requestTimeout, retryAfterCap: config.api.retryAfterCap, maxBodyBytes: config.api.maxResponseSize)
        // One real request for an id that need not exist: an empty array is a fine answer.
        switch await client.fetch([1], now: { Date() }) {
        case .runs(let runs): report.pass("api", "\(config.api.baseURL)\(config.api.bulkPath) answered with \(runs.count) run(s); key accepted")
        case .rateLimited: report.pass("api", "reachable and the key works, but rate limited right now (429)")
        case .keyRejected(let status, let detail): report.fail("api", "key rejected (HTTP \(status): \(UntrustedText.printable(detail)))")
        case .batchRefused(let status, let detail):
            report.fail("api", "request refused (HTTP \(status): \(UntrustedText.printable(detail))); is bulk_path right?")
        case .retryable(let reason): report.fail("api", "no usable answer from \(config.api.baseURL): \(UntrustedText.printable(reason))")
        }
    }

    private func check(_ notifier: Configuration.Notifier, _ environment: [String: String], _ http: OutboundHTTP, _ report: inout Report) async {
        let name = "notifier \(notifier.name)"
        let endpoint: NotifierQueue.Endpoint
        do {
            endpoint = try NotifierQueue.Endpoint.resolve(notifier, environment: environment)
        } catch {
            report.fail(name, "\(error)")
            return
        }
        if send {
            let sender = NotificationSender(endpoint: endpoint, http: http.notifiers, logger: Logger(label: "runwatch"))
            let body = NotifierRoute(notifier).payload(for: NotifyTestCommand.sampleAlert(), history: [])
            let result = await sender.send(body, key: "msg_doctor_\(Int(Date().timeIntervalSince1970))")
            let answer = result.status.map { "HTTP \($0)" } ?? "no answer"
            if case .delivered = result.verdict {
                report.pass(name, "sample alert delivered (\(answer))")
            } else {
                report.fail(name, "sample alert not delivered: \(UntrustedText.printable("\(result.verdict)"))")
            }
            return
        }
        // Probe without posting: any HTTP answer proves the endpoint is reachable.
        var request = HTTPClientRequest(url: endpoint.url.value)
        request.method = .HEAD
        do {
            let response = try await http.notifiers.boundedExchange(
                request, deadline: endpoint.timeout, limit: NotificationSender.answerLimit, overflow: .truncate)
            if RedirectAnswer.isRedirect(response.status) {
                // The daemon would disable the notifier on its first delivery.
                report.fail(name, RedirectAnswer.notifierReason(status: response.status, location: response.headers.first(name: "Location")))
                return
            }
            report.pass(
                name, "\(notifier.kind.rawValue) endpoint reachable (answered HTTP \(response.status) to HEAD; use --send to post a sample)")
        } catch {
            report.fail(name, "endpoint not reachable: \(HTTPErrorText.describe(error))")
        }
    }

    private func checkFolders(_ config: Configuration, _ report: inout Report) {
        let spool = SpoolDirectory(root: config.spoolDir)
        for folder in [spool.tmp, spool.new, spool.rejected, config.stateDir] {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
                let parent = (folder as NSString).deletingLastPathComponent
                if access(parent, W_OK) == 0 || access((parent as NSString).deletingLastPathComponent, W_OK) == 0 {
                    report.pass("folder \(folder)", "not there yet; created on start (by the daemon, StateDirectory= or systemd-tmpfiles)")
                } else {
                    report.fail("folder \(folder)", "missing, and this user cannot create it (systemd-tmpfiles --create makes the spool)")
                }
            } else if !isDirectory.boolValue {
                report.fail("folder \(folder)", "is not a folder")
            } else if access(folder, W_OK) != 0 {
                report.fail("folder \(folder)", "not writable by this user (uid \(getuid()))")
            } else {
                report.pass("folder \(folder)", "exists and is writable")
            }
        }
    }

    private func checkStore(_ config: Configuration, _ report: inout Report) async {
        let path = (config.stateDir as NSString).appendingPathComponent(SQLiteRunStore.fileName)
        guard FileManager.default.fileExists(atPath: path) else {
            report.pass("store", "none yet at \(path) (created on first start)")
            return
        }
        do {
            let summary = try await SQLiteRunStore.open(directory: config.stateDir, readOnly: true).summary()
            report.pass(
                "store",
                "\(path) opens; \(summary.active) active run(s), \(summary.outboxPending) pending and \(summary.outboxDead) dead notification(s)")
        } catch {
            report.fail("store", "\(error)")
        }
    }
}
