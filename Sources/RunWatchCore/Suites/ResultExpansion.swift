import Foundation

/// What one read of a Cekura result (`GET /test_framework/v2/results/{id}/`) means: the
/// runs to start watching, and whether the result is done creating runs.
///
/// A result grows while Cekura creates its runs (scenario × personality × frequency), so
/// one read is not the whole story. The result is *stable* — no more reads — when
///
/// - its status is terminal and `total_runs_count` is readable and reached (Cekura says
///   it has finished creating runs and we have them all), or
/// - two reads in a row, `api.poll_interval` apart, found the same number of runs, and
///   that number reaches `total_runs_count` when the API gave one.
///
/// It ends as `gave_up` when it is still growing (or never reaches its total) after
/// `maxGrowth` from submission or `maxReads` reads: the runs found so far stay watched.
/// A 404 before any run was seen ends it as `not_found` after `notFoundAfter` reads (a
/// new result can lag behind the `run_scenarios` call that made it). Failed reads back off
/// per result with full jitter. Time and randomness are inputs: table tests.
package enum ResultExpansion {
    package struct Settings: Sendable, Equatable {
        /// Between two reads of a growing result (the daemon uses `api.poll_interval`).
        package var readInterval: Duration
        package var maxGrowth: Duration
        package var maxReads: Int
        package var notFoundAfter: Int
        package var backoff: BackoffPolicy

        package init(
            readInterval: Duration, maxGrowth: Duration = .seconds(1800), maxReads: Int = 200, notFoundAfter: Int = 3,
            backoff: BackoffPolicy = BackoffPolicy(base: .seconds(1), cap: .seconds(300))
        ) {
            self.readInterval = readInterval
            self.maxGrowth = maxGrowth
            self.maxReads = maxReads
            self.notFoundAfter = notFoundAfter
            self.backoff = backoff
        }
    }

    /// What is known of a result between reads (stored in `results`, except the two
    /// streaks, which live in memory: a restart begins them again, costing a few reads).
    package struct Progress: Sendable, Equatable {
        package var runCount: Int
        /// Reads in a row that found the same number of runs as the read before.
        package var stableReads: Int
        /// Reads of any outcome so far.
        package var reads: Int
        package var submittedAt: Date
        /// Failed reads in a row (5xx, broken body, connection): the backoff's attempt.
        package var failures: Int
        /// 404s in a row before any run was seen.
        package var notFoundReads: Int

        package init(runCount: Int = 0, stableReads: Int = 0, reads: Int = 0, submittedAt: Date, failures: Int = 0, notFoundReads: Int = 0) {
            self.runCount = runCount
            self.stableReads = stableReads
            self.reads = reads
            self.submittedAt = submittedAt
            self.failures = failures
            self.notFoundReads = notFoundReads
        }
    }

    /// One read's outcome, as the client classified it.
    package enum Read: Sendable, Equatable {
        /// 2xx and readable: the run ids it lists now, its total if readable, its status.
        case read(ResultBody)
        case notFound
        /// 429: the gate pauses every request; the result is read again when it opens.
        case rateLimited(retryAfter: Duration?)
        /// Anything else worth retrying (5xx, 408, broken body, connection, 401/403).
        case failed(reason: String)
    }

    /// Where a result is after a read. `expanding` is the stored state of a result still
    /// being read; the others are final.
    package enum State: String, Sendable, Equatable {
        case expanding
        case stable
        case gaveUp = "gave_up"
        case notFound = "not_found"
    }

    package struct Decision: Sendable, Equatable {
        package var progress: Progress
        package var state: State
        /// Next read (meaningful while `expanding`).
        package var nextReadAt: Date
        /// Why it ended or why the last read failed (bounded, printable), for `show` and logs.
        package var reason: String?
    }

    package static func decide(_ read: Read, progress old: Progress, settings: Settings, now: Date, unitRandom: Double) -> Decision {
        var progress = old
        progress.reads += 1
        let again = now.addingTimeInterval(settings.readInterval.secondsDouble)
        var state = State.expanding
        var next = again
        var reason: String?
        switch read {
        case .read(let body):
            progress.failures = 0
            progress.notFoundReads = 0
            let count = body.runIDs.count
            progress.stableReads = (old.reads > 0 && count == old.runCount) ? old.stableReads + 1 : 0
            progress.runCount = count
            let reachedTotal = body.totalRuns.map { count >= $0 } ?? true
            let hasRuns = count > 0 || body.totalRuns == 0
            if let status = body.status, RunStatus.terminal.contains(status), let total = body.totalRuns, count >= total {
                state = .stable
            } else if progress.stableReads >= 1, reachedTotal, hasRuns {
                state = .stable
            }
            if state == .expanding, !body.skipped.isEmpty {
                reason = "skipped \(body.skipped.count) entr\(body.skipped.count == 1 ? "y" : "ies") of 'runs' that are not run ids"
            }
        case .notFound:
            if old.runCount == 0 {
                progress.failures = 0
                progress.notFoundReads += 1
                if progress.notFoundReads >= settings.notFoundAfter {
                    state = .notFound
                    reason = "the API answered 404 for this result \(progress.notFoundReads) times"
                }
            } else {
                // It had runs: a 404 now is odd (deleted?); retry with backoff until the deadline.
                progress.failures += 1
                next = now.addingTimeInterval(
                    max(settings.readInterval, settings.backoff.delay(attempt: progress.failures, unitRandom: unitRandom)).secondsDouble)
                reason = "HTTP 404 for a result that had runs"
            }
            if state == .expanding, reason == nil { reason = "HTTP 404 (new results can lag; reading again)" }
        case .rateLimited(let retryAfter):
            // Not this result's fault: no failure counted; the gate holds every request.
            next = now.addingTimeInterval(max(settings.readInterval, retryAfter ?? .zero).secondsDouble)
            reason = "rate limited (429)"
        case .failed(let why):
            progress.failures += 1
            let wait = max(settings.readInterval, settings.backoff.delay(attempt: progress.failures, unitRandom: unitRandom))
            next = now.addingTimeInterval(wait.secondsDouble)
            reason = UntrustedText.printable(why, limit: 200)
        }
        if state == .expanding {
            let age = now.timeIntervalSince(progress.submittedAt)
            if age >= settings.maxGrowth.secondsDouble || progress.reads >= settings.maxReads {
                let limit =
                    age >= settings.maxGrowth.secondsDouble ? "after \(DurationText.format(settings.maxGrowth))" : "after \(progress.reads) reads"
                let last = reason.map { "; last: \($0)" } ?? ""
                reason =
                    "still not stable \(limit) with \(progress.runCount) run\(progress.runCount == 1 ? "" : "s")\(last); the runs found are watched"
                state = .gaveUp
            }
        }
        return Decision(progress: progress, state: state, nextReadAt: next, reason: reason)
    }
}

/// The parts of a result's body runwatch reads.
package struct ResultBody: Sendable, Equatable {
    /// The keys of `runs` that are run ids, ascending.
    package var runIDs: [RunID]
    /// `total_runs_count` when readable (a string in the schema, a number accepted too).
    package var totalRuns: Int?
    package var status: RunStatus?
    /// Why each unusable entry of `runs` was skipped (bounded, printable).
    package var skipped: [String]

    package init(runIDs: [RunID], totalRuns: Int? = nil, status: RunStatus? = nil, skipped: [String] = []) {
        self.runIDs = runIDs
        self.totalRuns = totalRuns
        self.status = status
        self.skipped = skipped
    }
}
