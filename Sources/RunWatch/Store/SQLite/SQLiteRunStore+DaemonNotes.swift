import Foundation
import GRDB
import RunWatchCore

/// Small facts the daemon keeps for `runwatch status` (API state, disabled notifiers).
extension SQLiteRunStore: DaemonNotes {
    package func noteAPIState(_ state: String, error: String?, at date: Date) async throws {
        try await pool.write { db in
            try Self.setState(db, "api_state", state, at: date)
            if let error { try Self.setState(db, "last_api_error", error, at: date) }
        }
    }

    package func noteNotifier(_ name: String, disabled reason: String?, at date: Date) async throws {
        try await pool.write { db in
            if let reason {
                try Self.setState(db, "notifier_disabled:\(name)", reason, at: date)
            } else {
                try db.execute(sql: "DELETE FROM daemon_state WHERE key = ?", arguments: ["notifier_disabled:\(name)"])
            }
        }
    }

    static func setState(_ db: Database, _ key: String, _ value: String, at date: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO daemon_state (key, value, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """, arguments: [key, value, date.timeIntervalSince1970])
    }
}
