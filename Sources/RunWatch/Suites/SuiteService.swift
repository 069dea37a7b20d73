import Foundation
import Logging
import Metrics
import RunWatchCore
import ServiceLifecycle
import Synchronization

/// Completes suites: looks at the open instances when runs were added or ended (the
/// doorbell), at the earliest quiet-period deadline, and every `recheck` anyway (results
/// that finished expanding, `runwatch forget`, another process). Each instance the
/// `SuiteCompletion` rule calls complete is completed in one store transaction that also
/// queues its `suite.completed` messages; then the delivery queues are rung. Beats the
/// heartbeat like the other loops.
package final class SuiteService: Service {
    static let loopName = "suites"
    /// What one look may take: a read plus a store transaction per completed suite.
    static let allowance: Duration = .seconds(60)
    /// Looks at most this often: a busy poller rings after every answer.
    static let spacing: Duration = .seconds(1)

    /// What a reload may change.
    package struct Settings: Sendable {
        package var rule: SuiteCompletion
        package var routes: [NotifierRoute]
        package var links: DashboardLinks
        /// The console's public address: each summary links to its suite's page.
        package var console: ConsoleLinks

        package init(rule: SuiteCompletion, routes: [NotifierRoute], links: DashboardLinks = .none, console: ConsoleLinks = .none) {
            self.rule = rule
            self.routes = routes
            self.links = links
            self.console = console
        }
    }

    private let store: any RunStore
    private let settings: Mutex<Settings>
    private let heartbeat: Heartbeat
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let onEnqueued: @Sendable () -> Void
    private let recheck: Duration
    private let doorbell = Doorbell()

    package init(
        store: any RunStore, settings: Settings, heartbeat: Heartbeat, logger: Logger, now: @escaping @Sendable () -> Date,
        recheck: Duration = .seconds(30), onEnqueued: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.settings = Mutex(settings)
        self.heartbeat = heartbeat
        self.logger = logger
        self.now = now
        self.recheck = recheck
        self.onEnqueued = onEnqueued
    }

    /// Runs joined or ended: some suite may be complete now.
    package func ring() { doorbell.ring() }

    package func reconfigure(_ new: Settings) {
        settings.withLock { $0 = new }
        doorbell.ring()
    }

    package func run() async throws {
        defer { heartbeat.retire(Self.loopName) }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            heartbeat.beat(Self.loopName, nextWithin: Self.allowance)
            let started = ContinuousClock.now
            var wait = recheck
            do {
                if let next = try await checkOnce() {
                    wait = min(wait, .secondsDouble(max(0, next.timeIntervalSince(now()))))
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("cannot complete suites; will try again", metadata: ["error": "\(error)"])
            }
            // Rings that come while looking are remembered by the doorbell; the spacing
            // only keeps a stream of them from turning into a stream of store reads.
            wait = max(wait, Self.spacing - (ContinuousClock.now - started))
            heartbeat.beat(Self.loopName, nextWithin: wait + Self.allowance)
            await doorbell.waitUnlessShuttingDown(timeout: wait)
            let elapsed = ContinuousClock.now - started
            if elapsed < Self.spacing {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.spacing - elapsed) }
            }
        }
    }

    /// Completes every open suite the rule calls complete now. Returns when to look again
    /// for a suite waiting out its quiet period (nil: none is).
    @discardableResult
    package func checkOnce() async throws -> Date? {
        let setup = settings.withLock { $0 }
        let at = now()
        var next: Date?
        var completed = false
        for suite in try await store.openSuites() {
            switch setup.rule.decide(suite.facts, now: at) {
            case .complete:
                guard
                    let report = try await store.completeSuite(
                        suite.id, rule: setup.rule, routes: setup.routes, links: setup.links, console: setup.console, at: at)
                else { continue }
                completed = true
                let verdict = report.isPassing ? "passed" : "failed"
                Counter(label: MetricNames.suitesCompleted, dimensions: [("verdict", verdict)]).increment()
                logger.notice(
                    "suite completed",
                    metadata: [
                        "suite": "\(UntrustedText.printable(report.name, limit: 128))", "suite_instance": "\(report.instance)",
                        "runs": "\(report.runs.count)", "passed": "\(report.passed)",
                    ])
            case .quiet(let until):
                next = min(next ?? until, until)
            case .open:
                break
            }
        }
        if completed { onEnqueued() }
        return next
    }
}
