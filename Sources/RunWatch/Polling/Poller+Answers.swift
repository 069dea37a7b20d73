import Foundation
import Logging
import Metrics
import RunWatchCore

/// What the poller does with one answer: the gate's verdict, then for a readable answer
/// the tracker's reading of every run, the alerts it routes, and one store transaction.
extension Poller {
    func handle(_ answer: BulkAnswer, batch: [RunID]) async {
        let at = ContinuousClock.now
        let wall = now()
        let event: PollGate.Event
        switch answer {
        case .runs: event = .answered
        case .rateLimited(let retryAfter): event = .rateLimited(retryAfter: retryAfter)
        case .retryable(let reason): event = .failed(reason: reason)
        case .keyRejected(let code, let detail): event = .keyRejected(status: code, detail: detail)
        case .batchRefused(let code, let detail):
            // 414 is about the length of the list; 400 about the ids in it.
            event = code == 414 ? .batchTooBig(status: code, detail: detail) : .refused(status: code, detail: detail)
        }
        countRequest(answer)
        if case .rateLimited = answer {
            activity?.record(.request(throttled: true), at: wall)
        } else {
            activity?.record(.request(throttled: false), at: wall)
        }
        let unitRandom = random()
        let (action, condition) = state.withLock { ($0.gate.handle(event, for: batch, at: at, unitRandom: unitRandom), $0.gate.condition) }

        switch (action, answer) {
        case (.apply, .runs(let decoded)):
            await apply(decoded, batch: batch, at: wall, monotonic: at)

        case (.apply, _):
            break  // Only a read answer is `.answered`.

        case (.backOff(let until, let wait, let reason), _):
            backoffSeconds.increment(by: wait.secondsDouble)
            let untilText = Self.wallClockText(until, at: at, wall: wall)
            if case .rateLimited(let retryAfter) = answer {
                // Told apart from other backoffs: the console and `STATUS=` say "rate limited".
                status.update { $0.api = .rateLimited(until: untilText) }
                rateLimited.increment()
                await noteAPI("backing off until \(untilText)", error: "HTTP 429", at: wall)
                logger.warning(
                    "API rate limit (429); no request until the wait is over",
                    metadata: [
                        "retry_after_s": "\(retryAfter.map { String(format: "%.1f", $0.secondsDouble) } ?? "none")",
                        "wait_s": "\(String(format: "%.1f", wait.secondsDouble))",
                    ])
            } else {
                status.update { $0.api = .backingOff(until: untilText, reason: String(reason.prefix(80))) }
                await noteAPI("backing off until \(untilText)", error: reason, at: wall)
                logger.warning(
                    "API request failed; backing off",
                    metadata: [
                        "error": "\(reason)", "wait_s": "\(String(format: "%.1f", wait.secondsDouble))",
                    ])
            }

        case (.pause(_, let first), _):
            guard case .keyRejected(let code, let detail) = answer else { break }
            status.update { $0.api = .keyRejected }
            await noteAPI("key rejected", error: "HTTP \(code): \(detail)", at: wall)
            if first {
                logger.error(
                    "API key rejected; polling paused, all state kept. Fix the key, then reload (api_key_file, environment) or restart (systemd credential).",
                    metadata: [
                        "http_status": "\(code)", "detail": "\(detail)",
                        "retry_in": "\(DurationText.format(settings.gate.keyRejectedRetry))",
                    ])
            }

        case (.halve(let size), _):
            guard case .batchRefused(let code, let detail) = answer else { break }
            logger.warning(
                "API refused a batch as too large; using smaller batches from now on",
                metadata: [
                    "http_status": "\(code)", "detail": "\(detail)", "batch_size": "\(size)",
                ])

        case (.holdBack(let until, let wait, let reason), _):
            // Only this batch waits. If nothing else was answered since, the API itself
            // looks down, and the gate says so.
            if case .backingOff(let heldUntil, let why) = condition {
                let untilText = Self.wallClockText(heldUntil, at: at, wall: wall)
                status.update {
                    $0.api =
                        why == PollGate.rateLimitedReason
                        ? .rateLimited(until: untilText) : .backingOff(until: untilText, reason: String(why.prefix(80)))
                }
                await noteAPI("backing off until \(untilText)", error: why, at: wall)
            }
            logger.notice(
                "a batch polled alone failed again; it waits on its own, the other runs are polled on schedule",
                metadata: [
                    "runs": "\(batch.count)", "error": "\(reason)", "wait_s": "\(String(format: "%.1f", wait.secondsDouble))",
                    "until": "\(Self.wallClockText(until, at: at, wall: wall))",
                ])

        case (.bisect(let halves, let reason), _):
            logger.notice(
                "a request failed on its ids; polling its halves apart to find the run the API fails on",
                metadata: ["runs": "\(batch.count)", "halves": "\(halves.map(\.count))", "error": "\(reason)"])

        case (.reject(let id, let reason), _):
            await reject(id, reason: reason, at: wall, monotonic: at)
        }
        // A run whose requests keep failing must still end at its deadline.
        if action != .apply { await expireOverdue(batch, at: wall, monotonic: at) }
    }

