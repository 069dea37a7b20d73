import Foundation
import Logging
import Metrics
import RunWatchCore
import ServiceLifecycle
import Synchronization

/// Expands submitted Cekura results into their runs: reads each due result
/// (`GET /test_framework/v2/results/{id}/`) with a request start taken from the poller's
/// gate (one budget for the key), lets `ResultExpansion` decide what the read means,
/// commits it in one transaction and hands the new runs to the poller, the same way a
/// spool file's runs reach it.
///
/// All progress is in the store (`results`), so a restart resumes where it was; only the
/// failure and 404 streaks are in memory. New results are noticed within `checkEvery`
/// (an indexed query on the expanding rows), so the spool path needs no hook into it.
package final class ResultExpander: Service {
    static let loopName = "results"
    static let checkEvery: Duration = .seconds(1)

    let store: any RunStore
    let poller: Poller
    let heartbeat: Heartbeat
    let logger: Logger
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    /// Result reads for the console's request chart; nil where nobody draws it.
    let activity: ActivityRecorder?
    private let settings: Mutex<ResultExpansion.Settings>
    private let streaks = Mutex([ResultID: Streak]())

    /// Failed reads and 404s in a row, in memory (see `ResultExpansion.Progress`).
    private struct Streak {
        var failures = 0
        var notFound = 0
    }
    private let doorbell = Doorbell()

    package init(
        settings: ResultExpansion.Settings, store: any RunStore, poller: Poller, heartbeat: Heartbeat, logger: Logger,
        now: @escaping @Sendable () -> Date, random: @escaping @Sendable () -> Double, activity: ActivityRecorder? = nil
    ) {
        self.settings = Mutex(settings)
        self.store = store
        self.poller = poller
        self.heartbeat = heartbeat
        self.logger = logger
        self.now = now
        self.random = random
        self.activity = activity
    }

    package static func settings(_ configuration: Configuration) -> ResultExpansion.Settings {
        ResultExpansion.Settings(
            readInterval: configuration.api.pollInterval,
            backoff: BackoffPolicy(base: configuration.api.backoffBase, cap: configuration.api.backoffCap))
    }

    package func reconfigure(_ settings: ResultExpansion.Settings) {
        self.settings.withLock { $0 = settings }
        doorbell.ring()
    }

    package func run() async throws {
        defer { heartbeat.retire(Self.loopName) }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            heartbeat.beat(Self.loopName, nextWithin: .seconds(60))
            var wait = Self.checkEvery
            do {
                if let due = try await store.dueResults(at: now(), limit: 1).first {
                    guard try await read(due) else { return }
                    wait = .zero
                } else if let next = try await store.nextResultRead() {
                    wait = min(Self.checkEvery, .secondsDouble(max(0, next.timeIntervalSince(now()))))
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("result expansion: the store failed; will retry", metadata: ["error": "\(error)"])
                wait = .seconds(5)
            }
            guard wait > .zero else { continue }
            heartbeat.beat(Self.loopName, nextWithin: wait + .seconds(60))
            await doorbell.waitUnlessShuttingDown(timeout: wait)
        }
    }

    /// One read of one result, committed. False when shutdown came first.
    private func read(_ due: ExpandingResult) async throws -> Bool {
        guard await poller.reserveRequest(beat: { self.heartbeat.beat(Self.loopName, nextWithin: $0 + .seconds(60)) }) else {
            return false
        }
        let client = poller.client
        heartbeat.beat(Self.loopName, nextWithin: client.timeout + .seconds(60))
        let answer = await client.readResult(due.id, now: now)
        if case .rateLimited(let retryAfter) = answer { poller.rateLimitedElsewhere(retryAfter: retryAfter) }
        Counter(label: MetricNames.resultReads, dimensions: [("outcome", Self.outcome(answer))]).increment()
        let streak = streaks.withLock { $0[due.id] } ?? Streak()
        let progress = ResultExpansion.Progress(
            runCount: due.runCount, stableReads: due.stableReads, reads: due.reads, submittedAt: due.submittedAt,
            failures: streak.failures, notFoundReads: streak.notFound)
        let at = now()
        if case .rateLimited = answer {
            activity?.record(.request(throttled: true), at: at)
        } else {
            activity?.record(.request(throttled: false), at: at)
        }
        let decision = ResultExpansion.decide(answer, progress: progress, settings: settings.withLock { $0 }, now: at, unitRandom: random())
        var runIDs: [RunID] = []
        if case .read(let body) = answer { runIDs = body.runIDs }
        let ingested = try await store.recordResultRead(ResultReadRecord(id: due.id, at: at, runIDs: runIDs, decision: decision))
        streaks.withLock {
            $0[due.id] =
                decision.state == .expanding ? Streak(failures: decision.progress.failures, notFound: decision.progress.notFoundReads) : nil
        }
        poller.watch(ingested)
        // A result no longer expanding may be what held its suite open.
        if decision.state != .expanding { poller.onRunsChanged() }
        log(due.id, answer: answer, decision: decision, new: ingested.newIDs.count)
        return true
    }

    static func outcome(_ answer: ResultExpansion.Read) -> String {
        switch answer {
        case .read: "ok"
        case .notFound: "not_found"
        case .rateLimited: "rate_limited"
        case .failed: "failed"
        }
    }

    private func log(_ id: ResultID, answer: ResultExpansion.Read, decision: ResultExpansion.Decision, new: Int) {
        var metadata: Logger.Metadata = [
            "result_id": "\(id)", "runs": "\(decision.progress.runCount)", "new_runs": "\(new)", "state": "\(decision.state.rawValue)",
        ]
        if let reason = decision.reason { metadata["reason"] = "\(reason)" }
        if case .read(let body) = answer, !body.skipped.isEmpty {
            logger.warning("result \(id): skipped entries of 'runs' that are not run ids", metadata: ["skipped": "\(body.skipped.prefix(5))"])
        }
        switch decision.state {
        case .expanding:
            if case .read = answer {
                logger.debug("result read; still expanding", metadata: metadata)
            } else {
                logger.warning("result read failed; will read it again", metadata: metadata)
            }
        case .stable: logger.info("result expanded: all its runs are watched", metadata: metadata)
        case .gaveUp: logger.warning("result expansion gave up; the runs found are watched", metadata: metadata)
        case .notFound: logger.warning("result not found by the API; nothing to watch", metadata: metadata)
        }
    }
}
