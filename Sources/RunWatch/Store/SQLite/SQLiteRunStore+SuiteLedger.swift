import Foundation
import GRDB
import RunWatchCore

/// Suite completion and reports. Completing an instance is one transaction (mark it
/// completed, queue its messages): a crash before the commit leaves the suite open, to be
/// completed again after the restart; after it, the messages are in the outbox and are
/// delivered like any other (same idempotency keys on every attempt). Either way exactly
/// one summary per notifier.
extension SQLiteRunStore: SuiteLedger {
    package func openSuites() async throws -> [OpenSuite] {
        try await pool.read { db in
            // The partial index holds only open instances: completed ones (one a night per
            // name, one per CI job) are never read here.
            try Row.fetchAll(db, sql: "SELECT id, name, updated_at FROM suites INDEXED BY suites_open WHERE completed_at IS NULL ORDER BY id").map {
                row in
                let id: Int64 = row["id"]
                return OpenSuite(
                    id: id, name: row["name"], facts: try Self.completionFacts(id, lastJoinedAt: row["updated_at"], db))
            }
        }
    }

    package func completeSuite(
        _ id: Int64, rule: SuiteCompletion, routes: [NotifierRoute], links: DashboardLinks, console: ConsoleLinks, at date: Date
    ) async throws
        -> SuiteReport?
    {
        let now = date.timeIntervalSince1970
        return try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT updated_at FROM suites WHERE id = ? AND completed_at IS NULL", arguments: [id])
            else { return nil }
            // Judged again inside the transaction: a run that joined since the caller
            // looked keeps the suite open.
            let facts = try Self.completionFacts(id, lastJoinedAt: row["updated_at"], db)
            guard rule.decide(facts, now: date) == .complete else { return nil }
            try db.execute(sql: "UPDATE suites SET completed_at = ? WHERE id = ?", arguments: [now, id])
            guard let (unlinked, routing) = try Self.report(id, links: links, db) else { return nil }
            let report = unlinked.linked(console)
            let enqueue = try db.cachedStatement(
                sql: """
                    INSERT INTO outbox (notifier, run_id, event, idempotency_key, payload, suite, created_at, next_attempt_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(notifier, idempotency_key) DO NOTHING
                    """)
            for draft in NotifierRoute.drafts(for: report, routing: routing, routes: routes, console: console) {
                try enqueue.execute(arguments: [
                    draft.notifier, draft.runID, draft.event, draft.idempotencyKey, draft.payload, draft.suite, now, now,
                ])
            }
            return report
        }
    }

    package func suiteReport(name: String, links: DashboardLinks) async throws -> SuiteReport? {
        try await pool.read { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM suites WHERE name = ?", arguments: [name]) else { return nil }
            return try Self.report(id, links: links, db)?.report
        }
    }

    package func suiteReport(id: Int64, links: DashboardLinks) async throws -> SuiteReport? {
        try await pool.read { db in try Self.report(id, links: links, db)?.report }
    }

    package func pruneSuites(completedBefore cutoff: Date) async throws -> Int {
        try await pool.write { db in try Self.pruneSuites(completedBefore: cutoff.timeIntervalSince1970, db) }
    }

    /// Runs in the suite (those still stored), how many ended, and its results still
    /// being expanded.
    static func completionFacts(_ id: Int64, lastJoinedAt: Double, _ db: Database) throws -> SuiteCompletion.Facts {
        let counts = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) AS runs, COALESCE(SUM(r.terminal), 0) AS ended
                FROM suite_runs s JOIN runs r ON r.id = s.run_id WHERE s.suite = ?
                """, arguments: [id])
        let expanding = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results WHERE suite = ? AND state = 'expanding'", arguments: [id]) ?? 0
        return SuiteCompletion.Facts(
            runs: counts?["runs"] ?? 0, ended: counts?["ended"] ?? 0, expandingResults: expanding,
            lastJoinedAt: Date(timeIntervalSince1970: lastJoinedAt))
    }

    /// Instance `id`'s report (every run as the store holds it now) and the routing of the
    /// submission that opened it.
    static func report(_ id: Int64, links: DashboardLinks, _ db: Database) throws -> (report: SuiteReport, routing: RunRouting)? {
        guard
            let suite = try Row.fetchOne(
                db,
                sql: "SELECT s.*, g.body AS routing_body FROM suites s LEFT JOIN routings g ON g.id = s.routing WHERE s.id = ?",
                arguments: [id])
        else { return nil }
        let runs = try Row.fetchAll(
            db,
            sql: """
                SELECT r.id, r.status, r.success, r.terminal, r.snapshot, r.submitted_at, r.ended_at
                FROM suite_runs s JOIN runs r ON r.id = s.run_id WHERE s.suite = ?
                """, arguments: [id]
        ).map { row in
            let status: String? = row["status"]
            let snapshot: String? = row["snapshot"]
            let ended: Double? = row["ended_at"]
            return RunResult(
                id: row["id"], status: status.map(RunStatus.init(stored:)), success: row["success"], terminal: row["terminal"],
                snapshot: snapshot.flatMap(RunSnapshot.init(stored:)),
                submittedAt: Date(timeIntervalSince1970: row["submitted_at"]), endedAt: ended.map(Date.init(timeIntervalSince1970:)),
                links: links)
        }
        // A suite that is one Cekura result links to that result's page.
        let results = try ResultID.fetchAll(db, sql: "SELECT id FROM results WHERE suite = ? LIMIT 2", arguments: [id])
        let routing = Self.routing(body: suite["routing_body"])
        let completed: Double? = suite["completed_at"]
        let report = SuiteReport(
            name: suite["name"], instance: id, startedAt: Date(timeIntervalSince1970: suite["created_at"]),
            completedAt: completed.map(Date.init(timeIntervalSince1970:)), runs: runs, labels: routing.labels,
            dashboardURL: results.count == 1 ? links.result(results[0]) : nil)
        return (report, routing)
    }

    /// Completed instances past `cutoff` with nothing pending, and what hangs off them.
    static func pruneSuites(completedBefore cutoff: Double, _ db: Database) throws -> Int {
        let ids = try Int64.fetchAll(
            db,
            sql: """
                SELECT id FROM suites INDEXED BY suites_completed
                WHERE completed_at IS NOT NULL AND completed_at < ?
                  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.suite = suites.id AND o.state = 'pending')
                """, arguments: [cutoff])
        try dropSuites(ids, db)
        return ids.count
    }

    /// Deletes suite instances with their membership, messages, and results.
    static func dropSuites(_ ids: [Int64], _ db: Database) throws {
        for id in ids {
            try db.execute(sql: "DELETE FROM suite_runs WHERE suite = ?", arguments: [id])
            try db.execute(
                sql: "DELETE FROM delivery_attempts WHERE outbox_id IN (SELECT id FROM outbox WHERE suite = ?)", arguments: [id])
            try db.execute(sql: "DELETE FROM outbox WHERE suite = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM result_runs WHERE result IN (SELECT id FROM results WHERE suite = ?)", arguments: [id])
            try db.execute(sql: "DELETE FROM results WHERE suite = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM suites WHERE id = ?", arguments: [id])
        }
    }

    /// `forget`: the runs leave their suites. A suite left with no run and no result is
    /// dropped (open or completed, with its messages): the operator asked for those runs
    /// to be gone, and a "0 of 0 passed" verdict would only be noise. A suite with runs
    /// left completes with those.
    static func forgetInSuites(_ ids: [RunID], _ db: Database) throws {
        var touched: Set<Int64> = []
        for id in ids {
            touched.formUnion(try Int64.fetchAll(db, sql: "SELECT suite FROM suite_runs WHERE run_id = ?", arguments: [id]))
            try db.execute(sql: "DELETE FROM suite_runs WHERE run_id = ?", arguments: [id])
        }
        let empty = try touched.sorted().filter { suite in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COUNT(*) FROM suite_runs WHERE suite = ?) + (SELECT COUNT(*) FROM results WHERE suite = ?)
                    """, arguments: [suite, suite]) == 0
        }
        try dropSuites(empty, db)
    }
}
