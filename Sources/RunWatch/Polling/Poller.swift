import Foundation
import Logging
import Metrics
import RunWatchCore
import ServiceLifecycle
import Synchronization

/// Polls the bulk endpoint for every watched run until it ends.
///
/// The driver of a `PollGate`: the gate decides which runs to ask about and when; the
/// `RunTracker` what an answer means for each run; `AlertRouting` who hears of it. This
/// type only waits, asks, commits, and reports. `max_concurrent_requests` workers share
/// the one gate. Scheduling runs on the monotonic clock; `Date` is read only for what is
/// stored and shown (`now`).
package final class Poller: Service {
    package struct Settings: Sendable {
        package var policy: WatchPolicy
        package var gate: PollGate.Settings
        package var maxConcurrentRequests: Int
        /// Dashboard links put into alerts (`cekura.dashboard_url`).
        package var links: DashboardLinks
        /// Console links put into alerts (`console.public_url`).
        package var consoleLinks: ConsoleLinks

        package init(_ configuration: Configuration) {
            policy = configuration.watchPolicy
            gate = PollGate.Settings(
                requestsPerSecond: configuration.api.maxRequestsPerSecond, batchSize: configuration.api.batchSize,
                backoff: BackoffPolicy(base: configuration.api.backoffBase, cap: configuration.api.backoffCap),
                keyRejectedRetry: configuration.api.keyRejectedRetry)
            maxConcurrentRequests = configuration.api.maxConcurrentRequests
            links = configuration.dashboardLinks
            consoleLinks = configuration.consoleLinks
        }
    }

    struct State {
        var gate: PollGate
        var runs: [RunID: TrackedRun] = [:]
        var unknownStatuses: Set<String> = []
        var reportedSweep: Duration = .zero
        var recordedAPIState = ""
    }

    /// What a reload may change.
    struct Setup {
        var settings: Settings
        var client: CekuraClient
        var routes: [NotifierRoute]
    }

    let setup: Mutex<Setup>
    var settings: Settings { setup.withLock { $0.settings } }
    var client: CekuraClient { setup.withLock { $0.client } }
    var routes: [NotifierRoute] { setup.withLock { $0.routes } }
    /// Fixed at start: the number of workers.
    private let workers: Int
    let store: any RunStore
    let status: StatusBoard
    private let heartbeat: Heartbeat
    let logger: Logger
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    let onEnqueued: @Sendable () -> Void
    /// Runs were added or ended: suites may have completed.
    let onRunsChanged: @Sendable () -> Void
    /// Requests and run ends for the console's charts; nil where nobody draws them.
    let activity: ActivityRecorder?
    let state: Mutex<State>
    private let doorbell = Doorbell()

    let malformed = Counter(label: MetricNames.malformedRuns)
    let rateLimited = Counter(label: MetricNames.apiRateLimited)
    let backoffSeconds = FloatingPointCounter(label: MetricNames.backoffSeconds)
    let detectionDelay = Metrics.Timer(label: MetricNames.detectionDelay)

    package init(
        settings: Settings, client: CekuraClient, store: any RunStore, routes: [NotifierRoute],
        status: StatusBoard, heartbeat: Heartbeat = Heartbeat(), logger: Logger, now: @escaping @Sendable () -> Date,
        random: @escaping @Sendable () -> Double, onEnqueued: @escaping @Sendable () -> Void,
        onRunsChanged: @escaping @Sendable () -> Void = {}, activity: ActivityRecorder? = nil
    ) {
        self.setup = Mutex(Setup(settings: settings, client: client, routes: routes))
        self.workers = settings.maxConcurrentRequests
        self.store = store
        self.status = status
        self.heartbeat = heartbeat
        self.logger = logger
        self.now = now
        self.random = random
        self.onEnqueued = onEnqueued
        self.onRunsChanged = onRunsChanged
        self.activity = activity
        self.state = Mutex(State(gate: PollGate(settings: settings.gate)))
    }

    /// Loads the runs still active in the store; they are all due at once.
    package func load() async throws {
        let active = try await store.activeRuns()
        let at = ContinuousClock.now
        state.withLock { state in
            state.runs.merge(active) { current, _ in current }
            state.gate.watch(active.keys, at: at)
        }
        publishCounts()
    }

    /// Starts watching newly ingested runs (due now), and keeps the routing of runs a
    /// producer re-submitted up to date.
    package func watch(_ ingested: Ingested) {
        guard !ingested.isEmpty else { return }
        let submittedAt = now()
        let at = ContinuousClock.now
        state.withLock { state in
            for id in ingested.newIDs where state.runs[id] == nil {
                state.runs[id] = TrackedRun(submittedAt: submittedAt, routing: ingested.routing)
            }
            for (id, routing) in ingested.rerouted where state.runs[id] != nil {
                state.runs[id]?.routing = routing
            }
            state.gate.watch(ingested.newIDs, at: at)
        }
        publishCounts()
        doorbell.ring()
        onRunsChanged()
    }

    package var watchedCount: Int { state.withLock { $0.gate.watching } }

    /// Applies a reloaded configuration: budget, intervals, lifecycle rules, the API
    /// client (a fixed key is tried at once), notifier routes. The number of workers
    /// (`max_concurrent_requests`) changes only at restart.
    package func reconfigure(settings: Settings, client: CekuraClient, routes: [NotifierRoute]) {
        setup.withLock { $0 = Setup(settings: settings, client: client, routes: routes) }
        let at = ContinuousClock.now
        state.withLock { $0.gate.reconfigure(settings.gate, at: at) }
        publishCounts()
        doorbell.ring()
    }

    /// Watched runs by last seen status (`submitted` before the first answer).
    package func countsByStatus() -> [String: Int] {
        state.withLock { state in
            state.runs.values.reduce(into: [String: Int]()) { $0[$1.state.status?.rawValue ?? "submitted", default: 0] += 1 }
        }
    }

    /// The sweep period the budget allows for the runs watched now.
    package var effectiveSweepPeriod: Duration {
        let (watching, batchSize) = state.withLock { ($0.gate.watching, $0.gate.batchSize) }
        let settings = self.settings
        return SweepBudget.effectivePeriod(
            active: watching, batchSize: batchSize,
            requestsPerSecond: settings.gate.requestsPerSecond, pollInterval: settings.policy.pollInterval)
    }

    package func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<workers {
                group.addTask { await self.work(name: "poller-\(index)") }
            }
        }
        logger.info("poller stopped", metadata: ["watching": "\(watchedCount)"])
    }

    private func work(name: String) async {
        defer { heartbeat.retire(name) }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await Failpoints.waitWhileExists(Failpoints.hangFile)
            let at = ContinuousClock.now
            switch state.withLock({ $0.gate.next(at: at) }) {
            case .wait(let until):
                // Idle: until the gate opens, a run falls due, a new run arrives, or shutdown.
                let wait = until.map { max(.zero, $0 - at) } ?? .seconds(3600)
                heartbeat.beat(name, nextWithin: wait)
                await doorbell.waitUnlessShuttingDown(timeout: wait)
            case .poll(let batch):
                let client = self.client
                heartbeat.beat(name, nextWithin: client.timeout + .seconds(30))
                let answer = await client.fetch(batch, now: now)
                await handle(answer, batch: batch)
                heartbeat.beat(name, nextWithin: .seconds(30))
                // Rescheduled runs may be due for a worker that is idle.
                doorbell.ring()
            }
        }
    }
}
