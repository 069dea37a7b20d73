import Foundation
import GRDB
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

@Suite struct StoreTests {
    let t0 = Date(timeIntervalSince1970: 1_784_000_000)

    @Test func ingestIsIdempotentAndLabelsAreAddedNeverOverwritten() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            #expect(try await store.ingest(SpoolSubmission(runIDs: [1, 2], labels: ["suite": "a"]), at: t0).newIDs == [1, 2])
            let second = try await store.ingest(SpoolSubmission(runIDs: [2, 3], labels: ["team": "qa"], notifiers: ["ops"]), at: t0)
            #expect(second.newIDs == [3])
            #expect(second.routing == RunRouting(labels: ["team": "qa"], notifiers: ["ops"]))
            // Run 2 keeps every notifier (no list is wider than ["ops"]) and gains the new key.
            #expect(second.rerouted == [2: RunRouting(labels: ["suite": "a", "team": "qa"])])
            // The routing travels with each active run, read once at start-up.
            let routing = try await store.activeRuns().mapValues(\.routing)
            #expect(routing[1] == RunRouting(labels: ["suite": "a"]))
            #expect(routing[2] == RunRouting(labels: ["suite": "a", "team": "qa"]))
            #expect(routing[3] == RunRouting(labels: ["team": "qa"], notifiers: ["ops"]))
            #expect(try await store.activeRuns().keys.sorted() == [1, 2, 3])
            #expect(try await store.activeRuns()[1]?.submittedAt == t0)
        }
    }

    @Test func aPollRecordCommitsStatesTransitionsAndOutboxTogether() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [7, 8]), at: t0)
            let policy = WatchPolicy()
            let (_, ended) = RunTracker.observe(
                RunSnapshot(id: 7, status: .failed), run: TrackedRun(state: RunState(status: .running), submittedAt: t0), at: t0, policy: policy)
            let (_, running) = RunTracker.observe(RunSnapshot(id: 8, status: .running), run: TrackedRun(submittedAt: t0), at: t0, policy: policy)
            let draft = OutboxDraft(notifier: "ops", runID: 7, event: "run.failed", idempotencyKey: "k7", payload: Data("{}".utf8))
            try await store.record(PollRecord(at: t0, updates: [ended, running], messages: [draft, draft]))
            #expect(try await store.activeRuns() == [8: TrackedRun(state: RunState(status: .running), submittedAt: t0)])
            let history = try #require(try await store.history(of: 7))
            #expect(history.status == "failed")
            #expect(history.transitions == [Transition(runID: 7, from: .running, to: .failed, at: t0)])
            #expect(history.snapshot == RunSnapshot(id: 7, status: .failed), "what the API said of a failure is kept")
            #expect(try await store.history(of: 8)?.snapshot == nil)
            let pending = try await store.pendingEntries(notifier: "ops", limit: 10)
            #expect(pending.count == 1, "the same idempotency key is enqueued once")
            let message = try #require(pending.first)
            #expect(try await store.pendingCount() == 1)
            try await store.record([.retry(id: message.id, attempts: 1, after: .seconds(30), reason: "HTTP 503")], at: t0)
            let waiting = try await store.pendingEntries(notifier: "ops", limit: 10)
            #expect(waiting.map(\.nextAttemptAt) == [t0.addingTimeInterval(30)], "the wall time is kept for restarts and the CLI")
            #expect(waiting.map(\.attempts) == [1])
            #expect(try await store.messages([message.id]).first?.lastError == "HTTP 503")
            try await store.record([.delivered(id: message.id, attempts: 2)], at: t0.addingTimeInterval(31))
            #expect(try await store.pendingCount() == 0)
            let summary = try await store.summary()
            #expect(summary.outboxPending == 0)
            #expect(summary.delivered == 1)
            #expect(summary.runsByStatus == ["failed": 1, "running": 1])
            #expect(try await store.history(of: 7)?.deliveries.first?.attempts == 2)
        }
    }

    @Test func pruningDropsOldEndedRunsButKeepsOwedAlertsAndActiveRuns() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [1, 2, 3, 4]), at: t0)
            let policy = WatchPolicy()
            func end(_ id: RunID, at: Date, alert: Bool) async throws {
                let (_, update) = RunTracker.observe(RunSnapshot(id: id, status: .failed), run: TrackedRun(submittedAt: t0), at: at, policy: policy)
                let drafts = alert ? [OutboxDraft(notifier: "ops", runID: id, event: "run.failed", idempotencyKey: "k\(id)", payload: Data())] : []
                try await store.record(PollRecord(at: at, updates: [update], messages: drafts))
            }
            try await end(1, at: t0, alert: false)  // old, nothing owed: pruned
            try await end(2, at: t0, alert: true)  // old, alert pending: kept
            try await end(3, at: t0.addingTimeInterval(86400), alert: false)  // recent: kept
            // 4 stays active: kept
            #expect(try await store.prune(endedBefore: t0.addingTimeInterval(3600)) == 1)
            #expect(try await store.history(of: 1) == nil)
            #expect(try await store.history(of: 2) != nil)
            #expect(try await store.history(of: 3) != nil)
            #expect(try await store.activeRuns().keys.sorted() == [4])
            let message = try #require(try await store.pendingEntries(notifier: "ops", limit: 5).first)
            try await store.record([.delivered(id: message.id, attempts: 1)], at: t0)
            #expect(try await store.prune(endedBefore: t0.addingTimeInterval(3600)) == 1)
            #expect(try await store.history(of: 2) == nil)
        }
    }

    @Test func forgettingDeletesEverythingAndRecordReportsIt() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [1, 2]), at: t0)
            #expect(try await store.forget([2, 9]) == [2])
            let (_, update) = RunTracker.observe(
                RunSnapshot(id: 2, status: .running), run: TrackedRun(submittedAt: t0), at: t0, policy: WatchPolicy())
            let missing = try await store.record(PollRecord(at: t0, polled: [1, 2], updates: [update], messages: []))
            #expect(missing == [2])
            #expect(try await store.history(of: 2) == nil, "nothing recorded for a forgotten run")
        }
    }

    @Test func theAPIStateIsKeptForStatus() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            try await store.noteAPIState("backing off until x", error: "HTTP 503", at: t0)
            try await store.noteAPIState("ok", error: nil, at: t0.addingTimeInterval(5))
            let summary = try await store.summary()
            #expect(summary.apiState == "ok")
            #expect(summary.lastAPIError == "HTTP 503")
            #expect(summary.lastAPIErrorAt == t0)
        }
    }

    @Test func aStoreFromANewerVersionIsRefusedAndLeftAlone() async throws {
        try await withTemporaryDirectory { dir in
            _ = try SQLiteRunStore.open(directory: dir)
            let path = dir + "/" + SQLiteRunStore.fileName
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
            }
            try queue.close()
            #expect {
                try SQLiteRunStore.open(directory: dir)
            } throws: { error in
                "\(error)".contains("newer runwatch") && "\(error)".contains("v9-from-the-future")
            }
            // Left as it was: no migration applied, nothing deleted.
            let after = try DatabaseQueue(path: path)
            let applied = try await after.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
            #expect(
                applied == [
                    "v1-runs-transitions-outbox", "v2-daemon-state", "v3-outbox-alert", "v4-outbox-content", "v5-routings", "v6-suites-results",
                    "v7-delivery-attempts", "v9-from-the-future",
                ])
            #expect(try await after.read { db in try db.tableExists("runs") })
        }
    }

    @Test func rowsWrittenBeforeContentWasStoredKeepTheirRenderedBodies() async throws {
        try await withTemporaryDirectory { dir in
            // A store as v3 left it (v4 undone), with one pending Slack alert: a rendered
            // body and the structured alert beside it.
            _ = try SQLiteRunStore.open(directory: dir)
            let path = dir + "/" + SQLiteRunStore.fileName
            let old = try DatabaseQueue(path: path)
            try await old.write { db in
                try db.execute(sql: "ALTER TABLE outbox DROP COLUMN content")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v4-outbox-content'")
                try db.execute(
                    sql: """
                        INSERT INTO outbox (notifier, run_id, event, idempotency_key, payload, alert, created_at, next_attempt_at)
                        VALUES ('ops', 7, 'run.failed', 'msg_run7_failed', ?, X'7B7D', 0, 0)
                        """, arguments: [Data(#"{"text":"rendered"}"#.utf8)])
            }
            try old.close()
            let store = try SQLiteRunStore.open(directory: dir)
            let entry = try #require(try await store.pendingEntries(notifier: "ops", limit: 5).first)
            #expect(entry.isRunAlert)
            let message = try #require(try await store.messages([entry.id]).first)
            #expect(!message.isContent, "an old row is sent as stored")
            #expect(message.payload == Data(#"{"text":"rendered"}"#.utf8))
            // New rows hold content.
            _ = try await store.ingest(SpoolSubmission(runIDs: [8]), at: t0)
            let (_, ended) = RunTracker.observe(RunSnapshot(id: 8, status: .failed), run: TrackedRun(submittedAt: t0), at: t0, policy: WatchPolicy())
            let route = NotifierRoute(name: "ops", kind: .slack, events: [.failed])
            try await store.record(
                PollRecord(at: t0, updates: [ended], messages: NotifierRoute.drafts(for: [ended], runs: [:], routes: [route], at: t0)))
            let new = try #require(try await store.undelivered(limit: 5).first { $0.runID == 8 })
            #expect(new.isContent)
            guard case .alert(let alert)? = OutboxContent.decode(new.payload) else {
                Issue.record("the new row should hold the structured alert")
                return
            }
            #expect(alert.run.id == 8)
        }
    }

    @Test func aFileThatIsNotADatabaseIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/" + SQLiteRunStore.fileName
            try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
            #expect(throws: (any Error).self) { try SQLiteRunStore.open(directory: dir) }
            #expect(FileManager.default.contents(atPath: path) == Data(repeating: 0x41, count: 4096))
        }
    }
}
