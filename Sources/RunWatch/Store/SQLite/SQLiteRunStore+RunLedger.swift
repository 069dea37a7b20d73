import Foundation
import GRDB
import RunWatchCore

/// Runs, their state and their transitions.
extension SQLiteRunStore: RunLedger {
    package func ingest(_ submission: SpoolSubmission, at date: Date) async throws -> Ingested {
        let labelsJSON = submission.labels.isEmpty ? nil : Self.json(submission.labels)
        let notifiersJSON = submission.notifiers.map(Self.json)
        let now = date.timeIntervalSince1970
        // Durable: the ingester deletes the spool file once this returns.
        return try await durableWrite { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO runs (id, labels, notifiers, submitted_at, updated_at)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
                    """)
            var result = Ingested(routing: RunRouting(labels: submission.labels, notifiers: submission.notifiers))
            var existing: [RunID] = []
            for id in submission.runIDs {
                try insert.execute(arguments: [id, labelsJSON, notifiersJSON, now, now])
                if db.changesCount == 1 { result.newIDs.append(id) } else { existing.append(id) }
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
                    result.rerouted[id] = RunRouting(labels: labels, notifiers: Self.decode([String].self, notifiers))
                }
            }
            return result
        }
    }

    package func activeRuns() async throws -> [RunID: TrackedRun] {
        try await pool.read { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE terminal = 0") ?? 0
            var result: [RunID: TrackedRun] = [:]
            result.reserveCapacity(count)
            // Runs of one submission share their routing; decode each distinct one once and
            // share its storage, instead of one copy per run.
            var routings: [String: RunRouting] = [:]
            // Columns by position: this runs once per active run at start-up.
            let rows = try Row.fetchCursor(db, sql: "SELECT id, status, success, submitted_at, labels, notifiers FROM runs WHERE terminal = 0")
            while let row = try rows.next() {
                let status: String? = row[1]
                let success: Bool? = row[2]
                let submitted: Double = row[3]
                let labels: String? = row[4]
                let notifiers: String? = row[5]
                var routing = RunRouting()
                if labels != nil || notifiers != nil {
                    let key = (labels ?? "") + "\u{0}" + (notifiers ?? "")
                    if let known = routings[key] {
                        routing = known
                    } else {
                        routing = RunRouting(
                            labels: Self.decode([String: String].self, labels) ?? [:], notifiers: Self.decode([String].self, notifiers))
                        routings[key] = routing
                    }
                }
                result[row[0]] = TrackedRun(
                    state: RunState(status: status.map(RunStatus.init(stored:)), success: success),
                    submittedAt: Date(timeIntervalSince1970: submitted), routing: routing)
            }
            return result
        }
    }

    package func transitions(for ids: [RunID]) async throws -> [RunID: [Transition]] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            var result: [RunID: [Transition]] = [:]
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM transitions WHERE run_id IN (\(ids.map(String.init).joined(separator: ","))) ORDER BY id")
            for row in rows {
                let change = Self.transition(row)
                result[change.runID, default: []].append(change)
            }
            return result
        }
    }

    @discardableResult
    package func record(_ record: PollRecord) async throws -> Set<RunID> {
        guard !record.updates.isEmpty || !record.messages.isEmpty || !record.polled.isEmpty else { return [] }
        let now = record.at.timeIntervalSince1970
        let encoder = JSONEncoder()
        return try await pool.write { db in
            var missing: Set<RunID> = []
            if !record.polled.isEmpty {
                let known = try RunID.fetchSet(db, sql: "SELECT id FROM runs WHERE id IN (\(record.polled.map(String.init).joined(separator: ",")))")
                missing = Set(record.polled).subtracting(known)
            }
            let update = try db.cachedStatement(
                sql: """
                    UPDATE runs SET status = ?, success = ?, terminal = ?, snapshot = COALESCE(?, snapshot), updated_at = ?,
                        ended_at = CASE WHEN ? THEN ? ELSE ended_at END
                    WHERE id = ?
                    """)
            let transition = try db.cachedStatement(
                sql: """
                    INSERT INTO transitions (run_id, from_status, to_status, at) VALUES (?, ?, ?, ?)
                    """)
            let enqueue = try db.cachedStatement(
                sql: """
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

    package func forget(_ ids: [RunID]) async throws -> [RunID] {
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

    package func prune(endedBefore cutoff: Date) async throws -> Int {
        try await pool.write { db in
            // A run whose alert is still owed stays until it is delivered or dead.
            try db.execute(
                sql: """
                    CREATE TEMP TABLE IF NOT EXISTS prune_ids (id INTEGER PRIMARY KEY);
                    DELETE FROM prune_ids;
                    """)
            try db.execute(
                sql: """
                    INSERT INTO prune_ids SELECT id FROM runs
                    WHERE terminal = 1 AND ended_at < ?
                      AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.run_id = runs.id AND o.state = 'pending')
                    """, arguments: [cutoff.timeIntervalSince1970])
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prune_ids") ?? 0
            guard count > 0 else { return 0 }
            try db.execute(
                sql: """
                    DELETE FROM transitions WHERE run_id IN (SELECT id FROM prune_ids);
                    DELETE FROM outbox WHERE run_id IN (SELECT id FROM prune_ids);
                    DELETE FROM runs WHERE id IN (SELECT id FROM prune_ids);
                    DELETE FROM prune_ids;
                    """)
            return count
        }
    }
}
