import Foundation
import GRDB
import RunWatchCore

/// The console's reads. Each is one read transaction over indexes (StoreQueryPlanTests
/// lists the statements): a page view must cost the rows it shows, never a table.
extension SQLiteRunStore: ConsoleReads {
    package func endedSince(_ since: Date) async throws -> [RunOutcome: Int] {
        try await pool.read { db in
            var counts: [RunOutcome: Int] = [:]
            for row in try Row.fetchAll(db, sql: Self.endedSinceSQL, arguments: [since.timeIntervalSince1970]) {
                let status: String? = row[0]
                guard let outcome = status.flatMap({ RunOutcome(terminal: RunStatus(stored: $0), success: row[1]) }) else { continue }
                counts[outcome, default: 0] += row[2] as Int
            }
            return counts
        }
    }

    package func outboxByNotifier(deliveredSince: Date) async throws -> [String: NotifierCounts] {
        try await pool.read { db in
            var counts: [String: NotifierCounts] = [:]
            for row in try Row.fetchAll(db, sql: Self.pendingByNotifierSQL) { counts[row[0], default: NotifierCounts()].pending = row[1] }
            for row in try Row.fetchAll(db, sql: Self.deadByNotifierSQL) { counts[row[0], default: NotifierCounts()].dead = row[1] }
            for row in try Row.fetchAll(db, sql: Self.deliveredByNotifierSQL, arguments: [deliveredSince.timeIntervalSince1970]) {
                counts[row[0], default: NotifierCounts()].delivered = row[1]
            }
            return counts
        }
    }

