import Foundation
import GRDB
import RunWatchCore

/// Cekura results submitted to be expanded into their runs (`GET /v2/results/{id}/`).
///
/// `results.state` is `expanding` until `ResultExpansion` calls the result `stable`,
/// `gave_up` or `not_found`; a suite with an `expanding` result stays open.
extension SQLiteRunStore {
    /// Queues results for expansion, due at once. Their runs join `suite`; a result
    /// submitted without a suite gets its own, named `result-<id>`. A result already known
    /// is not queued again (re-submitting is idempotent), but when submitted with a suite
    /// the runs it has so far join that suite: a CI job's `wait --suite ci-42 --result 8123`
    /// for a result submitted earlier (or by the job's first attempt) needs them there,
    /// and so does the suite's verdict. Runs a still-expanding result finds later join the
    /// suite it was first queued with (the wait adds a result's runs to its group anyway).
    static func queueResults(_ ids: [ResultID], suite: Int64?, routing: Int64?, at now: Double, _ db: Database) throws {
        for id in ids {
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM results WHERE id = ?", arguments: [id]) == nil else {
                if let suite {
                    let runs = try RunID.fetchAll(db, sql: "SELECT run_id FROM result_runs WHERE result = ?", arguments: [id])
                    try addToSuite(suite, runIDs: runs, at: now, db)
                }
                continue
            }
            let target = try suite ?? openSuite(named: "result-\(id)", routing: routing, at: now, db)
            try db.execute(
                sql: """
                    INSERT INTO results (id, suite, routing, next_read_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [id, target, routing, now, now, now])
        }
    }
}

extension SQLiteRunStore: ResultLedger {
    package func dueResults(at now: Date, limit: Int) async throws -> [ExpandingResult] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, run_count, stable_reads, reads, created_at, next_read_at FROM results
                    WHERE state = 'expanding' AND next_read_at <= ? ORDER BY next_read_at, id LIMIT ?
                    """, arguments: [now.timeIntervalSince1970, limit]
            ).map { row in
                ExpandingResult(
                    id: row[0], runCount: row[1], stableReads: row[2], reads: row[3], submittedAt: Date(timeIntervalSince1970: row[4]),
                    nextReadAt: Date(timeIntervalSince1970: row[5]))
            }
        }
    }

    package func nextResultRead() async throws -> Date? {
        try await pool.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(next_read_at) FROM results WHERE state = 'expanding'").map(Date.init(timeIntervalSince1970:))
        }
    }

    package func recordResultRead(_ read: ResultReadRecord) async throws -> Ingested {
        let now = read.at.timeIntervalSince1970
        return try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT suite, routing FROM results WHERE id = ?", arguments: [read.id]) else {
                return Ingested()
            }
            let suite: Int64? = row[0]
            let routingID: Int64? = row[1]
            let body = try routingID.flatMap { try String.fetchOne(db, sql: "SELECT body FROM routings WHERE id = ?", arguments: [$0]) }
            var result = Ingested(routing: Self.routing(body: body))
            let insert = try db.cachedStatement(
                sql: "INSERT INTO runs (id, routing, submitted_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING")
            let member = try db.cachedStatement(sql: "INSERT INTO result_runs (result, run_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
            var found: [RunID] = []
            for id in read.runIDs {
                // Only a run new to the result is added: one an operator forgot (`runwatch
                // forget`) while the result was still being read stays forgotten.
                try member.execute(arguments: [read.id, id])
                guard db.changesCount == 1 else { continue }
                found.append(id)
                try insert.execute(arguments: [id, routingID, now, now])
                if db.changesCount == 1 { result.newIDs.append(id) }
            }
            // A run that was also submitted by id keeps its own routing (it may be wider).
            if let suite { try Self.addToSuite(suite, runIDs: found, at: now, db) }
            let decision = read.decision
            try db.execute(
                sql: """
                    UPDATE results SET state = ?, run_count = ?, stable_reads = ?, reads = ?, next_read_at = ?, updated_at = ?,
                        last_error = ? WHERE id = ?
                    """,
                arguments: [
                    decision.state.rawValue, decision.progress.runCount, decision.progress.stableReads, decision.progress.reads,
                    decision.nextReadAt.timeIntervalSince1970, now, decision.reason, read.id,
                ])
            return result
        }
    }

    package func resultsOverview(limit: Int) async throws -> [ResultOverview] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, state, run_count, reads, last_error FROM results WHERE state != 'stable' ORDER BY created_at DESC, id DESC LIMIT ?",
                arguments: [limit]
            ).map { ResultOverview(id: $0[0], state: $0[1], runCount: $0[2], reads: $0[3], lastError: $0[4]) }
        }
    }

    package func result(_ id: ResultID) async throws -> (ResultOverview, [RunID])? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, state, run_count, reads, last_error FROM results WHERE id = ?", arguments: [id])
            else { return nil }
            let runs = try RunID.fetchAll(db, sql: "SELECT run_id FROM result_runs WHERE result = ? ORDER BY run_id", arguments: [id])
            return (ResultOverview(id: row[0], state: row[1], runCount: row[2], reads: row[3], lastError: row[4]), runs)
        }
    }
}