    /// Ends a run the API refuses to report (the gate isolated it) as `rejected`.
    private func reject(_ id: RunID, reason: String, at: Date, monotonic: ContinuousClock.Instant) async {
        guard let run = state.withLock({ $0.runs[id] }) else { return }
        logger.warning(
            "run \(id): the API refuses to report it while it answers other runs; it ends as rejected",
            metadata: ["run_id": "\(id)", "reason": "\(reason)"])
        let (_, update) = RunTracker.reject(id, run: run, reason: reason, at: at)
        if !(await end([update], runs: [id: run], at: at)) {
            // Not recorded: the gate let go of it, so it is watched (and isolated) again.
            state.withLock { $0.gate.retryLater([id], after: settings.policy.pollInterval, at: monotonic) }
        }
    }

    /// Ends the runs of a failed request that are past their `watch.deadline` as `expired`:
    /// without this, a run whose every request fails would be watched for ever.
    private func expireOverdue(_ batch: [RunID], at: Date, monotonic: ContinuousClock.Instant) async {
        let policy = settings.policy
        let (updates, runs) = state.withLock { state in
            var updates: [RunUpdate] = []
            var runs: [RunID: TrackedRun] = [:]
            for id in batch {
                guard let run = state.runs[id], let (_, update) = RunTracker.expireIfDue(run: run, id: id, at: at, policy: policy) else { continue }
                updates.append(update)
                runs[id] = run
            }
            return (updates, runs)
        }
        guard !updates.isEmpty else { return }
        _ = await end(updates, runs: runs, at: at)
    }

    /// Records runs that end without an answer about them (runwatch's own ends), with
    /// their alerts, in one transaction; then stops watching them. False if not recorded.
    private func end(_ updates: [RunUpdate], runs: [RunID: TrackedRun], at: Date) async -> Bool {
        let drafts = NotifierRoute.drafts(
            for: updates, runs: runs, routes: routes, at: at, links: settings.links,
            console: settings.consoleLinks)
        do {
            _ = try await store.record(PollRecord(at: at, polled: Array(runs.keys), updates: updates, messages: drafts))
        } catch {
            logger.error("cannot record the end of runs in the store", metadata: ["error": "\(error)"])
            return false
        }
        state.withLock { state in
            for id in runs.keys {
                state.gate.finish(id)
                state.runs[id] = nil
            }
        }
        logTransitions(updates)
        if !drafts.isEmpty { onEnqueued() }
        onRunsChanged()
        let failures = updates.filter { $0.outcome?.isFailure == true }.count
        status.update { line in
            line.ended += updates.count
            line.failed += failures
        }
        publishCounts()
        return true
    }

    /// A monotonic instant as wall-clock text, for people (`STATUS=`, logs, the store).
    static func wallClockText(_ instant: ContinuousClock.Instant, at now: ContinuousClock.Instant, wall: Date) -> String {
        wall.addingTimeInterval((instant - now).secondsDouble).formatted(.iso8601)
    }