    package func disabledNotifiers() async throws -> [String: String] {
        try await pool.read { db in
            var disabled: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: Self.disabledNotifiersSQL) {
                let key: String = row[0]
                disabled[String(key.dropFirst("notifier_disabled:".count))] = row[1] ?? ""
            }
            return disabled
        }
    }

    package func suiteTallies(recentLimit: Int, openLimit: Int) async throws -> (tallies: [SuiteTally], openOmitted: Int) {
        try await pool.read { db in
            let open = try Row.fetchAll(db, sql: Self.openSuitesSQL, arguments: [openLimit])
            let openCount = open.count < openLimit ? open.count : try Int.fetchOne(db, sql: Self.openSuiteCountSQL) ?? 0
            let recent = try Row.fetchAll(db, sql: Self.recentSuitesSQL, arguments: [recentLimit])
            return (try (open + recent).map { try Self.tally($0, db) }, openCount - open.count)
        }
    }

    package func suitePage(name: String, instance: Int64?, otherLimit: Int, links: DashboardLinks) async throws -> SuitePage? {
        try await pool.read { db in
            let id =
                if let instance {
                    try Int64.fetchOne(db, sql: "SELECT id FROM suites WHERE id = ? AND name = ?", arguments: [instance, name])
                } else {
                    try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM suites WHERE name = ?", arguments: [name])
                }
            guard let id, let (report, _) = try Self.report(id, links: links, db) else { return nil }
            let expanding = try ResultID.fetchAll(db, sql: Self.expandingSQL, arguments: [id]).sorted()
            var counts: [RunOutcome: Int] = [:]
            for run in report.runs { if let outcome = run.outcome { counts[outcome, default: 0] += 1 } }
            let tally = SuiteTally(
                instance: id, name: report.name, startedAt: report.startedAt, completedAt: report.completedAt, runs: report.runs.count,
                counts: counts, expandingResults: expanding.count)
            let others = try Row.fetchAll(db, sql: Self.otherInstancesSQL, arguments: [name, id, otherLimit]).map { try Self.tally($0, db) }
            return SuitePage(report: report, tally: tally, expanding: expanding, others: others)
        }
    }

    package func runPage(_ id: RunID, links: DashboardLinks) async throws -> RunPage? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: Self.runSQL, arguments: [id]) else { return nil }
            let status: String? = row["status"]
            let ended: Double? = row["ended_at"]
            let snapshot = (row["snapshot"] as String?).flatMap(RunSnapshot.init(stored:))
            let result = RunResult(
                id: id, status: status.map(RunStatus.init(stored:)), success: row["success"], terminal: row["terminal"], snapshot: snapshot,
                submittedAt: Date(timeIntervalSince1970: row["submitted_at"]), endedAt: ended.map(Date.init(timeIntervalSince1970:)),
                links: links)
            let transitions = try Row.fetchAll(db, sql: Self.transitionsSQL, arguments: [id]).map(Self.transition)
            let attempts = try db.cachedStatement(sql: Self.attemptsSQL)
            let deliveries = try Row.fetchAll(db, sql: Self.runDeliveriesSQL, arguments: [id]).map { row in
                var line = Self.deliveryLine(row)
                line.attemptLog = try Row.fetchAll(attempts, arguments: [line.id]).map { attempt in
                    AttemptLine(
                        attempt: attempt[0], at: Date(timeIntervalSince1970: attempt[1]), outcome: attempt[2], answer: attempt[3])
                }
                return line
            }
            let suites = try Row.fetchAll(db, sql: Self.runSuitesSQL, arguments: [id]).map { SuiteRef(name: $0[0], instance: $0[1]) }
            return RunPage(
                result: result, labels: Self.routing(body: row["routing_body"]).labels, transitions: transitions, snapshot: snapshot,
                deliveries: deliveries, suites: suites)
        }
    }

    package func undeliveredLines(limit: Int) async throws -> (pending: [DeliveryLine], dead: [DeliveryLine]) {
        try await pool.read { db in
            let pending = try Row.fetchAll(db, sql: Self.pendingLinesSQL, arguments: [limit]).map(Self.deliveryLine)
            let dead = try Row.fetchAll(db, sql: Self.deadLinesSQL, arguments: [limit]).map(Self.deliveryLine)
            return (pending, dead)
        }
    }

    // MARK: Statements (StoreQueryPlanTests checks each uses an index)

    // Those over finished rows name no index: on a store not yet migrated to v7 (a
    // read-only `runwatch status` after an upgrade, before the daemon restarted) they
    // still run, if slower; on v7 the planner takes `outbox_finished`, the only index
    // leading with `state` for them.

    package static let endedSinceSQL =
        "SELECT status, success, COUNT(*) FROM runs INDEXED BY runs_ended WHERE terminal = 1 AND ended_at >= ? GROUP BY status, success"
    package static let pendingByNotifierSQL = "SELECT notifier, COUNT(*) FROM outbox INDEXED BY outbox_due WHERE state = 'pending' GROUP BY notifier"
    package static let deadByNotifierSQL = "SELECT notifier, COUNT(*) FROM outbox WHERE state = 'dead' GROUP BY notifier"
    package static let deliveredByNotifierSQL = """
        SELECT notifier, COUNT(*) FROM outbox
        WHERE state = 'delivered' AND finished_at >= ? GROUP BY notifier
        """
    /// A range of the primary key: the notes `noteNotifier` keeps (`;` sorts right after `:`).
    package static let disabledNotifiersSQL =
        "SELECT key, value FROM daemon_state WHERE key >= 'notifier_disabled:' AND key < 'notifier_disabled;'"
    package static let openSuitesSQL =
        "SELECT id, name, created_at, completed_at FROM suites INDEXED BY suites_open WHERE completed_at IS NULL ORDER BY id LIMIT ?"
    package static let openSuiteCountSQL = "SELECT COUNT(*) FROM suites INDEXED BY suites_open WHERE completed_at IS NULL"
    package static let recentSuitesSQL = """
        SELECT id, name, created_at, completed_at FROM suites INDEXED BY suites_completed
        WHERE completed_at IS NOT NULL ORDER BY completed_at DESC LIMIT ?
        """
    package static let otherInstancesSQL = """
        SELECT id, name, created_at, completed_at FROM suites INDEXED BY suites_name
        WHERE name = ? AND id != ? ORDER BY id DESC LIMIT ?
        """
    package static let suiteCountsSQL = """
        SELECT r.status, r.success, r.terminal, COUNT(*) FROM suite_runs s JOIN runs r ON r.id = s.run_id
        WHERE s.suite = ? GROUP BY r.status, r.success, r.terminal
        """
    package static let expandingSQL = "SELECT id FROM results WHERE suite = ? AND state = 'expanding'"
    package static let runSQL = """
        SELECT r.status, r.success, r.terminal, r.snapshot, r.submitted_at, r.ended_at, g.body AS routing_body
        FROM runs r LEFT JOIN routings g ON g.id = r.routing WHERE r.id = ?
        """
    package static let transitionsSQL = "SELECT * FROM transitions WHERE run_id = ? ORDER BY id"
    package static let attemptsSQL = "SELECT attempt, at, outcome, answer FROM delivery_attempts WHERE outbox_id = ? ORDER BY attempt"
    package static let runSuitesSQL = "SELECT s.name, s.id FROM suite_runs m JOIN suites s ON s.id = m.suite WHERE m.run_id = ? ORDER BY s.id"
    private static let lineColumns = """
        o.id, o.notifier, o.run_id, o.event, o.state, o.attempts, o.created_at, o.next_attempt_at, o.finished_at, o.last_error,
        o.suite, s.name AS suite_name
        """
    package static let runDeliveriesSQL = """
        SELECT \(lineColumns) FROM outbox o LEFT JOIN suites s ON s.id = o.suite WHERE o.run_id = ? ORDER BY o.id
        """
    package static let pendingLinesSQL = """
        SELECT \(lineColumns) FROM outbox o INDEXED BY outbox_due LEFT JOIN suites s ON s.id = o.suite
        WHERE o.state = 'pending' ORDER BY o.next_attempt_at, o.id LIMIT ?
        """
    package static let deadLinesSQL = """
        SELECT \(lineColumns) FROM outbox o LEFT JOIN suites s ON s.id = o.suite
        WHERE o.state = 'dead' ORDER BY o.finished_at DESC LIMIT ?
        """

    /// A suite row (`id, name, created_at, completed_at`), counted.
    private static func tally(_ row: Row, _ db: Database) throws -> SuiteTally {
        let id: Int64 = row[0]
        var runs = 0
        var counts: [RunOutcome: Int] = [:]
        for count in try Row.fetchAll(db, sql: suiteCountsSQL, arguments: [id]) {
            let n: Int = count[3]
            runs += n
            let status: String? = count[0]
            let terminal: Bool = count[2]
            guard terminal, let outcome = status.flatMap({ RunOutcome(terminal: RunStatus(stored: $0), success: count[1]) }) else { continue }
            counts[outcome, default: 0] += n
        }
        let expanding = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results WHERE suite = ? AND state = 'expanding'", arguments: [id]) ?? 0
        let completed: Double? = row[3]
        return SuiteTally(
            instance: id, name: row[1], startedAt: Date(timeIntervalSince1970: row[2]), completedAt: completed.map(Date.init(timeIntervalSince1970:)),
            runs: runs, counts: counts, expandingResults: expanding)
    }

    /// An outbox row as the console shows it: no payload, URL or signature. Its error is
    /// the receiver's answer in words, cleaned and bounded again.
    private static func deliveryLine(_ row: Row) -> DeliveryLine {
        let state: String = row["state"]
        let suite: Int64? = row["suite"]
        let suiteName: String? = row["suite_name"]
        let finished: Double? = row["finished_at"]
        let lastError: String? = row["last_error"]
        return DeliveryLine(
            id: row["id"], notifier: row["notifier"], runID: row["run_id"],
            suite: suite.flatMap { id in suiteName.map { SuiteRef(name: $0, instance: id) } }, event: row["event"], state: state,
            attempts: row["attempts"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            nextAttemptAt: state == "pending" ? Date(timeIntervalSince1970: row["next_attempt_at"]) : nil,
            finishedAt: finished.map(Date.init(timeIntervalSince1970:)),
            lastError: lastError.map { StatusText.clean($0, maxBytes: attemptAnswerBytes) })
    }
}
