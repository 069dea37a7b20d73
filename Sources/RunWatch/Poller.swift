import Foundation
import Logging
import Metrics
import RunWatchCore
import ServiceLifecycle
import Synchronization

/// Polls the bulk endpoint for every watched run until it ends.
///
/// Decisions (which runs, backoff delays, what a status means) come from the pure core;
/// this type does the waiting, the HTTP and the committing. Requests are sequential and
/// spaced by `1 / max_requests_per_second`; no request is sent while a Retry-After or a
/// backoff is running.
public final class Poller: Service {
    public struct Settings: Sendable {
        public var pollInterval: Duration
        public var batchSize: Int
        public var maxRequestsPerSecond: Double
        public var backoff: BackoffPolicy
        public var keyRejectedRetry: Duration

        public init(_ api: Configuration.API) {
            pollInterval = api.pollInterval
            batchSize = api.batchSize
            maxRequestsPerSecond = api.maxRequestsPerSecond
            backoff = BackoffPolicy(base: api.backoffBase, cap: api.backoffCap)
            keyRejectedRetry = api.keyRejectedRetry
        }
    }

    private struct State {
        var schedule = PollSchedule()
        var runs: [RunID: RunState] = [:]
        var batchSize: Int
        var notBefore: Date = .distantPast
        var consecutiveFailures = 0
        var keyRejected = false
        var unknownStatusesLogged: Set<String> = []
    }

    private let settings: Settings
    private let client: CekuraClient
    private let store: any RunStore
    private let routes: [NotifierRoute]
    private let status: StatusBoard
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let random: @Sendable () -> Double
    private let onEnqueued: @Sendable () -> Void
    private let state: Mutex<State>
    private let doorbell = Doorbell()

    private let requests = Counter(label: "runwatch_api_requests_total")
    private let transitions = Counter(label: "runwatch_transitions_total")
    private let malformed = Counter(label: "runwatch_api_malformed_runs_total")

