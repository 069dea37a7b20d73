import Foundation
import GRDB
import RunWatch
import RunWatchTesting
import Testing

/// What runs per delivery round (the `STATUS=` outbox depth, at most ten times a second)
/// and per metrics sample (every 5 s) must cost the pending rows, not the table: an
/// outbox of 10⁶ delivered rows must not make every delivery scan them. SQLite's plan
/// says which index a query uses; the SQL here is the store's (SQLiteRunStore+Outbox).
struct StoreQueryPlanTests {
    @Test(arguments: [
        "SELECT COUNT(*) FROM outbox INDEXED BY outbox_due WHERE state = 'pending'",
        "SELECT notifier, COUNT(*) AS n FROM outbox WHERE state = 'pending' GROUP BY notifier",
        """
        SELECT id, attempts, (content = 1 AND event != 'run.transition' AND suite IS NULL) OR alert IS NOT NULL AS is_alert, created_at, next_attempt_at FROM outbox
        WHERE state = 'pending' AND notifier = 'x' ORDER BY next_attempt_at, id LIMIT 5000
        """,
        "SELECT id FROM runs WHERE terminal = 0",
        // Once a second at most, while suites are open (SQLiteRunStore+SuiteLedger).
        "SELECT id, name, updated_at FROM suites INDEXED BY suites_open WHERE completed_at IS NULL ORDER BY id",
        """
        SELECT COUNT(*) AS runs, COALESCE(SUM(r.terminal), 0) AS ended
        FROM suite_runs s JOIN runs r ON r.id = s.run_id WHERE s.suite = 1
        """,
        "SELECT COUNT(*) FROM results WHERE suite = 1 AND state = 'expanding'",
        // Every console page view (SQLiteRunStore+ConsoleReads).
        SQLiteRunStore.endedSinceSQL, SQLiteRunStore.pendingByNotifierSQL, SQLiteRunStore.deadByNotifierSQL,
        SQLiteRunStore.deliveredByNotifierSQL, SQLiteRunStore.openSuitesSQL, SQLiteRunStore.recentSuitesSQL,
        SQLiteRunStore.otherInstancesSQL, SQLiteRunStore.suiteCountsSQL, SQLiteRunStore.expandingSQL, SQLiteRunStore.runSQL,
        SQLiteRunStore.transitionsSQL, SQLiteRunStore.attemptsSQL, SQLiteRunStore.runSuitesSQL, SQLiteRunStore.runDeliveriesSQL,
        SQLiteRunStore.pendingLinesSQL, SQLiteRunStore.deadLinesSQL, SQLiteRunStore.disabledNotifiersSQL,
        // The summary and results the overview (and `runwatch status`) read
        // (SQLiteRunStore+Reports, +Results): counts over a covering index, not the rows.
        SQLiteRunStore.runsByStatusSQL,
        "SELECT state, COUNT(*) AS n FROM outbox GROUP BY state",
        "SELECT id, state, run_count, reads, last_error FROM results WHERE state != 'stable' ORDER BY created_at DESC, id DESC LIMIT 20",
    ])
    func perDeliveryAndPerSampleQueriesUseAnIndexNotATableScan(sql: String) async throws {
        try await withTemporaryDirectory { dir in
            _ = try SQLiteRunStore.open(directory: dir)
            let queue = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
            let plan = try await queue.read { db in
                // The store's statements take arguments: any value plans the same.
                let arguments = StatementArguments(Array(repeating: 1, count: sql.count { $0 == "?" }))
                return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            }
            #expect(
                plan.contains {
                    $0.contains("USING INDEX") || $0.contains("USING COVERING INDEX") || $0.contains("USING PRIMARY KEY")
                        || $0.contains("USING INTEGER PRIMARY KEY")
                }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN outbox") && !$0.contains("INDEX") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN runs") && !$0.contains("INDEX") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN suites") && !$0.contains("INDEX") }, "\(plan)")
            // Aliased tables (`outbox o`) show their alias: no table is scanned whole.
            #expect(!plan.contains { $0.hasPrefix("SCAN ") && !$0.contains("INDEX") }, "\(plan)")
        }
    }

    /// The overview's runs-by-status counts every run: grouped in the covering index's
    /// order, not sorted again in a temp b-tree (three times slower at 100k runs).
    @Test func runsByStatusCountsInIndexOrder() async throws {
        try await withTemporaryDirectory { dir in
            _ = try SQLiteRunStore.open(directory: dir)
            let queue = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
            let plan = try await queue.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteRunStore.runsByStatusSQL).map { $0["detail"] as String }
            }
            #expect(plan.contains { $0.contains("COVERING INDEX") }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }
}
