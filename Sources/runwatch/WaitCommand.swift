import ArgumentParser
import Foundation
import Logging
import RunWatch
import RunWatchCore

/// `runwatch wait`: the CI gate. Hands the runs to the daemon through the spool (like
/// `submit`), then follows them in the daemon's store, never calling the API itself: a
/// hundred CI jobs waiting share the daemon's one request budget.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Submit runs (or results, or follow a suite), wait until they end, exit with the verdict (CI gate).",
        discussion: """
            Exit codes: 0 every run passed; 1 a run completed unsuccessfully (regression); \
            2 a run failed, timed out, was cancelled, not found, expired or rejected, or there was \
            nothing to judge (infrastructure); 3 --timeout passed with runs still open; 1 wins over \
            2, and both over 3. 64 usage, 65 bad id, 69 no daemon or store, 73 cannot write the \
            spool or a report file, 78 bad configuration, 130/143 interrupted (the runs stay watched).
            """
    )

    @Option(name: .shortAndLong, help: "Path of the YAML configuration file (default /etc/runwatch/runwatch.yaml).")
    var config: String?

    @Option(help: "Spool folder (default: spool_dir from the config file).")
    var spoolDir: String?

    @Option(help: "State folder holding the daemon's store (default: state_dir from the config file).")
    var stateDir: String?

    @Option(name: .customLong("result"), help: "A Cekura result id: wait for all its runs (repeatable).")
    var results: [String] = []

    @Option(help: "Suite name: the given runs join it; alone, wait for the daemon to complete its open instance (not an earlier one).")
    var suite: String?

    @Option(name: .customLong("label"), help: "A label k=v carried into every alert of these runs (repeatable).")
    var labels: [String] = []

    @Option(help: "Give up after this long (exit 3 unless a run already ended badly), e.g. 30m.")
    var timeout: String = "30m"

    @Option(help: "How often to read the store, e.g. 2s.")
    var interval: String = "2s"

    @Option(help: "Exit 69 when no daemon has read the submission (or no store exists) after this long.")
    var daemonGrace: String = "60s"

    @Option(help: "Write a JUnit XML report here (atomically).")
    var junit: String?

    @Option(help: "Write a Markdown summary here (atomically); also appended to $GITHUB_STEP_SUMMARY when set.")
    var summary: String?

    @Flag(help: "Print the final report as JSON on stdout.")
    var json = false

    @Flag(help: "No daemon: run the daemon's engine in this process over a temporary folder (fallback for CI runners).")
    var standalone = false

    @Option(help: "With --standalone: file holding the Cekura API key (else $CEKURA_API_KEY).")
    var apiKeyFile: String?

    @Option(help: "With --standalone: the API's base URL (default: api.base_url from --config, else https://api.cekura.ai).")
    var baseURL: String?

    @Argument(help: "Run ids (positive integers).")
    var ids: [String] = []

    func run() async throws {
        let request = try parseRequest()
        let timeout = try duration(self.timeout, "--timeout")
        let interval = try duration(self.interval, "--interval")
        let grace = try duration(daemonGrace, "--daemon-grace")
        let query = WaitQuery(runIDs: request.runIDs, resultIDs: request.resultIDs, suite: suite)
        if standalone {
            try await runStandalone(request: request, query: query, timeout: timeout, interval: interval)
            return
        }
        if apiKeyFile != nil || baseURL != nil {
            printError("--api-key-file and --base-url are for --standalone; the daemon has its own")
            throw ExitCode(ExitStatus.usage)
        }
        let configPath = config ?? "/etc/runwatch/runwatch.yaml"
        var loaded: Configuration?
        func configuration() throws -> Configuration {
            if let loaded { return loaded }
            loaded = try loadConfiguration(configPath)
            return loaded!
        }
        let stateDirectory = try stateDir ?? configuration().stateDir
        var spoolFile: String?
        if !request.isEmpty {
            let root = try spoolDir ?? configuration().spoolDir
            do {
                // Always submitted, even runs the store already holds: re-submitting is
                // idempotent (labels merge, routing only widens), needs no store to decide,
                // and brings back a run pruned or forgotten since.
                spoolFile = try SpoolWriter.submit(request, to: SpoolDirectory(root: root))
            } catch {
                printError("\(error)")
                throw ExitCode(ExitStatus.cantCreate)
            }
        }
        // Links need the config file; with both folders given it is read only when named.
        let linkConfig = try loaded ?? (config == nil ? nil : configuration())
        let settings = WaitLoop.Settings(
            query: query, timeout: timeout, interval: interval, daemonGrace: grace, spoolFile: spoolFile, links: Self.links(linkConfig))
        try await follow(settings: settings, stateDirectory: stateDirectory)
    }

    /// Dashboard links for the report, JUnit and summary (`cekura.dashboard_url`).
    /// Integration point: `configuration?.dashboardLinks ?? .none` once that key (the
    /// digest part of issue 12) is in `Configuration`; until then, no links.
    static func links(_ configuration: Configuration?) -> DashboardLinks {
        configuration?.dashboardLinks ?? .none
    }

    /// Waits on the store in `stateDirectory`, prints the report, writes the files, exits.
    private func follow(settings: WaitLoop.Settings, stateDirectory: String) async throws {
        let progress = WaitProgress()
        let clock = ContinuousClock()
        let start = clock.now
        let loop = WaitLoop(
            settings: settings,
            openStore: {
                let path = (stateDirectory as NSString).appendingPathComponent(SQLiteRunStore.fileName)
                guard FileManager.default.fileExists(atPath: path) else {
                    throw WaitArtifacts.WriteError(description: "no store in '\(stateDirectory)' yet (is the daemon running?)")
                }
                return try SQLiteRunStore.open(directory: stateDirectory, readOnly: true)
            },
            onProgress: { progress.show($0, elapsed: $1) })
        let ending = await loop.run()
        progress.finish()
        let elapsed = clock.now - start
        let report: GateReport
        switch ending {
        case .unavailable(let reason):
            printError(reason)
            throw ExitCode(ExitStatus.unavailable)
        case .verdict(let verdict, let reading):
            report = GateReport(
                exitCode: verdict.exit.rawValue, verdict: verdict.exit.word, headline: verdict.headline,
                timedOut: elapsed >= settings.timeout && !reading.settled, elapsed: elapsed, reading: reading)
        case .interrupted(let signal, let reading):
            let reading = reading ?? settings.query.unread
            let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
            report = GateReport(
                exitCode: 128 + signal, verdict: "interrupted",
                headline: "interrupted by \(name): \(GateProgress(reading).line(elapsed: elapsed)); the runs stay watched by the daemon",
                timedOut: false, elapsed: elapsed, reading: reading)
        }
        if json {
            print(report.json())
        } else {
            for line in report.lines() { print(line) }
        }
        do {
            try WaitArtifacts.write(
                junit: junit, summary: summary, environment: ProcessInfo.processInfo.environment, groups: report.suites, now: Date())
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.cantCreate)
        }
        throw ExitCode(report.exitCode)
    }

    private func runStandalone(request: SpoolSubmission, query: WaitQuery, timeout: Duration, interval: Duration) async throws {
        guard !request.isEmpty else {
            printError("--standalone needs run ids or --result: a fresh store holds no suite to follow")
            throw ExitCode(ExitStatus.usage)
        }
        var base = Configuration()
        if let config { base = try loadConfiguration(config) }
        if let baseURL { base.api.baseURL = baseURL }
        if let apiKeyFile { base.api.apiKeyFile = apiKeyFile }
        let environment = ProcessInfo.processInfo.environment
        do {
            _ = try SecretSource.apiKey(configuration: base, environment: environment)
        } catch {
            printError("\(error.description)")
            throw ExitCode(ExitStatus.unavailable)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-wait-\(getpid())-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let configuration = StandaloneEngine.configuration(from: base, in: directory)
        let exit: ExitCode?
        do {
            exit = try await StandaloneEngine.run(
                configuration: configuration, environment: environment, submission: request, logger: Logger(label: "runwatch-wait")
            ) { stateDir, spoolFile in
                let settings = WaitLoop.Settings(
                    query: query, timeout: timeout, interval: interval, spoolFile: spoolFile, links: Self.links(base))
                do {
                    try await follow(settings: settings, stateDirectory: stateDir)
                    return nil
                } catch {
                    return error as? ExitCode ?? ExitCode(ExitStatus.software)
                }
            }
        } catch {
            printError("cannot run standalone: \(error)")
            throw ExitCode(ExitStatus.unavailable)
        }
        if let exit { throw exit }
    }

    /// The submission from the arguments; usage and bad-id errors as `submit` gives them.
    private func parseRequest() throws -> SpoolSubmission {
        var runIDs: [RunID] = []
        for token in ids.flatMap({ $0.split { $0 == "," || $0.isWhitespace } }) {
            guard let id = SpoolFileParser.runID(Substring(token)) else {
                printError("'\(token)' is not a run id (want a positive integer); nothing submitted")
                throw ExitCode(ExitStatus.dataError)
            }
            runIDs.append(id)
        }
        let resultIDs = try SubmitCommand.resultIDs(results)
        guard !runIDs.isEmpty || !resultIDs.isEmpty || suite != nil else {
            printError("nothing to wait for: give run ids, --result or --suite")
            throw ExitCode(ExitStatus.usage)
        }
        let labelMap = try SubmitCommand.labelMap(labels)
        let limits = SpoolLimits.default
        guard Set(runIDs).count <= limits.maxRunIDs, Set(resultIDs).count <= limits.maxResultIDs else {
            printError(
                "more than \(limits.maxRunIDs) run ids or \(limits.maxResultIDs) result ids (the limits per spool file); use --suite to group several submissions"
            )
            throw ExitCode(ExitStatus.usage)
        }
        // With nothing else to submit, the suite is only followed, not opened.
        let submitSuite = runIDs.isEmpty && resultIDs.isEmpty ? nil : suite
        let submission = SpoolSubmission(runIDs: runIDs, labels: labelMap, suite: submitSuite, resultIDs: resultIDs)
        let refused = SpoolFileParser.routingProblems(labels: labelMap, notifiers: nil, suite: suite)
        guard refused.isEmpty else {
            printError("labels or suite over the spool's limits; nothing submitted:\n" + refused.lines.joined(separator: "\n"))
            throw ExitCode(ExitStatus.usage)
        }
        return submission
    }

    private func duration(_ text: String, _ option: String) throws -> Duration {
        guard let value = try? DurationText.parse(text), value > .zero else {
            printError("\(option) '\(text)' is not a duration (e.g. 500ms, 15s, 30m, 2h)")
            throw ExitCode(ExitStatus.usage)
        }
        return value
    }
}
