import Foundation
import GRDB
import RunWatchCore

/// Runs, their state and their transitions.
extension SQLiteRunStore: RunLedger {
    package func ingest(_ submission: SpoolSubmission, at date: Date) async throws -> Ingested {
        let requested = RunRouting(labels: submission.labels, notifiers: submission.notifiers)
        let now = date.timeIntervalSince1970
        // Durable: the ingester deletes the spool file once this returns.
        return try await durableWrite { db in
            let routingID = try Self.routingID(requested, db)
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO runs (id, routing, submitted_at, updated_at)
                    VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
                    """)
            var result = Ingested(routing: requested)
            var existing: [RunID] = []
            for id in submission.runIDs {
                try insert.execute(arguments: [id, routingID, now, now])
                if db.changesCount == 1 { result.newIDs.append(id) } else { existing.append(id) }
            }
            // Suite membership and results to expand commit with the runs: a file is
            // unlinked only once all it asked for is on disk.
            let suite = try submission.suite.map { try Self.openSuite(named: $0, routing: routingID, at: now, db) }
            if let suite { try Self.addToSuite(suite, runIDs: submission.runIDs, at: now, db) }
            try Self.queueResults(submission.resultIDs, suite: suite, routing: routingID, at: now, db)
            // Re-submitting is idempotent, and can widen a run's routing but never narrow
            // it (RunRouting.resubmitted): another team's file cannot silence a run.
            guard !existing.isEmpty else { return result }
            let current = try db.cachedStatement(
                sql: "SELECT r.routing, g.body FROM runs r LEFT JOIN routings g ON g.id = r.routing WHERE r.id = ?")
            let update = try db.cachedStatement(sql: "UPDATE runs SET routing = ?, updated_at = ? WHERE id = ?")
            // Runs of one submission mostly share a routing: work each distinct one out once.
            var merged: [Int64?: (RunRouting, Int64?)?] = [:]
            for id in existing {
                guard let row = try Row.fetchOne(current, arguments: [id]) else { continue }
                let oldID: Int64? = row[0]
                if merged[oldID] == nil {
                    let old = Self.routing(body: row[1])
                    let new = old.resubmitted(requested)
                    merged[oldID] = new == old ? .some(nil) : (new, try Self.routingID(new, db))
                }
                guard case .some(.some(let (routing, newID))) = merged[oldID] else { continue }
                try update.execute(arguments: [newID, now, id])
                result.rerouted[id] = routing
            }
            return result
        }
    }

    package func activeRuns() async throws -> [RunID: TrackedRun] {
        try await pool.read { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE terminal = 0") ?? 0
            var result: [RunID: TrackedRun] = [:]
            result.reserveCapacity(count)
            // Decode each distinct routing once and share its storage across its runs.
            var routings: [Int64: RunRouting] = [:]
            // Columns by position: this runs once per active run at start-up.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT r.id, r.status, r.success, r.submitted_at, r.routing, g.body
                    FROM runs r LEFT JOIN routings g ON g.id = r.routing WHERE r.terminal = 0
                    """)
            while let row = try rows.next() {
                let status: String? = row[1]
                let success: Bool? = row[2]
                let submitted: Double = row[3]
                let routingID: Int64? = row[4]
                var routing = RunRouting()
                if let routingID {
                    if let known = routings[routingID] {
                        routing = known
                    } else {
                        routing = Self.routing(body: row[5])
                        routings[routingID] = routing
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
                    INSERT INTO outbox (notifier, run_id, event, idempotency_key, payload, alert, routing, created_at, next_attempt_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(notifier, idempotency_key) DO NOTHING
                    """)
            let runRouting = try db.cachedStatement(
                sql: "SELECT r.routing, g.body FROM runs r JOIN routings g ON g.id = r.routing WHERE r.id = ?")
            var labelsByRouting: [Int64: [String: String]] = [:]
            for item in record.updates where !missing.contains(item.snapshot.id) {
                let terminal = item.ended
                // What the API said when the run ended is kept: `runwatch show` for a run
                // that ended badly, and suite reports, JUnit and `runwatch wait` for every
                // run (scenario, personality, duration, result). Only the read fields,
                // a few hundred bytes; the transcript is never stored.
                let keep = terminal
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
                // The labels live once in `routings`; the row refers to them (when they are
                // the run's stored labels, which they are unless a re-submission added a
                // key since this answer was drafted: then the row keeps its own copy).
                var payload = message.payload
                var routing: Int64?
                if let row = try Row.fetchOne(runRouting, arguments: [message.runID]) {
                    let id: Int64 = row[0]
                    if labelsByRouting[id] == nil { labelsByRouting[id] = Self.routing(body: row[1]).labels }
                    if let content = OutboxContent.decode(payload), !content.labels.isEmpty, content.labels == labelsByRouting[id] {
                        payload = content.withLabels([:]).encoded()
                        routing = id
                    }
                }
                try enqueue.execute(arguments: [
                    message.notifier, message.runID, message.event, message.idempotencyKey, payload, message.alert, routing, now, now,
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
                try db.execute(
                    sql: "DELETE FROM delivery_attempts WHERE outbox_id IN (SELECT id FROM outbox WHERE run_id = ?)", arguments: [id])
                try db.execute(sql: "DELETE FROM outbox WHERE run_id = ?", arguments: [id])
            }
            try Self.forgetInSuites(existed, db)
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
            // Completed suites age out with their runs (same retention).
            let suites = try Self.pruneSuites(completedBefore: cutoff.timeIntervalSince1970, db)
            guard count > 0 else {
                if suites > 0 { try Self.pruneRoutings(db) }
                return 0
            }
            try db.execute(
                sql: """
                    DELETE FROM transitions WHERE run_id IN (SELECT id FROM prune_ids);
                    DELETE FROM delivery_attempts WHERE outbox_id IN (SELECT id FROM outbox WHERE run_id IN (SELECT id FROM prune_ids));
                    DELETE FROM outbox WHERE run_id IN (SELECT id FROM prune_ids);
                    DELETE FROM runs WHERE id IN (SELECT id FROM prune_ids);
                    DELETE FROM suite_runs WHERE run_id IN (SELECT id FROM prune_ids);
                    DELETE FROM prune_ids;
                    """)
            try Self.pruneRoutings(db)
            return count
        }
    }
}
