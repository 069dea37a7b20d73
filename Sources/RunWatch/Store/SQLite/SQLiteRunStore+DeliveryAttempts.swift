import Foundation
import GRDB
import RunWatchCore

/// The delivery-attempt log: one row per attempt, written in the transaction that records
/// the attempt's outcome on its outbox row, deleted with that row. Its answer is the same
/// words `last_error` holds (a status code, or the kind of failure: never a URL, header or
/// secret; `NotificationSender` makes them so), cleaned and bounded once more here.
extension SQLiteRunStore {
    /// A message retried for days keeps its last attempts only: the log stays bounded.
    package static let attemptsKeptPerMessage = 50
    /// Bytes of an attempt's answer kept (the same bound `STATUS=` uses for a reason).
    package static let attemptAnswerBytes = 200

    /// v7: the attempt log, and indexes for what the console reads at every overview: finished
    /// rows (dead letters, delivered counts), runs by status and the outbox by state (the
    /// summary's counts read a small covering index instead of every row with its
    /// snapshot), and results not yet settled.
    static func migrateToDeliveryAttempts(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE delivery_attempts (
                    outbox_id INTEGER NOT NULL,
                    attempt INTEGER NOT NULL,
                    at REAL NOT NULL,
                    outcome TEXT NOT NULL,
                    answer TEXT,
                    PRIMARY KEY (outbox_id, attempt)
                ) WITHOUT ROWID;
                CREATE INDEX outbox_finished ON outbox(state, finished_at, notifier);
                CREATE INDEX runs_status ON runs(status);
                CREATE INDEX results_unsettled ON results(created_at) WHERE state != 'stable';
                """)
    }

    /// Logs one attempt of `update` (inside `record`'s transaction) and drops the oldest
    /// beyond `attemptsKeptPerMessage`. A message held because its notifier was disabled
    /// mid-send counts as `retry`: it is tried again after the reload.
    static func logAttempt(_ update: DeliveryPlan.Update, at now: Double, _ db: Database) throws {
        let (id, attempt, outcome, answer): (Int64, Int, String, String?) =
            switch update {
            case .delivered(let id, let attempts): (id, attempts, "delivered", nil)
            case .retry(let id, let attempts, _, let reason): (id, attempts, "retry", reason)
            case .held(let id, let attempts, let reason): (id, attempts, "retry", reason)
            case .dead(let id, let attempts, let reason, _): (id, attempts, "dead", reason)
            }
        // Only for a row still stored: one forgotten while it was being sent leaves no orphan.
        let insert = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO delivery_attempts (outbox_id, attempt, at, outcome, answer)
                SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM outbox WHERE id = ?)
                """)
        try insert.execute(arguments: [
            id, attempt, now, outcome, answer.map { StatusText.clean($0, maxBytes: attemptAnswerBytes) }, id,
        ])
        let trim = try db.cachedStatement(sql: "DELETE FROM delivery_attempts WHERE outbox_id = ? AND attempt <= ?")
        try trim.execute(arguments: [id, attempt - attemptsKeptPerMessage])
    }
}