    private func countRequest(_ answer: BulkAnswer) {
        let outcome =
            switch answer {
            case .runs: "ok"
            case .rateLimited: "rate_limited"
            case .retryable: "failed"
            case .keyRejected: "key_rejected"
            case .batchRefused: "batch_refused"
            }
        Counter(label: MetricNames.apiRequests, dimensions: [("outcome", outcome)]).increment()
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

    private func apply(_ decoded: [DecodedRun], batch: [RunID], at: Date, monotonic: ContinuousClock.Instant) async {
        let policy = settings.policy
        let previous = state.withLock { state in batch.reduce(into: [RunID: TrackedRun]()) { $0[$1] = state.runs[$1] } }
        let reading = AnswerReading.read(decoded, batch: batch, runs: previous, at: at, policy: policy)
        for (id, reason) in reading.malformed {
            malformed.increment()
            logger.warning("skipped a malformed run object", metadata: ["run_id": "\(id.map(String.init) ?? "unknown")", "reason": "\(reason)"])
        }
        for snapshot in reading.seen { noteOddities(snapshot) }

        var updates = reading.updates
        var ended = reading.ended
        let endings = updates.filter { $0.outcome != nil }
        var drafts: [OutboxDraft] = []
        do {
            let routes = self.routes
            drafts = NotifierRoute.drafts(
                for: updates, runs: previous, routes: routes, at: at, links: settings.links,
                console: settings.consoleLinks)
            let forgotten = try await store.record(PollRecord(at: at, polled: batch, updates: updates, messages: drafts))
            // `runwatch forget` removed these while they were being polled.
            ended.formUnion(forgotten)
            updates.removeAll { forgotten.contains($0.snapshot.id) }
        } catch {
            // Nothing was committed: keep the old state and ask again next interval.
            logger.error("cannot record poll answer in the store", metadata: ["error": "\(error)"])
            state.withLock { $0.gate.retryLater(batch, after: policy.pollInterval, at: monotonic) }
            return
        }

        state.withLock { state in
            for id in batch {
                // A run with no tracked state ended meanwhile (rejected, expired): never
                // put it back in the schedule.
                if ended.contains(id) || state.runs[id] == nil {
                    state.gate.finish(id)
                    state.runs[id] = nil
                    continue
                }
                if let run = reading.next[id] { state.runs[id] = run }
                state.gate.reschedule(id, after: policy.interval(for: state.runs[id]?.state.status), at: monotonic)
            }
        }
        for update in endings {
            guard let run = previous[update.snapshot.id] else { continue }
            let delay = max(0, run.detectionDelay(at: at))
            detectionDelay.recordNanoseconds(Int64(delay * 1e9))
            activity?.record(.detection(delay: delay), at: at)
        }
        logTransitions(updates)
        if !drafts.isEmpty { onEnqueued() }
        if !endings.isEmpty { onRunsChanged() }
        // An answer to a request sent before a pause or backoff began does not end it.
        let apiOK = state.withLock { $0.gate.condition == .ok }
        if apiOK { await noteAPI("ok", error: nil, at: at) }
        let failures = endings.filter { $0.outcome?.isFailure == true }.count
        status.update { line in
            if apiOK { line.api = .ok }
            line.ended += endings.count
            line.failed += failures
        }
        publishCounts()
    }

    private func logTransitions(_ updates: [RunUpdate]) {
        for update in updates {
            guard let change = update.transition else { continue }
            Counter(label: MetricNames.transitions, dimensions: [("status", change.to.metricLabel)]).increment()
            guard logger.logLevel <= .info else { continue }
            var metadata: Logger.Metadata = [
                "run_id": "\(change.runID)", "status": "\(change.to)",
                "from": "\(change.from.map(\.rawValue) ?? "submitted")",
            ]
            if let success = update.snapshot.success { metadata["success"] = "\(success)" }
            logger.info("run \(change.runID): \(change.from.map(\.rawValue) ?? "submitted") → \(change.to)", metadata: metadata)
        }
    }

    /// Distinct unknown statuses logged and shown in `STATUS=`; the rest are only counted.
    static let unknownStatusesShown = 20

    private func noteOddities(_ snapshot: RunSnapshot) {
        if case .unknown(let value) = snapshot.status {
            Counter(label: MetricNames.unknownStatuses, dimensions: [("status", snapshot.status.metricLabel)]).increment()
            // Each new value is logged once, up to a bound: a hostile API could send millions.
            let first = state.withLock { $0.unknownStatuses.count < Self.unknownStatusesShown && $0.unknownStatuses.insert(value).inserted }
            if first {
                logger.warning(
                    "API reported an unknown run status; treating it as not finished",
                    metadata: ["status": "\(UntrustedText.printable(value, limit: 64))", "run_id": "\(snapshot.id)"])
                let all = state.withLock { $0.unknownStatuses.sorted() }
                status.update { $0.unknownStatuses = all }
            }
        }
        if !snapshot.anomalies.isEmpty {
            logger.debug(
                "run object had fields of unexpected types",
                metadata: ["run_id": "\(snapshot.id)", "fields": "\(snapshot.anomalies.joined(separator: ", "))"])
        }
    }

    func publishCounts() {
        let watching = watchedCount
        let sweep = effectiveSweepPeriod
        let changed = state.withLock { state -> Bool in
            // Report when the sweep stretches or shrinks by more than 10%.
            let old = state.reportedSweep.secondsDouble
            guard abs(sweep.secondsDouble - old) > 0.1 * max(old, 0.001) else { return false }
            state.reportedSweep = sweep
            return true
        }
        let pollInterval = settings.policy.pollInterval
        if changed, sweep > pollInterval {
            logger.notice(
                "request budget cannot poll every run each poll_interval; intervals stretch evenly",
                metadata: [
                    "watching": "\(watching)", "effective_sweep": "\(DurationText.format(sweep))",
                    "poll_interval": "\(DurationText.format(pollInterval))",
                ])
        }
        status.update {
            $0.watching = watching
            $0.sweepPeriod = DurationText.format(sweep)
        }
    }
}
