import Foundation
import Logging
import Metrics
import RunWatchCore
import ServiceLifecycle
import Synchronization

/// Polls the bulk endpoint for every watched run until it ends.
///
/// Decisions (which runs, backoff delays, what a status means) come from the pure core;
/// this type does the waiting, the HTTP and the committing. `max_concurrent_requests`
/// workers share one gate: request starts are spaced by `1 / max_requests_per_second`,
/// and no request of any kind starts while a Retry-After or a backoff is running.
public final class Poller: Service {
    public struct Settings: Sendable {
        public var policy: WatchPolicy
        public var batchSize: Int
        public var maxRequestsPerSecond: Double
        public var maxConcurrentRequests: Int
        public var backoff: BackoffPolicy
        public var keyRejectedRetry: Duration

        public init(_ configuration: Configuration) {
            policy = configuration.watchPolicy
            batchSize = configuration.api.batchSize
            maxRequestsPerSecond = configuration.api.maxRequestsPerSecond
            maxConcurrentRequests = configuration.api.maxConcurrentRequests
            backoff = BackoffPolicy(base: configuration.api.backoffBase, cap: configuration.api.backoffCap)
            keyRejectedRetry = configuration.api.keyRejectedRetry
        }
    }

    private struct State {
        var schedule = PollSchedule()
        var runs: [RunID: TrackedRun] = [:]
        var batchSize: Int
        /// No request starts before this: the budget's spacing, Retry-After, or backoff.
        var notBefore: Date = .distantPast
        var consecutiveFailures = 0
        var keyRejected = false
        var unknownStatuses: Set<String> = []
        var reportedSweep: Duration = .zero
        var recordedAPIState = ""
    }

    private enum Step {
        case wait(until: Date?)
        case poll([RunID])
    }

    /// What a reload may change.
    private struct Setup {
        var settings: Settings
        var client: CekuraClient
        var routes: [NotifierRoute]
    }

    private let setup: Mutex<Setup>
    private var settings: Settings { setup.withLock { $0.settings } }
    private var client: CekuraClient { setup.withLock { $0.client } }
    private var routes: [NotifierRoute] { setup.withLock { $0.routes } }
    /// Fixed at start: the number of workers.
    private let workers: Int
    private let store: any RunStore
    private let status: StatusBoard
    private let heartbeat: Heartbeat
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let random: @Sendable () -> Double
    private let onEnqueued: @Sendable () -> Void
    private let state: Mutex<State>
    private let doorbell = Doorbell()

    private let malformed = Counter(label: MetricNames.malformedRuns)
    private let rateLimited = Counter(label: MetricNames.apiRateLimited)
    private let backoffSeconds = FloatingPointCounter(label: MetricNames.backoffSeconds)
    private let detectionDelay = Metrics.Timer(label: MetricNames.detectionDelay)

    private func countRequest(_ outcome: String) {
        Counter(label: MetricNames.apiRequests, dimensions: [("outcome", outcome)]).increment()
    }

    public init(
        settings: Settings, client: CekuraClient, store: any RunStore, routes: [NotifierRoute],
        status: StatusBoard, heartbeat: Heartbeat = Heartbeat(), logger: Logger, now: @escaping @Sendable () -> Date,
        random: @escaping @Sendable () -> Double, onEnqueued: @escaping @Sendable () -> Void
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
        self.state = Mutex(State(batchSize: settings.batchSize))
    }

    /// Loads the runs still active in the store; they are all due at once.
    public func load() async throws {
        let active = try await store.activeRuns()
        let at = now()
        state.withLock { state in
            if state.runs.isEmpty {
                state.runs = active
            } else {
                state.runs.merge(active) { current, _ in current }
            }
            state.schedule.addAll(active.keys, dueAt: at)
        }
        publishCounts()
    }

    /// Starts watching newly ingested runs: due now.
    public func watch(_ ids: [RunID]) {
        guard !ids.isEmpty else { return }
        let at = now()
        state.withLock { state in
            for id in ids where state.runs[id] == nil {
                state.runs[id] = TrackedRun(submittedAt: at)
                state.schedule.add(id, dueAt: at)
            }
        }
        publishCounts()
        doorbell.ring()
    }

    public var watchedCount: Int { state.withLock { $0.schedule.count } }