    public init(
        settings: Settings, client: CekuraClient, store: any RunStore, routes: [NotifierRoute],
        status: StatusBoard, logger: Logger, now: @escaping @Sendable () -> Date,
        random: @escaping @Sendable () -> Double, onEnqueued: @escaping @Sendable () -> Void
    ) {
        self.settings = settings
        self.client = client
        self.store = store
        self.routes = routes
        self.status = status
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
            for (id, run) in active {
                state.runs[id] = run
                state.schedule.add(id, dueAt: at)
            }
        }
        publishCounts()
    }

    /// Starts watching newly ingested runs: due now.
    public func watch(_ ids: [RunID]) {
        guard !ids.isEmpty else { return }
        let at = now()
        state.withLock { state in
            for id in ids where state.runs[id] == nil {
                state.runs[id] = RunState()
                state.schedule.add(id, dueAt: at)
            }
        }
        publishCounts()
        doorbell.ring()
    }

    public var watchedCount: Int { state.withLock { $0.schedule.count } }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let at = now()
            let (wakeAt, batch) = state.withLock { state -> (Date?, [RunID]) in
                if state.notBefore > at { return (state.notBefore, []) }
                let batch = state.schedule.takeDue(now: at, limit: state.batchSize)
                if batch.isEmpty { return (state.schedule.nextDueDate(), []) }
                // Spacing request starts keeps us inside the budget even at start-up
                // with a full backlog, and after an outage ends.
                state.notBefore = at.addingTimeInterval(1 / settings.maxRequestsPerSecond)
                return (nil, batch)
            }
            if batch.isEmpty {
                // Idle: sleep until the next run falls due, a new run arrives, or shutdown.
                let wait = wakeAt.map { max(0, $0.timeIntervalSince(at)) } ?? 3600
                await sleep(seconds: wait)
                continue
            }
            requests.increment()
            let answer = await client.fetch(batch, now: now)
            await handle(answer, batch: batch)
        }
        logger.info("poller stopped", metadata: ["watching": "\(watchedCount)"])
    }

    private func sleep(seconds: Double) async {
        await withGracefulShutdownHandler {
            await doorbell.wait(timeout: .secondsDouble(seconds))
        } onGracefulShutdown: {
            self.doorbell.ring()
        }
    }

    // MARK: Answers

    private func handle(_ answer: BulkAnswer, batch: [RunID]) async {
        let at = now()
        switch answer {
        case .runs(let decoded):
            await apply(decoded, batch: batch, at: at)

        case .rateLimited(let retryAfter):
            let wait = retryAfter ?? backoffDelay(at: at)
            block(batch: batch, until: at.addingTimeInterval(wait.secondsDouble), reason: "HTTP 429")
            logger.warning("API rate limit (429); waiting before the next request", metadata: [
                "retry_after_s": "\(retryAfter.map { String(format: "%.1f", $0.secondsDouble) } ?? "none")",
                "wait_s": "\(String(format: "%.1f", wait.secondsDouble))",
            ])

        case .retryable(let reason):
            let wait = backoffDelay(at: at)
            block(batch: batch, until: at.addingTimeInterval(wait.secondsDouble), reason: reason)
            logger.warning("API request failed; backing off", metadata: [
                "error": "\(reason)", "wait_s": "\(String(format: "%.1f", wait.secondsDouble))",
            ])

        case .keyRejected(let code, let detail):
            let first = state.withLock { state -> Bool in
                defer { state.keyRejected = true }
                return !state.keyRejected
            }
            block(batch: batch, until: at.addingTimeInterval(settings.keyRejectedRetry.secondsDouble), reason: nil)
            status.update { $0.api = .keyRejected }
            if first {
                logger.error("API key rejected; polling paused, all state kept. Fix the key and restart.", metadata: [
                    "http_status": "\(code)", "detail": "\(detail)",
                    "retry_in": "\(DurationText.format(settings.keyRejectedRetry))",
                ])
            }

        case .batchRefused(let code, let detail):
            let halved = max(1, batch.count / 2)
            if batch.count > 1 {
                state.withLock { state in
                    state.batchSize = halved
                    for id in batch { state.schedule.schedule(id, at: at) }
                }
                logger.warning("API refused a batch; using smaller batches from now on", metadata: [
                    "http_status": "\(code)", "detail": "\(detail)", "batch_size": "\(halved)",
                ])
            } else {
                let wait = backoffDelay(at: at)
                block(batch: batch, until: at.addingTimeInterval(wait.secondsDouble), reason: "HTTP \(code): \(detail)")
                logger.warning("API refused a single-id request; backing off", metadata: ["http_status": "\(code)", "detail": "\(detail)"])
            }
        }
    }

    private func backoffDelay(at: Date) -> Duration {
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
        let asked = Set(batch)
        var seen: Set<RunID> = []
        var updates: [RunUpdate] = []
        let previous = state.withLock { state in batch.reduce(into: [RunID: RunState]()) { $0[$1] = state.runs[$1] } }
        for item in decoded {
            switch item {
            case .run(let snapshot):
                guard asked.contains(snapshot.id), seen.insert(snapshot.id).inserted else { continue }
                let update = TransitionTracker.observe(snapshot, previous: previous[snapshot.id] ?? RunState(), at: at)
                if update.current != update.previous { updates.append(update) }
                noteOddities(snapshot)
            case .malformed(let id, let reason):
                malformed.increment()
                logger.warning("skipped a malformed run object", metadata: ["run_id": "\(id.map(String.init) ?? "unknown")", "reason": "\(reason)"])
            }
        }

        let ended = updates.filter { $0.outcome != nil }
        var drafts: [OutboxDraft] = []
        do {
            if !ended.isEmpty, !routes.isEmpty {
                let routing = try await store.routing(for: ended.map(\.snapshot.id))
                for update in ended {
                    guard let outcome = update.outcome else { continue }
                    let route = routing[update.snapshot.id] ?? RunRouting()
                    let alert = RunAlert(outcome: outcome, run: update.snapshot, previousStatus: update.previous.status, endedAt: at, labels: route.labels)
                    drafts += NotifierRoute.drafts(for: alert, routing: route, routes: routes)
                }
            }
            try await store.record(PollRecord(at: at, updates: updates, messages: drafts))
        } catch {
            // Nothing was committed: keep the old state and ask again next interval.
            logger.error("cannot record poll answer in the store", metadata: ["error": "\(error)"])
            state.withLock { state in
                for id in batch { state.schedule.schedule(id, at: at.addingTimeInterval(settings.pollInterval.secondsDouble)) }
            }
            return
        }

        let nextDue = at.addingTimeInterval(settings.pollInterval.secondsDouble)
        state.withLock { state in
            state.consecutiveFailures = 0
            state.keyRejected = false
            for update in updates {
                state.runs[update.snapshot.id] = update.current
            }
            for id in batch {
                if state.runs[id]?.isTerminal == true {
                    state.schedule.remove(id)
                    state.runs[id] = nil
                } else {
                    state.schedule.schedule(id, at: nextDue)
                }
            }
        }
        for update in updates {
            guard let change = update.transition else { continue }
            transitions.increment()
            var metadata: Logger.Metadata = [
                "run_id": "\(change.runID)", "status": "\(change.to)",
                "from": "\(change.from.map(\.rawValue) ?? "submitted")",
            ]
            if let success = update.snapshot.success { metadata["success"] = "\(success)" }
            logger.info("run \(change.runID): \(change.from.map(\.rawValue) ?? "submitted") → \(change.to)", metadata: metadata)
        }
        if !drafts.isEmpty { onEnqueued() }
        let failures = ended.filter { $0.outcome?.isFailure == true }.count
        status.update { line in
            line.api = .ok
            line.ended += ended.count
            line.failed += failures
        }
        publishCounts()
    }

    private func noteOddities(_ snapshot: RunSnapshot) {
        if case .unknown(let value) = snapshot.status {
            let first = state.withLock { $0.unknownStatusesLogged.insert(value).inserted }
            if first {
                logger.warning("API reported an unknown run status; treating it as not finished", metadata: ["status": "\(value)", "run_id": "\(snapshot.id)"])
            }
        }
        if !snapshot.anomalies.isEmpty {
            logger.debug("run object had fields of unexpected types", metadata: ["run_id": "\(snapshot.id)", "fields": "\(snapshot.anomalies.joined(separator: ", "))"])
        }
    }

    private func publishCounts() {
        let watching = watchedCount
        status.update { $0.watching = watching }
    }
}
