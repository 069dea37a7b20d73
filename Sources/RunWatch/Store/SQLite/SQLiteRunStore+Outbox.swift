import Foundation
import GRDB
import RunWatchCore

/// Notifications waiting for, or done with, delivery.
extension SQLiteRunStore: Outbox {
    package func pendingByNotifier() async throws -> [String: Int] {
        try await pool.read { db in
            var result: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT notifier, COUNT(*) AS n FROM outbox WHERE state = 'pending' GROUP BY notifier") {
                result[row["notifier"]] = row["n"]
            }
            return result
        }
    }

    package func pendingCount() async throws -> Int {
        try await pool.read { db in
            // Served by the partial index `outbox_due` (pending rows only).
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox INDEXED BY outbox_due WHERE state = 'pending'") ?? 0
        }
    }

    package func pendingEntries(notifier: String, limit: Int) async throws -> [OutboxEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, attempts, (content = 1 AND event != 'run.transition' AND suite IS NULL) OR alert IS NOT NULL AS is_alert, created_at, next_attempt_at FROM outbox
                    WHERE state = 'pending' AND notifier = ?
                    ORDER BY next_attempt_at, id LIMIT ?
                    """, arguments: [notifier, limit]
            ).map { row in
                OutboxEntry(
                    id: row["id"], attempts: row["attempts"], isRunAlert: row["is_alert"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"]), nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]))
            }
        }
    }

    package func messages(_ ids: [Int64]) async throws -> [OutboxMessage] {
        guard !ids.isEmpty else { return [] }
        let found = try await pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT o.*, g.body AS routing_body FROM outbox o LEFT JOIN routings g ON g.id = o.routing WHERE o.id IN (\(databaseQuestionMarks(count: ids.count)))",
                arguments: StatementArguments(ids)
            )
            .map(Self.message)
        }
        let byID = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return ids.compactMap { byID[$0] }
    }

    package func record(_ updates: [DeliveryPlan.Update], at date: Date) async throws {
        guard !updates.isEmpty else { return }
        let now = date.timeIntervalSince1970
        try await pool.write { db in
            for update in updates {
                try Self.logAttempt(update, at: now, db)
                switch update {
                case .delivered(let id, let attempts):
                    try db.execute(
                        sql: """
                            UPDATE outbox SET state = 'delivered', attempts = ?, finished_at = ?, last_error = NULL WHERE id = ?
                            """, arguments: [attempts, now, id])
                case .retry(let id, let attempts, let after, let reason):
                    try db.execute(
                        sql: """
                            UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?
                            """, arguments: [attempts, now + after.secondsDouble, reason, id])
                case .held(let id, let attempts, let reason):
                    try db.execute(
                        sql: """
                            UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?
                            """, arguments: [attempts, now, reason, id])
                case .dead(let id, let attempts, let reason, _):
                    try db.execute(
                        sql: """
                            UPDATE outbox SET state = 'dead', attempts = ?, last_error = ?, finished_at = ? WHERE id = ?
                            """, arguments: [attempts, reason, now, id])
                }
            }
        }
    }

    package func undelivered(limit: Int) async throws -> [OutboxMessage] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT o.*, g.body AS routing_body FROM outbox o LEFT JOIN routings g ON g.id = o.routing WHERE o.state != 'delivered' ORDER BY o.id LIMIT ?",
                arguments: [limit]
            ).map(Self.message)
        }
    }

    package func retryDead(_ messageID: Int64?, at date: Date) async throws -> Int {
        try await pool.write { db in
            let now = date.timeIntervalSince1970
            if let messageID {
                try db.execute(
                    sql:
                        "UPDATE outbox SET state = 'pending', next_attempt_at = ?, created_at = ?, finished_at = NULL WHERE id = ? AND state = 'dead'",
                    arguments: [now, now, messageID])
            } else {
                try db.execute(
                    sql: "UPDATE outbox SET state = 'pending', next_attempt_at = ?, created_at = ?, finished_at = NULL WHERE state = 'dead'",
                    arguments: [now, now])
            }
            return db.changesCount
        }
    }

    /// Rows select `routing_body` (the joined routing) so labels stored once come back.
    static func message(_ row: Row) -> OutboxMessage {
        var payload: Data = row["payload"]
        if let body: String = row["routing_body"], let content = OutboxContent.decode(payload) {
            payload = content.withLabels(Self.routing(body: body).labels).encoded()
        }
        return OutboxMessage(
            id: row["id"], notifier: row["notifier"], runID: row["run_id"], event: row["event"],
            idempotencyKey: row["idempotency_key"], payload: payload, alert: row["alert"], isContent: row["content"] == 1,
            attempts: row["attempts"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), state: row["state"], lastError: row["last_error"])
    }
}
