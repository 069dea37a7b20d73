import Foundation
import GRDB
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// Labels and notifier lists are stored once per distinct routing, never copied into
/// every run row or outbox row.
@Suite struct StoreRoutingTests {
    let t0 = Date(timeIntervalSince1970: 1_784_000_000)

    /// A submission at the limits: the most ids, the most labels, each as long as allowed.
    static let atLimits = SpoolSubmission(
        runIDs: Array(1...10_000),
        labels: Dictionary(
            uniqueKeysWithValues: (1...32).map {
                (String(format: "key-%02d", $0) + String(repeating: "k", count: 58), String(repeating: "v", count: 512))
            }),
        notifiers: (1...32).map { String(format: "notifier-%02d", $0) + String(repeating: "n", count: 52) })

    func count(_ dir: String, _ sql: String) throws -> Int {
        let queue = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
        defer { try? queue.close() }
        return try queue.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    @Test func aSubmissionAtTheLimitsStoresItsRoutingOnce() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(Self.atLimits, at: t0)
            _ = try await store.ingest(Self.atLimits, at: t0)
            #expect(try count(dir, "SELECT COUNT(*) FROM routings") == 1)
            #expect(try count(dir, "SELECT COUNT(*) FROM runs WHERE labels IS NOT NULL OR notifiers IS NOT NULL") == 0)
            #expect(try count(dir, "SELECT COUNT(DISTINCT routing) FROM runs") == 1)
            let runs = try await store.activeRuns()
            #expect(runs.count == 10_000)
            #expect(runs[9_999]?.routing.labels == Self.atLimits.labels)
            #expect(Set(runs[9_999]?.routing.notifiers ?? []) == Set(Self.atLimits.notifiers ?? []))
        }
    }

    @Test func outboxRowsReferToTheLabelsAndGetThemBackWhenRead() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            let labels = ["team": "a", "big": String(repeating: "v", count: 512)]
            _ = try await store.ingest(SpoolSubmission(runIDs: [7, 8], labels: labels), at: t0)
            let runs = try await store.activeRuns()
            let policy = WatchPolicy()
            let updates = [7, 8].map {
                RunTracker.observe(RunSnapshot(id: $0, status: .failed), run: runs[$0]!, at: t0, policy: policy).1
            }
            let routes = [
                NotifierRoute(name: "ops", kind: .slack, events: [.failed]), NotifierRoute(name: "hook", kind: .webhook, events: [.failed]),
            ]
            let drafts = NotifierRoute.drafts(for: updates, runs: runs, routes: routes, at: t0)
            #expect(drafts.count == 4)
            try await store.record(PollRecord(at: t0, updates: updates, messages: drafts))
            #expect(try count(dir, "SELECT COUNT(*) FROM outbox WHERE routing IS NOT NULL") == 4)
            #expect(try count(dir, "SELECT MAX(length(payload)) FROM outbox") < 512, "the 512-byte label is not copied into the row")
            for message in try await store.undelivered(limit: 10) {
                guard case .alert(let alert)? = OutboxContent.decode(message.payload) else {
                    Issue.record("an alert row")
                    continue
                }
                #expect(alert.labels == labels)
            }
            // Pruning keeps a routing an outbox row or a run still refers to.
            #expect(try await store.prune(endedBefore: t0.addingTimeInterval(1)) == 0)
            #expect(try count(dir, "SELECT COUNT(*) FROM routings") == 1)
        }
    }

    @Test func anAlertDraftedBeforeARelabelKeepsItsOwnLabels() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [7], labels: ["team": "a"]), at: t0)
            let runs = try await store.activeRuns()
            let (_, ended) = RunTracker.observe(RunSnapshot(id: 7, status: .failed), run: runs[7]!, at: t0, policy: WatchPolicy())
            let drafts = NotifierRoute.drafts(
                for: [ended], runs: runs, routes: [NotifierRoute(name: "ops", kind: .webhook, events: [.failed])], at: t0)
            // Another producer adds a key between the answer and its commit.
            _ = try await store.ingest(SpoolSubmission(runIDs: [7], labels: ["build": "9"]), at: t0)
            try await store.record(PollRecord(at: t0, updates: [ended], messages: drafts))
            #expect(try count(dir, "SELECT COUNT(*) FROM outbox WHERE routing IS NULL") == 1)
            let message = try #require(try await store.undelivered(limit: 5).first)
            guard case .alert(let alert)? = OutboxContent.decode(message.payload) else {
                Issue.record("an alert row")
                return
            }
            #expect(alert.labels == ["team": "a"], "what the alert was drafted with")
        }
    }

    @Test func runsStoredBeforeRoutingsKeepTheirLabelsAndNotifiers() async throws {
        try await withTemporaryDirectory { dir in
            // A store as v4 left it: labels and notifiers copied into each run row.
            _ = try SQLiteRunStore.open(directory: dir)
            let old = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
            try await old.write { db in
                try db.execute(
                    sql: """
                        DROP INDEX runs_routing; DROP INDEX outbox_routing;
                        ALTER TABLE runs DROP COLUMN routing; ALTER TABLE outbox DROP COLUMN routing;
                        DROP TABLE routings;
                        DELETE FROM grdb_migrations WHERE identifier = 'v5-routings';
                        INSERT INTO runs (id, labels, notifiers, submitted_at, updated_at) VALUES
                          (1, '{"suite":"x"}', '["ops"]', 0, 0), (2, '{"suite":"x"}', '["ops"]', 0, 0),
                          (3, '{"suite":"y"}', NULL, 0, 0), (4, NULL, NULL, 0, 0);
                        """)
            }
            try old.close()
            let store = try SQLiteRunStore.open(directory: dir)
            let runs = try await store.activeRuns()
            #expect(runs[1]?.routing == RunRouting(labels: ["suite": "x"], notifiers: ["ops"]))
            #expect(runs[2]?.routing == RunRouting(labels: ["suite": "x"], notifiers: ["ops"]))
            #expect(runs[3]?.routing == RunRouting(labels: ["suite": "y"]))
            #expect(runs[4]?.routing == RunRouting())
            #expect(try count(dir, "SELECT COUNT(*) FROM routings") == 2)
            #expect(try await store.history(of: 3)?.labels == ["suite": "y"])
        }
    }
}
