import Foundation

/// When the next bulk request may start, which runs it asks about, and what each kind
/// of answer means for the requests after it.
///
/// A value type driven by events, after postgres-nio's `PoolStateMachine`: the `Poller`
/// holds one under a lock, feeds it what happened and runs the actions it returns (the
/// waiting, the HTTP, the committing). Time is a monotonic instant and randomness a
/// number, both inputs, so every rule is a table test that takes microseconds. Wall-clock
/// steps (NTP, an operator's `date -s`) cannot stall polling: nothing here reads `Date`.
///
/// The rules:
/// - Request starts are spaced by `1.1 / max_requests_per_second` (a 10% margin, so the
///   server's arrival jitter never makes the budget look exceeded), at start-up with a
///   full backlog and after an outage alike.
/// - A 429 closes the gate for Retry-After (or a backoff if it gave none). 5xx, 408,
///   broken bodies and connection errors: a lone one is retried at the next budgeted
///   start; from the second in a row, a full-jitter backoff whose ceiling doubles with
///   each. Any answer that is read resets the count.
/// - 401/403 pause polling for `key_rejected_retry` (or until a reload), state kept.
/// - 414 on a batch of several ids halves the batch size for good (it is about size).
/// - One bad id must not hold back the rest (`PollGate+Bisection.swift`): a batch whose
///   request failed becomes a *suspect*, polled alone with a backoff of its own, so the
///   other runs keep their schedule at full size. A 400 splits it in halves at once (it is
///   about the ids); a 5xx splits it when it fails again after the API answered another
///   request meanwhile (the failure follows the ids). An id alone that fails so twice
///   ends as `rejected`. Failures of suspects never close the gate for everyone.
/// - The batch of a refused request keeps its place at the front of the queue, unless it
///   failed twice in a row: then it goes behind the runs already waiting.
/// - A reload ends a key pause or a backoff, not the server's Retry-After or the spacing.
/// - Other requests on the key (result reads) reserve their start here too
///   (`PollGate+Reservations.swift`): one budget for every request.
package struct PollGate: Sendable {
    /// The reason of a backoff a 429 caused: `STATUS=` and the console tell it apart.
    package static let rateLimitedReason = "rate limited (429)"

    package typealias Instant = ContinuousClock.Instant

    package struct Settings: Sendable, Equatable {
        package var requestsPerSecond: Double
        package var batchSize: Int
        package var backoff: BackoffPolicy
        package var keyRejectedRetry: Duration

        package init(requestsPerSecond: Double, batchSize: Int, backoff: BackoffPolicy, keyRejectedRetry: Duration) {
            self.requestsPerSecond = requestsPerSecond
            self.batchSize = batchSize
            self.backoff = backoff
            self.keyRejectedRetry = keyRejectedRetry
        }

        /// Least time between two request starts.
        package var spacing: Duration { .secondsDouble(1.1 / requestsPerSecond) }
    }

    /// What one request's answer was, as far as the gate cares.
    package enum Event: Sendable, Equatable {
        /// A 2xx that was read (however many of its run objects were usable).
        case answered
        /// 429, with the server's wait if it gave one (already capped).
        case rateLimited(retryAfter: Duration?)
        /// 5xx, 408, a broken body, a connection error: worth retrying later.
        case failed(reason: String)
        /// 401/403.
        case keyRejected(status: Int, detail: String)
        /// 414: the list of ids was too long.
        case batchTooBig(status: Int, detail: String)
        /// 400: the server refused the request's ids (one of them, if others are answered).
        case refused(status: Int, detail: String)
    }

    /// What the driver does after an event. The batch has already been put back in the
    /// schedule where the action says; the driver logs, records and reports.
    package enum Action: Sendable, Equatable {
        /// The answer counts: the driver applies it and reschedules each run by its status.
        case apply
        /// No request of any kind before `until`; the batch goes first after that.
        case backOff(until: Instant, wait: Duration, reason: String)
        /// Smaller batches from now on; the batch is due again at once.
        case halve(to: Int)
        /// The key was refused: polling pauses until `until` or a reload. `first` is true
        /// only for the first refusal in a row (log it once, not every retry).
        case pause(until: Instant, first: Bool)
        /// Only this batch waits until `until` (its own backoff); every other run is polled
        /// on schedule. `condition` says whether the API as a whole looks down.
        case holdBack(until: Instant, wait: Duration, reason: String)
        /// The batch failed on its ids: these halves are polled apart from now on.
        case bisect(into: [[RunID]], reason: String)
        /// The API refuses to report this id while it answers others: the run ends as
        /// `rejected`, with `reason` (bounded and printable) saying why.
        case reject(RunID, reason: String)
    }

    /// The API as the gate sees it, for `STATUS=`, `runwatch status` and the console.
    package enum Condition: Sendable, Equatable {
        case ok
        case backingOff(until: Instant, reason: String)
        case keyRejected(until: Instant)
    }

    /// What a worker should do now.
    package enum Step: Sendable, Equatable {
        /// Ask about these runs (the gate has charged the request to the budget).
        case poll([RunID])
        /// Nothing to do before this instant (nil: until a run is added).
        case wait(until: Instant?)
    }

    package private(set) var settings: Settings
    package private(set) var batchSize: Int
    package internal(set) var condition: Condition = .ok
    /// Failures in a row of requests for ordinary batches (suspects have their own count).
    package private(set) var consecutiveFailures = 0
    /// No request starts before this: the budget's spacing, a backoff or a pause.
    package internal(set) var opensAt: Instant?
    /// When the last request started (a reload keeps the spacing from it).
    var lastStart: Instant?
    /// A result read asked for the next slot and was told to wait: until this instant the
    /// slot is its, so busy poll workers cannot starve it (`PollGate+Reservations.swift`).
    var claimedUntil: Instant?
    /// The end of the backoff, Retry-After or pause in force (not the spacing): until
    /// then an answer to a request sent earlier does not make the API look fine.
    var heldUntil: Instant?
    /// The end of the server's own Retry-After, which a reload does not cut short.
    private var retryAfterUntil: Instant?
    package internal(set) var schedule = PollSchedule()
    /// Batches polled apart because their request failed (see `PollGate+Bisection.swift`).
    package internal(set) var suspects = SuspectBatches()
    /// Requests for ordinary batches (not suspects) answered and failed so far: a suspect
    /// that fails while ordinary requests are answered, and none failed, since it last
    /// failed, fails on its own ids.
    package private(set) var ordinaryAnswers = 0
    package private(set) var ordinaryFailures = 0
    /// Requests of any kind answered so far (is the API up at all?).
    package private(set) var allAnswers = 0

    package init(settings: Settings) {
        self.settings = settings
        self.batchSize = settings.batchSize
    }

    // MARK: Runs

    /// Runs being watched (due or in flight).
    package var watching: Int { schedule.count + suspects.count }

    /// Starts watching `ids`, due at `now` (ids already watched keep their time).
    package mutating func watch(_ ids: some Collection<RunID>, at now: Instant) {
        schedule.addAll(ids.filter { !suspects.contains($0) }, dueAt: now)
    }

    /// Asks about `id` again after `interval` (after an answer covered it).
    package mutating func reschedule(_ id: RunID, after interval: Duration, at now: Instant) {
        suspects.remove(id)
        schedule.schedule(id, at: now + interval)
    }

    /// Stops watching `id` (it ended, or was forgotten).
    package mutating func finish(_ id: RunID) {
        schedule.remove(id)
        suspects.remove(id)
    }

    // MARK: Requests

    /// The next step for an idle worker at `now`: a batch to ask about (charging the
    /// request to the budget), or how long to wait.
    package mutating func next(at now: Instant) -> Step {
        if let opensAt, opensAt > now { return .wait(until: opensAt) }
        if let claimedUntil, claimedUntil > now { return .wait(until: claimedUntil) }
        let waiting = schedule.nextDue()
        let suspect = suspects.first()
        var batch: [RunID]
        if let suspect, suspect.due <= now, waiting.map({ suspect.due <= $0 }) ?? true {
            // A suspect due no later than the most overdue run goes first, alone.
            batch = suspects.take(suspect.key)
        } else {
            batch = schedule.takeDue(now: now, limit: batchSize)
        }
        guard !batch.isEmpty else {
            return .wait(until: [schedule.nextDue(), suspects.first()?.due].compactMap { $0 }.min())
        }
        opensAt = now + settings.spacing
        lastStart = now
        return .poll(batch)
    }

    /// What `event`, the answer to the request for `batch`, means. `unitRandom` in [0, 1)
    /// draws the backoff's jitter.
    package mutating func handle(_ event: Event, for batch: [RunID], at now: Instant, unitRandom: Double) -> Action {
        let suspect = suspects.key(of: batch)
        switch event {
        case .answered:
            consecutiveFailures = 0
            allAnswers += 1
            if suspect == nil { ordinaryAnswers += 1 }
            // Answered: not a bad batch after all. Its runs go back to the schedule, in
            // flight, for the driver to reschedule by their status.
            if let suspect { schedule.adopt(suspects.dissolve(suspect), at: now) }
            // An answer to a request sent before a pause or backoff began says nothing
            // about now: the gate stays held (and says so) until its time is up.
            if heldUntil.map({ $0 <= now }) ?? true {
                heldUntil = nil
                condition = .ok
            }
            return .apply

        case .rateLimited(let retryAfter):
            let wait = retryAfter ?? backoffDelay(unitRandom)
            if retryAfter != nil { retryAfterUntil = max(retryAfterUntil ?? now + wait, now + wait) }
            // A 429 is about the client, not the batch: the batch keeps its place.
            return backOff(batch, for: wait, at: now, reason: Self.rateLimitedReason, keepPlace: true)

        case .failed(let reason):
            if suspect == nil { ordinaryFailures += 1 }
            if let suspect { return suspectFailed(suspect, reason: reason, refused: false, at: now, unitRandom: unitRandom) }
            // A lone failure among answers (one 503, one cut-off body) is retried at the
            // next budgeted start: the budget already keeps us polite, and waiting on top
            // of it only delays every run (measured: p99 detection 1.73× the sweep under
            // 10% 5xx with, 1.3× without). Failures in a row back off as usual.
            // Only the first failure in a row keeps the batch's place: a batch that fails
            // every time (one run the API chokes on) must not hold every other run back.
            // The batch becomes a suspect, so that a failure that follows its ids is seen.
            let wait = backoffDelay(unitRandom, graceFirst: true)
            return backOff(batch, for: wait, at: now, reason: reason, keepPlace: consecutiveFailures == 1, failed: true)

        case .keyRejected:
            let first: Bool
            if case .keyRejected = condition { first = false } else { first = true }
            let until = now + settings.keyRejectedRetry
            close(until: until, putting: batch, keepPlace: true)
            condition = .keyRejected(until: until)
            return .pause(until: until, first: first)

        case .batchTooBig where batch.count > 1:
            // About size, not ids: smaller batches for everyone, and these runs at once.
            batchSize = min(batchSize, batch.count / 2)
            if let suspect {
                // Back into the ordinary schedule, in its place, to be asked in smaller batches.
                let place = suspects[suspect]?.takenDue ?? now
                for id in suspects.dissolve(suspect) { schedule.schedule(id, at: place) }
            } else {
                for id in batch { schedule.requeue(id) }
            }
            return .halve(to: batchSize)

        case .batchTooBig(let status, let detail), .refused(let status, let detail):
            if suspect == nil { ordinaryFailures += 1 }
            let reason = "HTTP \(status): \(detail)"
            let key = suspect ?? formSuspect(batch, due: nil, failures: 0, at: now)
            return suspectFailed(key, reason: reason, refused: true, at: now, unitRandom: unitRandom)
        }
    }

    /// The answer could not be recorded (the store failed): nothing changed, so the batch
    /// is asked about again after `interval`. Not the API's fault: no backoff.
    package mutating func retryLater(_ batch: [RunID], after interval: Duration, at now: Instant) {
        for id in batch { schedule.schedule(id, at: now + interval) }
    }

    /// A reload: new budget and batch size; an operator who reloads after fixing a key or
    /// an outage wants it tried now, so a key pause or a backoff ends. The server's own
    /// Retry-After and the budget's spacing from the last start still hold, and a batch
    /// size halved because the API refused it stays halved unless `batch_size` changed.
    package mutating func reconfigure(_ settings: Settings, at now: Instant) {
        let batchSizeChanged = settings.batchSize != self.settings.batchSize
        self.settings = settings
        batchSize = batchSizeChanged ? settings.batchSize : min(batchSize, settings.batchSize)
        // Suspects stay apart (the bad id is still being looked for), but their own
        // backoffs end like the gate's.
        suspects.endBackoffs(at: now)
        guard condition != .ok || consecutiveFailures > 0 else { return }
        consecutiveFailures = 0
        let spacingEnd = lastStart.map { $0 + settings.spacing }
        if let retryAfterUntil, retryAfterUntil > now {
            opensAt = max(retryAfterUntil, spacingEnd ?? retryAfterUntil)
            heldUntil = retryAfterUntil
            condition = .backingOff(until: retryAfterUntil, reason: Self.rateLimitedReason)
        } else {
            opensAt = spacingEnd
            heldUntil = nil
            condition = .ok
        }
    }

    /// The wait after one more failure in a row. With `graceFirst`, the first failure
    /// waits nothing beyond the spacing and the ceiling starts growing from the second.
    mutating func backoffDelay(_ unitRandom: Double, graceFirst: Bool = false) -> Duration {
        consecutiveFailures += 1
        let attempt = graceFirst ? consecutiveFailures - 1 : consecutiveFailures
        return settings.backoff.delay(attempt: attempt, unitRandom: unitRandom)
    }

    private mutating func backOff(
        _ batch: [RunID], for wait: Duration, at now: Instant, reason: String, keepPlace: Bool, failed: Bool = false
    )
        -> Action
    {
        let until = now + wait
        close(until: until, putting: batch, keepPlace: keepPlace, failed: failed)
        if case .keyRejected = condition {} else { condition = .backingOff(until: opensAt ?? until, reason: reason) }
        return .backOff(until: opensAt ?? until, wait: wait, reason: reason)
    }

    /// No request before `until` (a longer closure already in force stays). With
    /// `keepPlace` the batch keeps the due times it had, so it goes first when the gate
    /// opens, whether at `until` or earlier after a reload: the closed gate, not the
    /// schedule, holds it back. (Due at `until` instead, a refused batch went behind every
    /// run that fell due while it was in flight and waited a whole extra sweep: p99
    /// detection 1.57× the sweep under 10% 5xx.) Without, it is due at `until`, behind the
    /// runs already waiting. A batch whose request failed is then polled alone (a
    /// suspect), so that a failure that follows its ids can be told from one of the API.
    private mutating func close(until: Instant, putting batch: [RunID], keepPlace: Bool, failed: Bool = false) {
        opensAt = max(opensAt ?? until, until)
        heldUntil = max(heldUntil ?? until, until)
        if let suspect = suspects.key(of: batch) {
            suspects.putBack(suspect, due: keepPlace ? nil : until)
        } else if failed {
            formSuspect(batch, due: keepPlace ? nil : until, failures: 1, at: until)
        } else {
            for id in batch {
                if keepPlace { schedule.requeue(id) } else { schedule.schedule(id, at: until) }
            }
        }
    }
}
