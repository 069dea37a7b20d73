import Foundation
import GRDB
import RunWatchCore

/// Reads for `runwatch wait`, JUnit and summaries: runs as `RunResult`s by id, suite
/// instance or result. Only primary keys and indexes (see StoreQueryPlanTests).
extension SQLiteRunStore: RunResults {
    package func runResults(_ ids: [RunID], links: DashboardLinks) async throws -> [RunResult] {
        try await pool.read { db in try Self.runResults(ids, links: links, db) }
    }

    package func suiteResults(named name: String, instance: Int64?, links: DashboardLinks) async throws -> SuiteResults? {
        try await pool.read { db in
            guard let row = try Self.suiteRow(named: name, instance: instance, db) else { return nil }
            return try Self.suiteResults(row, links: links, db)
        }
    }

    package func resultRuns(_ id: ResultID, links: DashboardLinks) async throws -> ResultRuns? {
        try await pool.read { db in try Self.resultRuns(id, links: links, db) }
    }

    package func waitReading(_ query: WaitQuery, links: DashboardLinks) async throws -> WaitQuery.Answer {
        try await pool.read { db in
            var reading = GateReading(awaitsSuiteVerdict: query.suiteAlone)
            var instance = query.suiteInstance
            var grouped: Set<RunID> = []
            // Groups by suite instance: a result submitted with --suite joins that suite's group.
            var groups: [Int64: SuiteResults] = [:]
            if let name = query.suite {
                // With ids or results, the instance their submission joined; until the daemon
                // has ingested them, none (never the latest: it may be yesterday's).
                let anchored = !query.runIDs.isEmpty || !query.resultIDs.isEmpty
                if instance == nil, anchored { instance = try Self.anchorInstance(named: name, query: query, db) }
                // Alone, the open instance or one completed since the wait started: never an
                // earlier night's, whose verdict is old (tonight's may not be ingested yet).
                let row =
                    if instance == nil && anchored {
                        nil as Row?
                    } else if instance == nil {
                        try Self.followedSuiteRow(named: name, since: query.startedAt, db)
                    } else {
                        try Self.suiteRow(named: name, instance: instance, db)
                    }
                if let row {
                    let suite = try Self.suiteResults(row, links: links, db)
                    instance = suite.report.instance
                    groups[suite.report.instance] = suite
                } else if try query.resultIDs.isEmpty || !Self.resultsKnown(query.resultIDs, db) {
                    reading.suiteMissing = true
                }
                // Else results the store already knows, before their runs joined the suite
                // named now: their own groups below carry the verdict.
            }
            for id in query.resultIDs {
                guard let result = try Self.resultRuns(id, links: links, db) else {
                    // Not ingested yet: the daemon queues it when it reads the spool file.
                    reading.expanding.append(id)
                    continue
                }
                if result.expanding { reading.expanding.append(id) }
                if !result.expanding, result.runs.isEmpty { reading.emptyResults.append(id) }
                // With --suite, the submission put the result's runs in the suite followed (a
                // result known before joins it too): one group, not one per earlier suite.
                let followed = query.suite == nil ? nil : instance.flatMap { groups[$0] == nil ? nil : $0 }
                let key = followed ?? result.suite ?? -Int64(id)
                if groups[key] == nil {
                    if let suite = result.suite, let row = try Self.suiteRow(named: nil, instance: suite, db) {
                        groups[key] = try Self.suiteResults(row, links: links, db)
                    } else {
                        let started = result.runs.map(\.submittedAt).min() ?? Date(timeIntervalSince1970: 0)
                        groups[key] = SuiteResults(
                            report: SuiteReport(name: "result-\(id)", instance: key, startedAt: started, runs: result.runs), expanding: [])
                    }
                }
                // The result's runs are in its suite; a run the suite lacks (not joined yet) is added.
                if var group = groups[key] {
                    let known = Set(group.report.runs.map(\.id))
                    let extra = result.runs.filter { !known.contains($0.id) }
                    if !extra.isEmpty {
                        group.report = SuiteReport(
                            name: group.report.name, instance: group.report.instance, startedAt: group.report.startedAt,
                            completedAt: group.report.completedAt, runs: group.report.runs + extra, labels: group.report.labels,
                            dashboardURL: group.report.dashboardURL)
                        groups[key] = group
                    }
                }
            }
            for group in groups.values {
                grouped.formUnion(group.report.runs.map(\.id))
                reading.expanding.append(contentsOf: group.expanding.filter { !reading.expanding.contains($0) })
            }
            reading.groups = groups.keys.sorted().compactMap { groups[$0]?.report }
            let loose = query.runIDs.filter { !grouped.contains($0) }
            if !loose.isEmpty {
                let runs = try Self.runResults(loose, links: links, db)
                let found = Set(runs.map(\.id))
                reading.unseen = Array(Set(loose).subtracting(found)).sorted()
                if !runs.isEmpty {
                    let started = runs.map(\.submittedAt).min() ?? Date(timeIntervalSince1970: 0)
                    reading.groups.append(SuiteReport(name: GateReading.looseGroupName, instance: 0, startedAt: started, runs: runs))
                }
            }
            reading.expanding.sort()
            reading.emptyResults.sort()
            return WaitQuery.Answer(reading: reading, suiteInstance: instance)
        }
    }

    // MARK: Statements (inside the caller's read transaction)

