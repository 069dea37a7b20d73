import Foundation
import GRDB
import RunWatchCore

/// Runs' routings (labels and named notifiers), stored once per distinct routing in
/// `routings` and referred to by `runs.routing` and `outbox.routing`. A submission of
/// 100,000 ids with large labels costs one row here, not 100,000 copies, and an outbox row
/// carries its alert without the labels.
extension SQLiteRunStore {
    /// The stored form: canonical JSON (sorted keys, sorted names), so equal routings
    /// share one row.
    private struct StoredRouting: Codable {
        var labels: [String: String]?
        var notifiers: [String]?
    }

    static func routingBody(_ routing: RunRouting) -> String {
        json(StoredRouting(labels: routing.labels.isEmpty ? nil : routing.labels, notifiers: routing.notifiers?.sorted()))
    }

    static func routing(body: String?) -> RunRouting {
        guard let stored = decode(StoredRouting.self, body) else { return RunRouting() }
        return RunRouting(labels: stored.labels ?? [:], notifiers: stored.notifiers)
    }

    /// The row id of this routing, added if new; nil for the default routing.
    static func routingID(_ routing: RunRouting, _ db: Database) throws -> Int64? {
        guard !routing.isDefault else { return nil }
        let body = routingBody(routing)
        try db.execute(sql: "INSERT INTO routings (body) VALUES (?) ON CONFLICT(body) DO NOTHING", arguments: [body])
        return try Int64.fetchOne(db, sql: "SELECT id FROM routings WHERE body = ?", arguments: [body])
    }

    /// Routings no run, outbox row, suite or result refers to any more.
    static func pruneRoutings(_ db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM routings WHERE NOT EXISTS (SELECT 1 FROM runs WHERE runs.routing = routings.id)
                  AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.routing = routings.id)
                  AND NOT EXISTS (SELECT 1 FROM suites WHERE suites.routing = routings.id)
                  AND NOT EXISTS (SELECT 1 FROM results WHERE results.routing = routings.id)
                """)
    }

    /// v5: moves every run's `labels`/`notifiers` copy into `routings`.
    static func migrateToRoutings(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE routings (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE);
                ALTER TABLE runs ADD COLUMN routing INTEGER;
                ALTER TABLE outbox ADD COLUMN routing INTEGER;
                CREATE INDEX runs_routing ON runs(routing) WHERE routing IS NOT NULL;
                CREATE INDEX outbox_routing ON outbox(routing) WHERE routing IS NOT NULL;
                """)
        let pairs = try Row.fetchAll(
            db, sql: "SELECT DISTINCT labels, notifiers FROM runs WHERE labels IS NOT NULL OR notifiers IS NOT NULL")
        for pair in pairs {
            let labels: String? = pair["labels"]
            let notifiers: String? = pair["notifiers"]
            let routing = RunRouting(labels: decode([String: String].self, labels) ?? [:], notifiers: decode([String].self, notifiers))
            try db.execute(
                sql: "UPDATE runs SET routing = ?, labels = NULL, notifiers = NULL WHERE labels IS ? AND notifiers IS ?",
                arguments: [try routingID(routing, db), labels, notifiers])
        }
    }
}
