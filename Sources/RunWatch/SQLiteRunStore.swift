import Foundation
import GRDB
import RunWatchCore

/// The embedded store: one SQLite file in WAL mode under `state_dir`.
///
/// Times are stored as Unix seconds (REAL) so they sort and compare in SQL.
public final class SQLiteRunStore: RunStore {
    public static let fileName = "runwatch.sqlite"

    private let pool: DatabasePool

    public enum OpenError: Error, CustomStringConvertible {
        case cannotOpen(path: String, reason: String)
        case newerSchema(path: String, unknown: [String])

        public var description: String {
            switch self {
            case .cannotOpen(let path, let reason):
                "cannot open store '\(path)': \(reason)"
            case .newerSchema(let path, let unknown):
                "store '\(path)' was written by a newer runwatch (unknown migrations: \(unknown.joined(separator: ", "))); refusing to start. Upgrade runwatch, or point state_dir elsewhere. The store was not changed."
            }
        }
    }

    /// Opens (creating and migrating if needed) the store in `directory`.
    public static func open(directory: String, readOnly: Bool = false) throws -> SQLiteRunStore {
        let path = (directory as NSString).appendingPathComponent(fileName)
        var config = GRDB.Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(5)
        let pool: DatabasePool
        do {
            if !readOnly {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw OpenError.cannotOpen(path: path, reason: "\(error)")
        }
        let migrator = Self.migrator
        let unknown = try pool.read { db -> [String] in
            let applied = try migrator.appliedIdentifiers(db)
            return applied.subtracting(migrator.migrations).sorted()
        }
        guard unknown.isEmpty else { throw OpenError.newerSchema(path: path, unknown: unknown) }
        if !readOnly {
            do {
                try migrator.migrate(pool)
            } catch {
                throw OpenError.cannotOpen(path: path, reason: "migration failed: \(error)")
            }
        }
        return SQLiteRunStore(pool: pool)
    }

    private init(pool: DatabasePool) {
        self.pool = pool
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-runs-transitions-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY,
                    status TEXT,
                    success INTEGER,
                    terminal INTEGER NOT NULL DEFAULT 0,
                    labels TEXT,
                    notifiers TEXT,
                    snapshot TEXT,
                    submitted_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    ended_at REAL
                );
                CREATE INDEX runs_active ON runs(id) WHERE terminal = 0;
                CREATE TABLE transitions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id INTEGER NOT NULL,
                    from_status TEXT,
                    to_status TEXT NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX transitions_run ON transitions(run_id);
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    notifier TEXT NOT NULL,
                    run_id INTEGER NOT NULL,
                    event TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    created_at REAL NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending',
                    finished_at REAL,
                    last_error TEXT,
                    UNIQUE(notifier, idempotency_key)
                );
                CREATE INDEX outbox_due ON outbox(notifier, next_attempt_at) WHERE state = 'pending';
                CREATE INDEX outbox_run ON outbox(run_id);
                """)
        }
        migrator.registerMigration("v2-daemon-state") { db in
            try db.execute(sql: """
                CREATE TABLE daemon_state (
                    key TEXT PRIMARY KEY,
                    value TEXT,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX runs_ended ON runs(ended_at) WHERE terminal = 1;
                """)
        }
        migrator.registerMigration("v3-outbox-alert") { db in
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN alert BLOB")
        }
        return migrator
    }

    // MARK: Runs

    public func ingest(_ submission: SpoolSubmission, at date: Date) async throws -> [RunID] {
        let labelsJSON = submission.labels.isEmpty ? nil : Self.json(submission.labels)
        let notifiersJSON = submission.notifiers.map(Self.json)
        let now = date.timeIntervalSince1970
        return try await pool.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO runs (id, labels, notifiers, submitted_at, updated_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
                """)
            var inserted: [RunID] = []
            var existing: [RunID] = []
            for id in submission.runIDs {
                try insert.execute(arguments: [id, labelsJSON, notifiersJSON, now, now])
                if db.changesCount == 1 { inserted.append(id) } else { existing.append(id) }
            }
            // Re-submitting is idempotent; new labels merge over old ones.
            if !existing.isEmpty, !submission.labels.isEmpty || submission.notifiers != nil {
                for id in existing {
                    let row = try Row.fetchOne(db, sql: "SELECT labels, notifiers FROM runs WHERE id = ?", arguments: [id])
                    var labels = Self.decode([String: String].self, row?["labels"]) ?? [:]
                    labels.merge(submission.labels) { _, new in new }
                    let notifiers = submission.notifiers.map(Self.json) ?? (row?["notifiers"] as String?)
                    try db.execute(
                        sql: "UPDATE runs SET labels = ?, notifiers = ?, updated_at = ? WHERE id = ?",
                        arguments: [labels.isEmpty ? nil : Self.json(labels), notifiers, now, id])
                }
            }
            return inserted
        }
    }

    public func activeRuns() async throws -> [RunID: TrackedRun] {
        try await pool.read { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE terminal = 0") ?? 0
            var result: [RunID: TrackedRun] = [:]
            result.reserveCapacity(count)
            // Columns by position: this runs once per active run at start-up.
            let rows = try Row.fetchCursor(db, sql: "SELECT id, status, success, submitted_at FROM runs WHERE terminal = 0")
            while let row = try rows.next() {
                let status: String? = row[1]
                let success: Bool? = row[2]
                let submitted: Double = row[3]
                result[row[0]] = TrackedRun(
                    state: RunState(status: status.map(RunStatus.init(stored:)), success: success),
                    submittedAt: Date(timeIntervalSince1970: submitted))
            }
            return result
        }
    }

    public func routing(for ids: [RunID]) async throws -> [RunID: RunRouting] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            var result: [RunID: RunRouting] = [:]
            let statement = try db.cachedStatement(sql: "SELECT labels, notifiers FROM runs WHERE id = ?")
            for id in ids {
                guard let row = try Row.fetchOne(statement, arguments: [id]) else { continue }
                result[id] = RunRouting(
                    labels: Self.decode([String: String].self, row["labels"]) ?? [:],
                    notifiers: Self.decode([String].self, row["notifiers"]))
            }
            return result
        }
    }

    @discardableResult
    public func record(_ record: PollRecord) async throws -> Set<RunID> {
        guard !record.updates.isEmpty || !record.messages.isEmpty || !record.polled.isEmpty else { return [] }
        let now = record.at.timeIntervalSince1970
        let encoder = JSONEncoder()
        return try await pool.write { db in
            var missing: Set<RunID> = []
            if !record.polled.isEmpty {
                let known = try RunID.fetchSet(db, sql: "SELECT id FROM runs WHERE id IN (\(record.polled.map(String.init).joined(separator: ",")))")
                missing = Set(record.polled).subtracting(known)
            }
            let update = try db.cachedStatement(sql: """
                UPDATE runs SET status = ?, success = ?, terminal = ?, snapshot = COALESCE(?, snapshot), updated_at = ?,
                    ended_at = CASE WHEN ? THEN ? ELSE ended_at END
                WHERE id = ?
                """)
            let transition = try db.cachedStatement(sql: """
                INSERT INTO transitions (run_id, from_status, to_status, at) VALUES (?, ?, ?, ?)
                """)
            let enqueue = try db.cachedStatement(sql: """
                INSERT INTO outbox (notifier, run_id, event, idempotency_key, payload, alert, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(notifier, idempotency_key) DO NOTHING
                """)
            for item in record.updates where !missing.contains(item.snapshot.id) {
                let terminal = item.ended
                // What the API said of a run that ended badly is kept for `runwatch show`;
                // for the many that end well it would only cost time and space.
                let keep = terminal && item.outcome?.isFailure == true
                let snapshot = keep ? String(decoding: try encoder.encode(item.snapshot), as: UTF8.self) : nil
                try update.execute(arguments: [
                    item.current.status?.rawValue, item.current.success, terminal, snapshot, now,
                    terminal, now, item.snapshot.id,
                ])
                if db.changesCount == 0 {
                    missing.insert(item.snapshot.id)
                    continue
                }
                if let change = item.transition {
                    try transition.execute(arguments: [change.runID, change.from?.rawValue, change.to.rawValue, change.at.timeIntervalSince1970])
                }
            }
            for message in record.messages where !missing.contains(message.runID) {
                try enqueue.execute(arguments: [
                    message.notifier, message.runID, message.event, message.idempotencyKey, message.payload, message.alert, now, now,
                ])
            }
            return missing
        }
    }

    public func forget(_ ids: [RunID]) async throws -> [RunID] {
        try await pool.write { db in
            var existed: [RunID] = []
            for id in ids {
                try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [id])
                guard db.changesCount > 0 else { continue }
                existed.append(id)
                try db.execute(sql: "DELETE FROM transitions WHERE run_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM outbox WHERE run_id = ?", arguments: [id])
            }
            return existed
        }
    }

    public func prune(endedBefore cutoff: Date) async throws -> Int {
        try await pool.write { db in
            // A run whose alert is still owed stays until it is delivered or dead.
            try db.execute(sql: """
                CREATE TEMP TABLE IF NOT EXISTS prune_ids (id INTEGER PRIMARY KEY);
                DELETE FROM prune_ids;
                """)
            try db.execute(sql: """
                INSERT INTO prune_ids SELECT id FROM runs
                WHERE terminal = 1 AND ended_at < ?
                  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.run_id = runs.id AND o.state = 'pending')
                """, arguments: [cutoff.timeIntervalSince1970])
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prune_ids") ?? 0
            guard count > 0 else { return 0 }
            try db.execute(sql: """
                DELETE FROM transitions WHERE run_id IN (SELECT id FROM prune_ids);
                DELETE FROM outbox WHERE run_id IN (SELECT id FROM prune_ids);
                DELETE FROM runs WHERE id IN (SELECT id FROM prune_ids);
                DELETE FROM prune_ids;
                """)
            return count
        }
    }

    public func pendingByNotifier() async throws -> [String: Int] {
        try await pool.read { db in
            var result: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT notifier, COUNT(*) AS n FROM outbox WHERE state = 'pending' GROUP BY notifier") {
                result[row["notifier"]] = row["n"]
            }
            return result
        }
    }

    public func noteNotifier(_ name: String, disabled reason: String?, at date: Date) async throws {
        try await pool.write { db in
            if let reason {
                try Self.setState(db, "notifier_disabled:\(name)", reason, at: date)
            } else {
                try db.execute(sql: "DELETE FROM daemon_state WHERE key = ?", arguments: ["notifier_disabled:\(name)"])
            }
        }
    }

    public func noteAPIState(_ state: String, error: String?, at date: Date) async throws {
        try await pool.write { db in
            try Self.setState(db, "api_state", state, at: date)
            if let error { try Self.setState(db, "last_api_error", error, at: date) }
        }
    }

    private static func setState(_ db: Database, _ key: String, _ value: String, at date: Date) throws {
        try db.execute(sql: """
            INSERT INTO daemon_state (key, value, updated_at) VALUES (?, ?, ?)
            ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """, arguments: [key, value, date.timeIntervalSince1970])
    }

    // MARK: Outbox

    public func dueDeliveries(notifier: String, now: Date, limit: Int) async throws -> [OutboxMessage] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM outbox
                WHERE state = 'pending' AND notifier = ? AND next_attempt_at <= ?
                ORDER BY next_attempt_at, id LIMIT ?
                """, arguments: [notifier, now.timeIntervalSince1970, limit]
            ).map(Self.message)
        }
    }

    private static func transition(_ row: Row) -> Transition {
        let from: String? = row["from_status"]
        return Transition(
            runID: row["run_id"], from: from.map(RunStatus.init(stored:)), to: RunStatus(stored: row["to_status"]),
            at: Date(timeIntervalSince1970: row["at"]))
    }

    private static func message(_ row: Row) -> OutboxMessage {
        OutboxMessage(
            id: row["id"], notifier: row["notifier"], runID: row["run_id"], event: row["event"],
            idempotencyKey: row["idempotency_key"], payload: row["payload"], alert: row["alert"], attempts: row["attempts"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), state: row["state"], lastError: row["last_error"])
    }

    public func undelivered(limit: Int) async throws -> [OutboxMessage] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE state != 'delivered' ORDER BY id LIMIT ?", arguments: [limit]).map(Self.message)
        }
    }

    public func retryDead(_ messageID: Int64?, at date: Date) async throws -> Int {
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

    public func markDelivered(_ messageIDs: [Int64], at date: Date) async throws {
        try await pool.write { db in
            for id in messageIDs {
                try db.execute(sql: """
                    UPDATE outbox SET state = 'delivered', attempts = attempts + 1, finished_at = ?, last_error = NULL WHERE id = ?
                    """, arguments: [date.timeIntervalSince1970, id])
            }
        }
    }

    public func transitions(for ids: [RunID]) async throws -> [RunID: [Transition]] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            var result: [RunID: [Transition]] = [:]
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM transitions WHERE run_id IN (\(ids.map(String.init).joined(separator: ","))) ORDER BY id")
            for row in rows {
                let change = Self.transition(row)
                result[change.runID, default: []].append(change)
            }
            return result
        }
    }

    public func nextDeliveryDate(notifier: String) async throws -> Date? {
        try await pool.read { db in
            try Double.fetchOne(db, sql: """
                SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending' AND notifier = ?
                """, arguments: [notifier]
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    public func markDelivered(_ messageID: Int64, at date: Date) async throws {
        try await markDelivered([messageID], at: date)
    }

    public func markAttemptFailed(_ messageID: Int64, attempts: Int, nextAttemptAt: Date, error: String) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?
                """, arguments: [attempts, nextAttemptAt.timeIntervalSince1970, error, messageID])
        }
    }

    public func markDead(_ messageID: Int64, attempts: Int, error: String, at date: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE outbox SET state = 'dead', attempts = ?, last_error = ?, finished_at = ? WHERE id = ?
                """, arguments: [attempts, error, date.timeIntervalSince1970, messageID])
        }
    }

    // MARK: Reading

    public func summary() async throws -> StoreSummary {
        try await pool.read { db in
            var byStatus: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT COALESCE(status, 'submitted') AS s, COUNT(*) AS n FROM runs GROUP BY s") {
                byStatus[row["s"]] = row["n"]
            }
            let active = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE terminal = 0") ?? 0
            let oldest = try Double.fetchOne(db, sql: "SELECT MIN(submitted_at) FROM runs WHERE terminal = 0")
            var outbox: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM outbox GROUP BY state") {
                outbox[row["state"]] = row["n"]
            }
            var state: [String: (value: String?, at: Double)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value, updated_at FROM daemon_state") {
                state[row["key"]] = (row["value"], row["updated_at"])
            }
            return StoreSummary(
                runsByStatus: byStatus, active: active,
                oldestActiveSubmittedAt: oldest.map(Date.init(timeIntervalSince1970:)),
                outboxPending: outbox["pending"] ?? 0, outboxDead: outbox["dead"] ?? 0,
                delivered: outbox["delivered"] ?? 0,
                apiState: state["api_state"]?.value ?? nil,
                lastAPIError: state["last_api_error"]?.value ?? nil,
                lastAPIErrorAt: state["last_api_error"].map { Date(timeIntervalSince1970: $0.at) },
                disabledNotifiers: state.reduce(into: [String: String]()) { result, entry in
                    guard entry.key.hasPrefix("notifier_disabled:") else { return }
                    result[String(entry.key.dropFirst("notifier_disabled:".count))] = entry.value.value ?? ""
                })
        }
    }

    public func history(of id: RunID) async throws -> RunHistory? {
        try await pool.read { db in
            guard let run = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else { return nil }
            let transitions = try Row.fetchAll(db, sql: "SELECT * FROM transitions WHERE run_id = ? ORDER BY id", arguments: [id]).map(Self.transition)
            let deliveries = try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE run_id = ? ORDER BY id", arguments: [id]).map { row in
                RunHistory.Delivery(notifier: row["notifier"], event: row["event"], attempts: row["attempts"], state: row["state"], lastError: row["last_error"])
            }
            let snapshotText: String? = run["snapshot"]
            return RunHistory(
                id: id, status: run["status"], success: run["success"],
                snapshot: snapshotText.flatMap { try? JSONDecoder().decode(RunSnapshot.self, from: Data($0.utf8)) },
                labels: Self.decode([String: String].self, run["labels"]) ?? [:],
                submittedAt: Date(timeIntervalSince1970: run["submitted_at"]),
                transitions: transitions, deliveries: deliveries)
        }
    }

    // MARK: JSON columns

    private static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
