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

    package func dueDeliveries(notifier: String, now: Date, limit: Int) async throws -> [OutboxMessage] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM outbox
                WHERE state = 'pending' AND notifier = ? AND next_attempt_at <= ?
                ORDER BY next_attempt_at, id LIMIT ?
                """, arguments: [notifier, now.timeIntervalSince1970, limit]
            ).map(Self.message)
        }
    }

    package func nextDeliveryDate(notifier: String) async throws -> Date? {
        try await pool.read { db in
            try Double.fetchOne(db, sql: """
                SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending' AND notifier = ?
                """, arguments: [notifier]
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    package func markDelivered(_ messageIDs: [Int64], at date: Date) async throws {
        try await pool.write { db in
            for id in messageIDs {
                try db.execute(sql: """
                    UPDATE outbox SET state = 'delivered', attempts = attempts + 1, finished_at = ?, last_error = NULL WHERE id = ?
                    """, arguments: [date.timeIntervalSince1970, id])
            }
        }
    }

    package func markDelivered(_ messageID: Int64, at date: Date) async throws {
        try await markDelivered([messageID], at: date)
    }

    package func markAttemptFailed(_ messageID: Int64, attempts: Int, nextAttemptAt: Date, error: String) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?
                """, arguments: [attempts, nextAttemptAt.timeIntervalSince1970, error, messageID])
        }
    }

    package func markDead(_ messageID: Int64, attempts: Int, error: String, at date: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE outbox SET state = 'dead', attempts = ?, last_error = ?, finished_at = ? WHERE id = ?
                """, arguments: [attempts, error, date.timeIntervalSince1970, messageID])
        }
    }

    package func undelivered(limit: Int) async throws -> [OutboxMessage] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE state != 'delivered' ORDER BY id LIMIT ?", arguments: [limit]).map(Self.message)
        }
    }

    package func retryDead(_ messageID: Int64?, at date: Date) async throws -> Int {
        try await pool.write { db in
            let now = date.timeIntervalSince1970
            if let messageID {
                try db.execute(sql: "UPDATE outbox SET state = 'pending', next_attempt_at = ?, created_at = ?, finished_at = NULL WHERE id = ? AND state = 'dead'", arguments: [now, now, messageID])
            } else {
                try db.execute(sql: "UPDATE outbox SET state = 'pending', next_attempt_at = ?, created_at = ?, finished_at = NULL WHERE state = 'dead'", arguments: [now, now])
            }
            return db.changesCount
        }
    }

    static func message(_ row: Row) -> OutboxMessage {
        OutboxMessage(
            id: row["id"], notifier: row["notifier"], runID: row["run_id"], event: row["event"],
            idempotencyKey: row["idempotency_key"], payload: row["payload"], alert: row["alert"], attempts: row["attempts"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), state: row["state"], lastError: row["last_error"])
    }
}
