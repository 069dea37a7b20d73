import Foundation
import RunWatch
import RunWatchCore
import Testing

/// A store as the console sees it after a night: suite `nightly` completed yesterday
/// (instance 1: runs 10 passed, 11 failed) and open tonight (instance 2: run 1 passed,
/// 2 failed, 3 running, 4 timed out), with messages about run 2 to `ops` (retried, then
/// delivered) and `hook` (dead), and one about run 4 still pending for `gone`, a
/// notifier no longer configured. Labels carry markup (`<script>`), as a producer may.
enum ConsoleStoreFixture {
    static let t0 = Date(timeIntervalSince1970: 1_784_000_000)
    /// The console's "now": a few minutes after the last event.
    static let now = t0 + 1000
    static let label = "<script>alert(1)</script>"

    static func end(
        _ store: SQLiteRunStore, _ id: RunID, _ status: RunStatus, success: Bool? = nil, at: Date, messages: [OutboxDraft] = []
    )
        async throws
    {
        let snapshot = RunSnapshot(
            id: id, status: status, success: success, scenarioName: "scenario \(id)",
            errorMessage: status == .completed ? nil : "SIP 408 \(label)", duration: "00:47")
        let (_, running) = RunTracker.observe(
            RunSnapshot(id: id, status: .running), run: TrackedRun(submittedAt: t0), at: at - 1, policy: WatchPolicy())
        let (_, ended) = RunTracker.observe(
            snapshot, run: TrackedRun(state: RunState(status: .running), submittedAt: t0), at: at, policy: WatchPolicy())
        try await store.record(PollRecord(at: at - 1, updates: [running], messages: []))
        try await store.record(PollRecord(at: at, updates: [ended], messages: messages))
    }

    static func draft(_ notifier: String, run: RunID) -> OutboxDraft {
        OutboxDraft(notifier: notifier, runID: run, event: "run.failed", idempotencyKey: "k\(run)\(notifier)", payload: Data("{}".utf8))
    }

    static func make(_ dir: String) async throws -> SQLiteRunStore {
        let store = try SQLiteRunStore.open(directory: dir)
        _ = try await store.ingest(SpoolSubmission(runIDs: [10, 11], suite: "nightly"), at: t0 - 86400)
        try await end(store, 10, .completed, success: true, at: t0 - 86000)
        try await end(store, 11, .failed, at: t0 - 86000)
        let yesterday = try #require(try await store.openSuites().first)
        _ = try await store.completeSuite(
            yesterday.id, rule: SuiteCompletion(quietPeriod: .seconds(1)), routes: [], links: .none, at: t0 - 85000)

        _ = try await store.ingest(SpoolSubmission(runIDs: [1, 2, 3, 4], labels: ["build": label], suite: "nightly"), at: t0)
        try await end(store, 1, .completed, success: true, at: t0 + 100)
        try await end(store, 2, .failed, at: t0 + 110, messages: [draft("ops", run: 2), draft("hook", run: 2)])
        try await end(store, 4, .timeout, at: t0 + 120, messages: [draft("gone", run: 4)])
        let (_, running) = RunTracker.observe(
            RunSnapshot(id: 3, status: .running), run: TrackedRun(submittedAt: t0), at: t0 + 50, policy: WatchPolicy())
        try await store.record(PollRecord(at: t0 + 50, updates: [running], messages: []))

        let ops = try #require(try await store.pendingEntries(notifier: "ops", limit: 5).first)
        let hook = try #require(try await store.pendingEntries(notifier: "hook", limit: 5).first)
        try await store.record([.retry(id: ops.id, attempts: 1, after: .seconds(10), reason: "HTTP 503")], at: t0 + 200)
        try await store.record([.dead(id: hook.id, attempts: 1, reason: "HTTP 410 gone", expired: false)], at: t0 + 205)
        try await store.record([.delivered(id: ops.id, attempts: 2)], at: t0 + 215)
        return store
    }
}
