import Foundation
import GRDB
import RunWatchCore

/// Cekura results submitted to be expanded into their runs (`GET /v2/results/{id}/`).
extension SQLiteRunStore {
    /// Queues results for expansion, due at once. Their runs join `suite`; a result
    /// submitted without a suite gets its own, named `result-<id>`. A result already known
    /// is left as it is (re-submitting is idempotent).
    static func queueResults(_ ids: [ResultID], suite: Int64?, routing: Int64?, at now: Double, _ db: Database) throws {
        for id in ids {
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM results WHERE id = ?", arguments: [id]) == nil else { continue }
            let target = try suite ?? openSuite(named: "result-\(id)", routing: routing, at: now, db)
            try db.execute(
                sql: """
                    INSERT INTO results (id, suite, routing, next_read_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [id, target, routing, now, now, now])
        }
    }
}

extension SQLiteRunStore: ResultLedger {}
