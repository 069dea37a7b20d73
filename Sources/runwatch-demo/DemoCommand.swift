import ArgumentParser
import Foundation
import Logging
import RunWatch
import RunWatchCore
import RunWatchTesting

/// The end-to-end demo: the Cekura simulator, a local webhook receiver and the daemon on
/// this machine. Runs are fed through the spool, transitions print as they happen, alerts
/// print as they arrive, then the daemon stops cleanly and a summary is checked against
/// the simulator's truth (exit 1 on any mismatch, so CI catches a broken demo). Half the
/// runs form the suite `nightly`: its verdict arrives once (Slack summary when something
/// failed, signed `suite.completed` webhook always) and is written as JUnit, as
/// `runwatch wait --junit` would.
@main
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runwatch-demo",
        abstract: "Run runwatch end to end against the Cekura simulator and a local receiver."
    )

    @Option(help: "How many runs to feed through the spool.") var runs = 50
    @Option(help: "Seed of the simulated lifecycles.") var seed: UInt64 = 42
    @Option(help: "Give up after this many seconds.") var timeout = 120.0
    @Option(help: "Keep the daemon and its console up this many seconds after the runs ended, to look at it in a browser.")
    var linger = 0.0

    func run() async throws {
        let workDir = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-demo-\(getpid())").path
        try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: workDir) }

        var simOptions = CekuraSimulator.Options()
        simOptions.seed = seed
        simOptions.stageSeconds = 0.5...2.5
        let simulator = CekuraSimulator(options: simOptions)
        let ids = Array(1001...(1000 + runs))
        simulator.addRandomRuns(ids)
        // One line per message that arrived, a digest included; the daemon's own
        // "notification delivered" lines (one per run) are left out.
        let receiver = WebhookReceiver { delivery in
            guard delivery.path == "/slack", let text = delivery.json?["text"] as? String else { return }
            print("      🔔 \(SlackDelivery.summary(text)): \(text)")
        }

        LoggingSystem.bootstrap { _ in CompactLogHandler() }
        let timeout = self.timeout
        let linger = self.linger
        let (finished, daemon, tour) = try await TestBed.run(
            simulator: simulator, receiver: receiver, in: workDir, logger: Logger(label: "runwatch"),
            configure: { config, hooksURL in
                config.api.pollInterval = .seconds(1)
                config.api.batchSize = 20
                config.api.maxRequestsPerSecond = 10
                config.spoolScanInterval = .milliseconds(250)
                // The suite completes 2 s after its last run ended (default 30 s, so a suite
                // submitted in several files does not complete between them).
                config.suites.quietPeriod = .seconds(2)
                // The console on a free loopback port (its URL is printed at the end).
                config.consoleListen = "127.0.0.1:0"
                config.notifiers = [
                    // Failures ending within 3 s of each other arrive as one digest (the default
                    // window is 10 s; shorter here so the demo shows alerts as runs end).
                    .init(name: "ops-slack", kind: .slack, url: hooksURL + "/slack", groupWindow: .seconds(3)),
                    .init(name: "ci-webhook", kind: .webhook, url: hooksURL + "/hooks"),
                ]
                // Here, before the daemon starts and logs.
                print("runwatch demo: simulator at \(config.api.baseURL), receiver at \(hooksURL), state in \(workDir)")
            }
        ) { bed in
            // Two producers, as CI jobs would: a plain id list, and JSON with labels.
            let half = ids.count / 2
            try bed.submit(Array(ids[..<half]))
            try bed.submit(Array(ids[half...]), labels: ["suite": "nightly"])
            print("submitted \(ids.count) run ids through the spool (\(ids.count - half) of them as suite nightly)")
            let finished = await waitUntil(timeout: .secondsDouble(timeout), every: .milliseconds(100)) {
                let verdict = receiver.deliveries.contains { ($0.json?["type"] as? String) == SuiteReport.eventType }
                return await bed.settled(expecting: ids.count) && verdict
            }
            var tour: [String] = []
            if finished, let console = bed.daemon.console?.baseURL, let report = try? await bed.daemon.store.suiteReport(name: "nightly") {
                tour = await ConsoleTour(baseURL: console).visit(suite: "nightly", expectedRuns: report.runs.count, expectedPassed: report.passed)
                if linger > 0 {
                    print("  the console stays up for \(Int(linger)) s: open \(console)/ in a browser")
                    try? await Task.sleep(for: .secondsDouble(linger))
                }
            }
            return (finished, bed.daemon, tour)
        }
        try await report(finished: finished, ids: ids, daemon: daemon, simulator: simulator, receiver: receiver, console: tour)
    }

    private func report(
        finished: Bool, ids: [RunID], daemon: Daemon, simulator: CekuraSimulator, receiver: WebhookReceiver, console: [String]
    ) async throws {
        print("\ndaemon stopped cleanly.\n")
        var mismatches: [String] = console
        var counts: [String: Int] = [:]
        var expectedAlerts = 0
        for id in ids {
            guard let truth = simulator.truth(id), let history = try await daemon.store.history(of: id) else { continue }
            let label = truth.status == .completed ? "completed (success: \(truth.success.map(String.init) ?? "null"))" : truth.status.rawValue
            counts[label, default: 0] += 1
            if history.status != truth.status.rawValue {
                mismatches.append("run \(id): store says \(history.status ?? "nothing"), truth \(truth.status)")
            }
            if RunOutcome(terminal: truth.status, success: truth.success)?.isFailure == true { expectedAlerts += 1 }
        }
        let slack = receiver.deliveries.filter { $0.path == "/slack" }.count
        let allHooks = receiver.deliveries.filter { $0.path == "/hooks" }
        let suiteHooks = allHooks.filter { ($0.json?["type"] as? String) == SuiteReport.eventType }
        let hookDeliveries = allHooks.filter { ($0.json?["type"] as? String) != SuiteReport.eventType }
        let hooks = hookDeliveries.count
        // Which runs were alerted as failures: from the signed webhooks (one per run end).
        let failureTypes = Set(RunOutcome.allCases.filter(\.isFailure).map(\.eventType))
        let alertedFailures = hookDeliveries.filter { failureTypes.contains(($0.json?["type"] as? String) ?? "") }.count
        // Runs the Slack messages covered: a digest's text lists up to 20 run ids.
        let slackOutbox = try await daemon.store.summary()
        let counters = simulator.counters
        print("summary")
        print("  final status                     runs")
        for (label, count) in counts.sorted(by: { $0.key < $1.key }) {
            print("  \(label.padding(toLength: 32, withPad: " ", startingAt: 0)) \(count)")
        }
        print("  failures alerted (webhooks)      \(alertedFailures) (expected \(expectedAlerts))")
        print("  Slack messages (with digests)    \(slack) for \(expectedAlerts) failures")
        print("  signed webhooks received         \(hooks) (expected \(ids.count))")
        print("  API requests                     \(counters.bulkRequests), at most \(counters.maxIDsInRequest) ids each")
        print("  polls after a run was seen ended \(counters.pollsAfterTerminalServed)")
        if !finished { mismatches.append("not every run was tracked to its end within \(Int(timeout)) s") }
        if alertedFailures != expectedAlerts { mismatches.append("expected \(expectedAlerts) failure alerts, got \(alertedFailures)") }
        if expectedAlerts > 0, slack == 0 { mismatches.append("no Slack message for \(expectedAlerts) failures") }
        if slackOutbox.outboxPending != 0 || slackOutbox.outboxDead != 0 {
            mismatches.append("outbox not empty: \(slackOutbox.outboxPending) pending, \(slackOutbox.outboxDead) dead")
        }
        if hooks != ids.count { mismatches.append("expected \(ids.count) webhooks, got \(hooks)") }
        if counters.pollsAfterTerminalServed != 0 { mismatches.append("runs were polled after they ended") }
        mismatches += try await suiteVerdict(ids: Array(ids[(ids.count / 2)...]), daemon: daemon, simulator: simulator, hooks: suiteHooks)
        if mismatches.isEmpty {
            print(
                "\nOK: every run tracked to its true final status; every failure alerted (Slack, grouped) and every end delivered once (signed webhook)."
            )
        } else {
            print("\nFAILED:\n  " + mismatches.joined(separator: "\n  "))
            throw ExitCode.failure
        }
    }

    /// The suite's verdict: one signed `suite.completed`, counts matching the simulator's
    /// truth, and the JUnit file `runwatch wait --junit` would write.
    private func suiteVerdict(
        ids: [RunID], daemon: Daemon, simulator: CekuraSimulator, hooks: [WebhookReceiver.Delivery]
    ) async throws
        -> [String]
    {
        var problems: [String] = []
        guard let report = try await daemon.store.suiteReport(name: "nightly") else { return ["suite nightly is not in the store"] }
        let passedTruly = ids.filter { simulator.truth($0).map { RunOutcome(terminal: $0.status, success: $0.success) } == .completed }.count
        let headline = (hooks.first?.json?["data"] as? [String: Any])?["headline"] as? String ?? "(none)"
        let junit = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-demo-junit.xml").path
        try JUnitReport.render([report], now: Date()).write(toFile: junit, atomically: true, encoding: .utf8)
        print("\nsuite verdict (signed suite.completed webhook): \(headline)")
        print("  JUnit, as runwatch wait --junit writes it: \(junit)")
        if hooks.count != 1 { problems.append("expected one suite.completed webhook, got \(hooks.count)") }
        if report.completedAt == nil { problems.append("suite nightly did not complete") }
        if report.runs.count != ids.count || report.passed != passedTruly {
            problems.append("suite nightly: \(report.passed) of \(report.runs.count) passed, truth \(passedTruly) of \(ids.count)")
        }
        return problems
    }
}