    /// Applies a reloaded configuration: budget, intervals, lifecycle rules, the API
    /// client (a fixed key is tried at once), notifier routes. The number of workers
    /// (`max_concurrent_requests`) changes only at restart.
    public func reconfigure(settings: Settings, client: CekuraClient, routes: [NotifierRoute]) {
        setup.withLock { $0 = Setup(settings: settings, client: client, routes: routes) }
        let at = now()
        state.withLock { state in
            state.batchSize = settings.batchSize
            if state.keyRejected || state.consecutiveFailures > 0 {
                // An operator who reloads after fixing something wants it tried now.
                state.notBefore = at
                state.consecutiveFailures = 0
                state.keyRejected = false
            }
        }
        publishCounts()
        doorbell.ring()
    }

    /// Watched runs by last seen status (`submitted` before the first answer).
    public func countsByStatus() -> [String: Int] {
        state.withLock { state in
            state.runs.values.reduce(into: [String: Int]()) { $0[$1.state.status?.rawValue ?? "submitted", default: 0] += 1 }
        }
    }

    /// The sweep period the budget allows for the runs watched now.
    public var effectiveSweepPeriod: Duration {
        SweepBudget.effectivePeriod(
            active: watchedCount, batchSize: state.withLock { $0.batchSize },
            requestsPerSecond: settings.maxRequestsPerSecond, pollInterval: settings.policy.pollInterval)
    }

