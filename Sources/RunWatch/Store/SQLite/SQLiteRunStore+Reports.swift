import Foundation
import GRDB
import RunWatchCore

/// Read-only views for the CLI (`status`, `show`).
extension SQLiteRunStore: Reports {
    /// Grouped by the column itself, so SQLite counts in the covering index's order; a
    /// `COALESCE(status, …)` key would sort all rows in a temp b-tree (38–44 ms at 100k runs
    /// against 11–15 ms), on every overview and `runwatch status`.
    package static let runsByStatusSQL = "SELECT status, COUNT(*) FROM runs GROUP BY status"

    package func summary() async throws -> StoreSummary {
        try await pool.read { db in
            var byStatus: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: Self.runsByStatusSQL) {
                // A run the API has not answered for yet has no status: it is "submitted".
                let status: String? = row[0]
                byStatus[status ?? "submitted", default: 0] += row[1] as Int
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

    package func history(of id: RunID) async throws -> RunHistory? {
        try await pool.read { db in
            guard
                let run = try Row.fetchOne(
                    db, sql: "SELECT r.*, g.body AS routing_body FROM runs r LEFT JOIN routings g ON g.id = r.routing WHERE r.id = ?",
                    arguments: [id])
            else { return nil }
            let transitions = try Row.fetchAll(db, sql: "SELECT * FROM transitions WHERE run_id = ? ORDER BY id", arguments: [id]).map(
                Self.transition)
            let deliveries = try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE run_id = ? ORDER BY id", arguments: [id]).map { row in
                RunHistory.Delivery(
                    notifier: row["notifier"], event: row["event"], attempts: row["attempts"], state: row["state"], lastError: row["last_error"])
            }
            let snapshotText: String? = run["snapshot"]
            return RunHistory(
                id: id, status: run["status"], success: run["success"],
                snapshot: snapshotText.flatMap { try? JSONDecoder().decode(RunSnapshot.self, from: Data($0.utf8)) },
                labels: Self.routing(body: run["routing_body"]).labels,
                submittedAt: Date(timeIntervalSince1970: run["submitted_at"]),
                transitions: transitions, deliveries: deliveries)
        }
    }
}