    private static let runColumns = "r.id, r.status, r.success, r.terminal, r.snapshot, r.submitted_at, r.ended_at"

    private static func runResult(_ row: Row, links: DashboardLinks) -> RunResult {
        let status: String? = row[1]
        let ended: Double? = row[6]
        return RunResult(
            id: row[0], status: status.map(RunStatus.init(stored:)), success: row[2], terminal: row[3],
            snapshot: (row[4] as String?).flatMap(RunSnapshot.init(stored:)),
            submittedAt: Date(timeIntervalSince1970: row[5]), endedAt: ended.map(Date.init(timeIntervalSince1970:)), links: links)
    }

    static func runResults(_ ids: [RunID], links: DashboardLinks, _ db: Database) throws -> [RunResult] {
        guard !ids.isEmpty else { return [] }
        let statement = try db.cachedStatement(sql: "SELECT \(runColumns) FROM runs r WHERE r.id = ?")
        var results: [RunResult] = []
        for id in Set(ids).sorted() {
            if let row = try Row.fetchOne(statement, arguments: [id]) { results.append(runResult(row, links: links)) }
        }
        return results
    }

    /// The suite instance holding the wait's first run id (or result): the one its own
    /// submission opened or joined, not an older or newer instance of the name.
    private static func anchorInstance(named name: String, query: WaitQuery, _ db: Database) throws -> Int64? {
        if let first = query.runIDs.first {
            return try Int64.fetchOne(
                db,
                sql: """
                    SELECT s.id FROM suite_runs m JOIN suites s ON s.id = m.suite
                    WHERE m.run_id = ? AND s.name = ? ORDER BY s.id DESC LIMIT 1
                    """, arguments: [first, name])
        }
        if let first = query.resultIDs.first {
            if let own = try Int64.fetchOne(
                db, sql: "SELECT s.id FROM results x JOIN suites s ON s.id = x.suite WHERE x.id = ? AND s.name = ?", arguments: [first, name])
            {
                return own
            }
            // A result known before this submission: its runs joined the instance named now.
            return try Int64.fetchOne(
                db,
                sql: """
                    SELECT s.id FROM result_runs x JOIN suite_runs m ON m.run_id = x.run_id JOIN suites s ON s.id = m.suite
                    WHERE x.result = ? AND s.name = ? ORDER BY s.id DESC LIMIT 1
                    """, arguments: [first, name])
        }
        return nil
    }

    /// True when the store holds every one of these results.
    private static func resultsKnown(_ ids: [ResultID], _ db: Database) throws -> Bool {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM results WHERE id = ?")
        for id in ids where try Int.fetchOne(statement, arguments: [id]) == nil { return false }
        return true
    }

    private static func suiteRow(named name: String?, instance: Int64?, _ db: Database) throws -> Row? {
        if let instance {
            return try Row.fetchOne(db, sql: "SELECT id, name, created_at, completed_at FROM suites WHERE id = ?", arguments: [instance])
        }
        guard let name else { return nil }
        return try Row.fetchOne(
            db, sql: "SELECT id, name, created_at, completed_at FROM suites WHERE name = ? ORDER BY id DESC LIMIT 1", arguments: [name])
    }

    /// The latest instance of `name` that is open or was completed at or after `since`.
    private static func followedSuiteRow(named name: String, since: Date?, _ db: Database) throws -> Row? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT id, name, created_at, completed_at FROM suites
                WHERE name = ? AND (completed_at IS NULL OR completed_at >= ?) ORDER BY id DESC LIMIT 1
                """, arguments: [name, (since ?? .distantPast).timeIntervalSince1970])
    }

    private static func suiteResults(_ row: Row, links: DashboardLinks, _ db: Database) throws -> SuiteResults {
        let id: Int64 = row[0]
        let runs = try Row.fetchAll(
            db, sql: "SELECT \(runColumns) FROM suite_runs m JOIN runs r ON r.id = m.run_id WHERE m.suite = ?", arguments: [id]
        ).map { runResult($0, links: links) }
        let expanding = try ResultID.fetchAll(db, sql: "SELECT id FROM results WHERE suite = ? AND state = 'expanding'", arguments: [id])
        let completed: Double? = row[3]
        // A suite that is one Cekura result links to its dashboard page.
        let resultIDs = Set(runs.compactMap(\.resultID))
        let report = SuiteReport(
            name: row[1], instance: id, startedAt: Date(timeIntervalSince1970: row[2]),
            completedAt: completed.map(Date.init(timeIntervalSince1970:)), runs: runs,
            dashboardURL: resultIDs.count == 1 ? links.result(resultIDs.first) : nil)
        return SuiteResults(report: report, expanding: expanding.sorted())
    }

    static func resultRuns(_ id: ResultID, links: DashboardLinks, _ db: Database) throws -> ResultRuns? {
        guard let row = try Row.fetchOne(db, sql: "SELECT state, suite FROM results WHERE id = ?", arguments: [id]) else { return nil }
        let runs = try Row.fetchAll(
            db, sql: "SELECT \(runColumns) FROM result_runs x JOIN runs r ON r.id = x.run_id WHERE x.result = ?", arguments: [id]
        ).map { runResult($0, links: links) }
        return ResultRuns(id: id, state: row[0], suite: row[1], runs: runs.sorted { $0.id < $1.id })
    }
}