    public func run() async throws {
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
            await TestTriggers.waitWhileExists(TestTriggers.hangFile)
            let at = now()
            let step = state.withLock { state -> Step in
                if state.notBefore > at { return .wait(until: state.notBefore) }
                let batch = state.schedule.takeDue(now: at, limit: state.batchSize)
                if batch.isEmpty { return .wait(until: state.schedule.nextDueDate()) }
                // Spacing request starts keeps us inside the budget even at start-up
                // with a full backlog, and after an outage ends.
                // 10% margin: arrival jitter at the server (a new connection, a busy core) must
                // not make starts look closer there than the budget allows.
                state.notBefore = at.addingTimeInterval(1.1 / settings.maxRequestsPerSecond)
                return .poll(batch)
            }
            switch step {
            case .wait(let until):
                // Idle: until the gate opens, a run falls due, a new run arrives, or shutdown.
                let seconds = until.map { max(0, $0.timeIntervalSince(at)) } ?? 3600
                heartbeat.beat(name, nextWithin: .secondsDouble(seconds))
                await sleep(seconds: seconds)
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

    private func sleep(seconds: Double) async {
        await doorbell.waitUnlessShuttingDown(timeout: .secondsDouble(seconds))
    }

    // MARK: Answers

    private func handle(_ answer: BulkAnswer, batch: [RunID]) async {
        let at = now()
        switch answer {
        case .runs(let decoded):
            countRequest("ok")
            await apply(decoded, batch: batch, at: at)

        case .rateLimited(let retryAfter):
            countRequest("rate_limited")
            rateLimited.increment()
            let wait = retryAfter ?? backoffDelay()
            backoffSeconds.increment(by: wait.secondsDouble)
            block(batch: batch, until: at.addingTimeInterval(wait.secondsDouble), reason: "rate limited (429)")
            await noteAPI("backing off until \(at.addingTimeInterval(wait.secondsDouble).formatted(.iso8601))", error: "HTTP 429", at: at)
            logger.warning("API rate limit (429); no request until the wait is over", metadata: [
                "retry_after_s": "\(retryAfter.map { String(format: "%.1f", $0.secondsDouble) } ?? "none")",
                "wait_s": "\(String(format: "%.1f", wait.secondsDouble))",
            ])

        case .retryable(let reason):
            countRequest("failed")
            let wait = backoffDelay()
            backoffSeconds.increment(by: wait.secondsDouble)
            block(batch: batch, until: at.addingTimeInterval(wait.secondsDouble), reason: reason)
            await noteAPI("backing off until \(at.addingTimeInterval(wait.secondsDouble).formatted(.iso8601))", error: reason, at: at)
            logger.warning("API request failed; backing off", metadata: [
                "error": "\(reason)", "wait_s": "\(String(format: "%.1f", wait.secondsDouble))",
            ])

        case .keyRejected(let code, let detail):
            countRequest("key_rejected")
            let first = state.withLock { state -> Bool in
                defer { state.keyRejected = true }
                return !state.keyRejected
            }
            block(batch: batch, until: at.addingTimeInterval(settings.keyRejectedRetry.secondsDouble), reason: nil)
            status.update { $0.api = .keyRejected }
            await noteAPI("key rejected", error: "HTTP \(code): \(detail)", at: at)
            if first {
                logger.error("API key rejected; polling paused, all state kept. Fix the key, then reload (api_key_file, environment) or restart (systemd credential).", metadata: [
                    "http_status": "\(code)", "detail": "\(detail)",
                    "retry_in": "\(DurationText.format(settings.keyRejectedRetry))",
                ])
            }

        case .batchRefused(let code, let detail):
            countRequest("batch_refused")
            if batch.count > 1 {
                let halved = batch.count / 2
                state.withLock { state in
                    state.batchSize = min(state.batchSize, halved)
                    for id in batch { state.schedule.schedule(id, at: at) }
                }
                logger.warning("API refused a batch as too large; using smaller batches from now on", metadata: [
                    "http_status": "\(code)", "detail": "\(detail)", "batch_size": "\(halved)",
                ])
            } else {
                let wait = backoffDelay()
                block(batch: batch, until: at.addingTimeInterval(wait.secondsDouble), reason: "HTTP \(code): \(detail)")
                logger.warning("API refused a single-id request; backing off", metadata: ["http_status": "\(code)", "detail": "\(detail)"])
            }
        }
    }

    /// Keeps the API's state in the store for `runwatch status`; written on change only.
    private func noteAPI(_ apiState: String, error: String?, at: Date) async {
        let changed = state.withLock { state -> Bool in
            defer { state.recordedAPIState = apiState }
            return state.recordedAPIState != apiState
        }
        guard changed || error != nil else { return }
        do {
            try await store.noteAPIState(apiState, error: error.map { String($0.prefix(300)) }, at: at)
        } catch {
            logger.warning("cannot record the API state in the store", metadata: ["error": "\(error)"])
        }
    }

    private func backoffDelay() -> Duration {
        let attempt = state.withLock { state -> Int in
            state.consecutiveFailures += 1
            return state.consecutiveFailures
        }
        return settings.backoff.delay(attempt: attempt, unitRandom: random())
    }

    /// No request before `until`; the batch keeps its place at the front of the queue.
    private func block(batch: [RunID], until: Date, reason: String?) {
        state.withLock { state in
            state.notBefore = max(state.notBefore, until)
            for id in batch { state.schedule.schedule(id, at: until) }
        }
        if let reason {
            status.update { $0.api = .backingOff(until: until.formatted(.iso8601), reason: String(reason.prefix(80))) }
        }
    }

    private func apply(_ decoded: [DecodedRun], batch: [RunID], at: Date) async {
        let policy = settings.policy
        let asked = Set(batch)
        let previous = state.withLock { state in batch.reduce(into: [RunID: TrackedRun]()) { $0[$1] = state.runs[$1] } }
        var present: Set<RunID> = []
        var next: [RunID: TrackedRun] = [:]
        var updates: [RunUpdate] = []
        var ended: Set<RunID> = []
        func take(_ id: RunID, _ run: TrackedRun, _ update: RunUpdate?) {
            next[id] = run
            guard let update else { return }
            if update.ended { ended.insert(id) }
            if update.isNews { updates.append(update) }
        }
        for item in decoded {
            switch item {
            case .run(let snapshot):
                guard asked.contains(snapshot.id), present.insert(snapshot.id).inserted, let run = previous[snapshot.id] else { continue }
                let (run2, update) = RunTracker.observe(snapshot, run: run, at: at, policy: policy)
                take(snapshot.id, run2, update)
                noteOddities(snapshot)
            case .malformed(let id, let reason):
                // Present but unreadable: not a miss; it is asked for again next time,
                // until its deadline (an object that stays unreadable must still end).
                if let id, asked.contains(id), present.insert(id).inserted, let run = previous[id],
                   let (run2, update) = RunTracker.expireIfDue(run: run, id: id, at: at, policy: policy) {
                    take(id, run2, update)
                }
                malformed.increment()
                logger.warning("skipped a malformed run object", metadata: ["run_id": "\(id.map(String.init) ?? "unknown")", "reason": "\(reason)"])
            }
        }
        for id in batch where !present.contains(id) {
            guard let run = previous[id] else { continue }
            let (run2, update) = RunTracker.absent(id, run: run, at: at, policy: policy)
            take(id, run2, update)
        }

        let endings = updates.filter { $0.outcome != nil }
        var drafts: [OutboxDraft] = []
        do {
            let routes = self.routes
            let changes = updates.compactMap(\.transition)
            let wantsTransitions = routes.contains { $0.transitions } && !changes.isEmpty
            if (!endings.isEmpty || wantsTransitions), !routes.isEmpty {
                let ids = Array(Set(endings.map(\.snapshot.id) + (wantsTransitions ? changes.map(\.runID) : [])))
                let routing = try await store.routing(for: ids)
                let wantsHistory = routes.contains { $0.kind == .webhook } && !endings.isEmpty
                let history = wantsHistory ? try await store.transitions(for: endings.map(\.snapshot.id)) : [:]
                if wantsTransitions {
                    for change in changes {
                        let notice = TransitionNotice(transition: change, labels: routing[change.runID]?.labels ?? [:])
                        drafts += NotifierRoute.drafts(for: notice, routing: routing[change.runID] ?? RunRouting(), routes: routes)
                    }
                }
                for update in endings {
                    guard let outcome = update.outcome else { continue }
                    let route = routing[update.snapshot.id] ?? RunRouting()
                    let alert = RunAlert(outcome: outcome, run: update.snapshot, previousStatus: update.previous.status, endedAt: at, labels: route.labels)
                    let past = (history[update.snapshot.id] ?? []) + [update.transition].compactMap { $0 }
                    drafts += NotifierRoute.drafts(for: alert, routing: route, history: past, routes: routes)
                }
            }
            let forgotten = try await store.record(PollRecord(at: at, polled: batch, updates: updates, messages: drafts))
            // `runwatch forget` removed these while they were being polled.
            ended.formUnion(forgotten)
            updates.removeAll { forgotten.contains($0.snapshot.id) }
        } catch {
            // Nothing was committed: keep the old state and ask again next interval.
            logger.error("cannot record poll answer in the store", metadata: ["error": "\(error)"])
            state.withLock { state in
                for id in batch { state.schedule.schedule(id, at: at.addingTimeInterval(policy.pollInterval.secondsDouble)) }
            }
            return
        }

        state.withLock { state in
            state.consecutiveFailures = 0
            state.keyRejected = false
            for id in batch {
                if ended.contains(id) {
                    state.schedule.remove(id)
                    state.runs[id] = nil
                    continue
                }
                if let run = next[id] { state.runs[id] = run }
                let interval = policy.interval(for: state.runs[id]?.state.status)
                state.schedule.schedule(id, at: at.addingTimeInterval(interval.secondsDouble))
            }
        }
        for update in endings {
            guard let run = previous[update.snapshot.id] else { continue }
            detectionDelay.recordNanoseconds(Int64(max(0, run.detectionDelay(at: at)) * 1e9))
        }
        for update in updates {
            guard let change = update.transition else { continue }
            Counter(label: MetricNames.transitions, dimensions: [("status", change.to.rawValue)]).increment()
            guard logger.logLevel <= .info else { continue }
            var metadata: Logger.Metadata = [
                "run_id": "\(change.runID)", "status": "\(change.to)",
                "from": "\(change.from.map(\.rawValue) ?? "submitted")",
            ]
            if let success = update.snapshot.success { metadata["success"] = "\(success)" }
            logger.info("run \(change.runID): \(change.from.map(\.rawValue) ?? "submitted") → \(change.to)", metadata: metadata)
        }
        if !drafts.isEmpty { onEnqueued() }
        await noteAPI("ok", error: nil, at: at)
        let failures = endings.filter { $0.outcome?.isFailure == true }.count
        status.update { line in
            line.api = .ok
            line.ended += endings.count
            line.failed += failures
        }
        publishCounts()
    }

    private func noteOddities(_ snapshot: RunSnapshot) {
        if case .unknown(let value) = snapshot.status {
            Counter(label: MetricNames.unknownStatuses, dimensions: [("status", value)]).increment()
            let first = state.withLock { $0.unknownStatuses.insert(value).inserted }
            if first {
                logger.warning("API reported an unknown run status; treating it as not finished", metadata: ["status": "\(value)", "run_id": "\(snapshot.id)"])
                let all = state.withLock { $0.unknownStatuses.sorted() }
                status.update { $0.unknownStatuses = all }
            }
        }
        if !snapshot.anomalies.isEmpty {
            logger.debug("run object had fields of unexpected types", metadata: ["run_id": "\(snapshot.id)", "fields": "\(snapshot.anomalies.joined(separator: ", "))"])
        }
    }

    private func publishCounts() {
        let watching = watchedCount
        let sweep = effectiveSweepPeriod
        let changed = state.withLock { state -> Bool in
            // Report when the sweep stretches or shrinks by more than 10%.
            let old = state.reportedSweep.secondsDouble
            guard abs(sweep.secondsDouble - old) > 0.1 * max(old, 0.001) else { return false }
            state.reportedSweep = sweep
            return true
        }
        if changed, sweep > settings.policy.pollInterval {
            logger.notice("request budget cannot poll every run each poll_interval; intervals stretch evenly", metadata: [
                "watching": "\(watching)", "effective_sweep": "\(DurationText.format(sweep))",
                "poll_interval": "\(DurationText.format(settings.policy.pollInterval))",
            ])
        }
        status.update {
            $0.watching = watching
            $0.sweepPeriod = DurationText.format(sweep)
        }
    }
}
