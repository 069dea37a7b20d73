import Foundation
import GRDB
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// The reads `runwatch wait` makes: runs by id, suite instance and result, from a real
/// SQLite file, and their query plans (50 CI jobs read every second).
@Suite struct RunResultsTests {
    let t0 = Date(timeIntervalSince1970: 1_784_000_000)

    func end(
        _ store: SQLiteRunStore, _ id: RunID, _ status: RunStatus, success: Bool? = nil, scenario: String? = nil, result: Int? = nil
    )
        async throws
    {
        let (_, update) = RunTracker.observe(
            RunSnapshot(id: id, status: status, success: success, scenarioName: scenario, duration: "01:05", resultID: result),
            run: TrackedRun(state: RunState(status: .running), submittedAt: t0), at: t0, policy: WatchPolicy())
        try await store.record(PollRecord(at: t0, updates: [update], messages: []))
    }

    @Test func runsByIdCarryTheirOutcomeAndSnapshot() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [1, 2, 3]), at: t0)
            try await end(store, 1, .completed, success: true, scenario: "greeting", result: 55)
            try await end(store, 2, .completed, success: false)
            let runs = try await store.runResults([3, 2, 1, 99], links: DashboardLinks(base: "https://dash.example/p"))
            #expect(runs.map(\.id) == [1, 2, 3], "an id the store does not hold is left out")
            #expect(runs[0].outcome == .completed)
            #expect(runs[0].scenarioName == "greeting")
            #expect(runs[0].durationSeconds == 65)
            #expect(runs[0].dashboardURL == "https://dash.example/p/results/55")
            #expect(runs[1].outcome == .unsuccessful)
            #expect(runs[2].outcome == nil)
            #expect(runs[2].status == nil)
        }
    }

    @Test func aSuiteIsReadByInstanceAndTheWaitPinsTheOneItsRunsJoined() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [1, 2], suite: "nightly"), at: t0)
            // Yesterday's instance completes; tonight's opens with other runs.
            let queue = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
            try await queue.write { db in try db.execute(sql: "UPDATE suites SET completed_at = ?", arguments: [t0.timeIntervalSince1970]) }
            _ = try await store.ingest(SpoolSubmission(runIDs: [3], suite: "nightly"), at: t0.addingTimeInterval(86400))
            let latest = try #require(try await store.suiteResults(named: "nightly", instance: nil, links: .none))
            #expect(latest.report.runs.map(\.id) == [3])
            #expect(latest.report.completedAt == nil)
            let first = try #require(try await store.suiteResults(named: "nightly", instance: latest.report.instance - 1, links: .none))
            #expect(first.report.runs.map(\.id) == [1, 2])
            #expect(first.report.completedAt != nil)
            #expect(try await store.suiteResults(named: "weekly", instance: nil, links: .none) == nil)

            // A wait given run 1 follows the instance holding it, not the latest.
            let anchored = try await store.waitReading(WaitQuery(runIDs: [1], suite: "nightly"), links: .none)
            #expect(anchored.suiteInstance == first.report.instance)
            #expect(anchored.reading.groups.map(\.name) == ["nightly"])
            #expect(anchored.reading.runs.map(\.id) == [1, 2])
            // A wait given only the name follows the latest instance.
            let named = try await store.waitReading(WaitQuery(suite: "nightly"), links: .none)
            #expect(named.suiteInstance == latest.report.instance)
            // A wait whose ids are not ingested yet does not fall back to an older instance.
            let early = try await store.waitReading(WaitQuery(runIDs: [40], suite: "nightly"), links: .none)
            #expect(early.suiteInstance == nil)
            #expect(early.reading.suiteMissing)
            #expect(early.reading.unseen == [40])
            #expect(GateVerdict.judge(early.reading, timedOut: false) == nil)
        }
    }

    /// `wait --suite NAME` alone follows the open instance, or one the daemon completed
    /// after the wait started, never an earlier night's; it settles only on the daemon's
    /// verdict (`completed_at`), not when the runs seen so far ended.
    @Test func aSuiteAloneFollowsTonightsInstanceAndSettlesOnItsCompletion() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            let queue = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
            func complete(at date: Date) async throws {
                try await queue.write { db in
                    try db.execute(sql: "UPDATE suites SET completed_at = ? WHERE completed_at IS NULL", arguments: [date.timeIntervalSince1970])
                }
            }
            // Yesterday's instance, completed.
            _ = try await store.ingest(SpoolSubmission(runIDs: [1], suite: "nightly"), at: t0)
            try await end(store, 1, .completed, success: true)
            try await complete(at: t0)
            let started = t0.addingTimeInterval(86400)
            var query = WaitQuery(suite: "nightly", startedAt: started)
            let early = try await store.waitReading(query, links: .none)
            #expect(early.suiteInstance == nil, "yesterday's instance completed before the wait started")
            #expect(early.reading.suiteMissing)
            #expect(GateVerdict.judge(early.reading, timedOut: false) == nil)

            // Tonight's first file: its run ends, but the suite is not complete yet.
            _ = try await store.ingest(SpoolSubmission(runIDs: [2], suite: "nightly"), at: started.addingTimeInterval(5))
            try await end(store, 2, .completed, success: true)
            let first = try await store.waitReading(query, links: .none)
            let tonight = try #require(first.suiteInstance)
            #expect(first.reading.runs.map(\.id) == [2])
            #expect(GateVerdict.judge(first.reading, timedOut: false) == nil, "not before the daemon's verdict")
            query.suiteInstance = tonight

            // The second file, then the daemon completes the instance.
            _ = try await store.ingest(SpoolSubmission(runIDs: [3], suite: "nightly"), at: started.addingTimeInterval(10))
            try await end(store, 3, .completed, success: false)
            try await complete(at: started.addingTimeInterval(60))
            let done = try await store.waitReading(query, links: .none)
            #expect(done.suiteInstance == tonight)
            #expect(done.reading.runs.map(\.id) == [2, 3])
            #expect(GateVerdict.judge(done.reading, timedOut: false)?.exit == .regression)

            // A wait started after tonight's completion ignores it too; one started before follows it.
            let later = try await store.waitReading(WaitQuery(suite: "nightly", startedAt: started.addingTimeInterval(61)), links: .none)
            #expect(later.suiteInstance == nil)
            let before = try await store.waitReading(WaitQuery(suite: "nightly", startedAt: started.addingTimeInterval(30)), links: .none)
            #expect(before.suiteInstance == tonight)
            #expect(GateVerdict.judge(before.reading, timedOut: false)?.exit == .regression)
        }
    }

    @Test func aResultIsExpandingUntilItsStateSaysOtherwise() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [], resultIDs: [8123, 8124]), at: t0)
            let before = try await store.waitReading(WaitQuery(resultIDs: [8123, 8124, 8125]), links: .none)
            #expect(before.reading.expanding == [8123, 8124, 8125], "queued, or not even ingested yet")
            #expect(GateVerdict.judge(before.reading, timedOut: false) == nil)
            #expect(try await store.resultRuns(8125, links: .none) == nil)

            // The results helper's expansion, as rows: 8123 grows to two runs and is stable;
            // 8124 ends with none.
            _ = try await store.ingest(SpoolSubmission(runIDs: [11, 12]), at: t0)
            let queue = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO result_runs (result, run_id) VALUES (8123, 11), (8123, 12)")
                try db.execute(sql: "INSERT INTO suite_runs (suite, run_id) SELECT suite, 11 FROM results WHERE id = 8123")
                try db.execute(sql: "UPDATE results SET state = 'expanded', run_count = 2 WHERE id IN (8123, 8124)")
            }
            let expanded = try #require(try await store.resultRuns(8123, links: .none))
            #expect(!expanded.expanding)
            #expect(expanded.runs.map(\.id) == [11, 12])
            try await end(store, 11, .completed, success: true)
            try await end(store, 12, .cancelled)
            let after = try await store.waitReading(WaitQuery(resultIDs: [8123, 8124]), links: .none)
            #expect(after.reading.expanding.isEmpty)
            #expect(after.reading.emptyResults == [8124])
            #expect(after.reading.groups.map(\.name).sorted() == ["result-8123", "result-8124"])
            #expect(after.reading.runs.map(\.id) == [11, 12], "a result's runs join its group even before its suite lists them")
            #expect(GateVerdict.judge(after.reading, timedOut: false)?.exit == .infrastructure)
        }
    }

    /// A result the store already knows (submitted earlier without the suite, or by a
    /// retried job) submitted again with `--suite`: its runs join the suite named now, and
    /// the wait judges them instead of waiting for the suite forever.
    @Test func aKnownResultSubmittedWithASuiteJoinsItAndTheWaitSettles() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [], resultIDs: [8123]), at: t0)
            // One read finds both runs of a finished result: it is expanded.
            let read = ResultExpansion.decide(
                .read(ResultBody(runIDs: [11, 12], totalRuns: 2, status: .completed)), progress: ResultExpansion.Progress(submittedAt: t0),
                settings: ResultExpansion.Settings(readInterval: .seconds(15)), now: t0, unitRandom: 0)
            _ = try await store.recordResultRead(ResultReadRecord(id: 8123, at: t0, runIDs: [11, 12], decision: read))
            #expect(try await store.resultRuns(8123, links: .none)?.expanding == false)
            try await end(store, 11, .completed, success: true)
            try await end(store, 12, .completed, success: true)
            let query = WaitQuery(resultIDs: [8123], suite: "ci-42")
            // Before the daemon ingests the new submission: judged by the result's runs.
            let early = try await store.waitReading(query, links: .none)
            #expect(!early.reading.suiteMissing, "the result's runs can be read")
            #expect(GateVerdict.judge(early.reading, timedOut: false)?.exit == .passed)

            var again = SpoolSubmission(runIDs: [], suite: "ci-42")
            again.resultIDs = [8123]
            _ = try await store.ingest(again, at: t0.addingTimeInterval(60))
            let suite = try #require(try await store.suiteResults(named: "ci-42", instance: nil, links: .none))
            #expect(suite.report.runs.map(\.id) == [11, 12], "the known result's runs joined the suite named now")
            let answer = try await store.waitReading(query, links: .none)
            #expect(answer.suiteInstance == suite.report.instance)
            #expect(!answer.reading.suiteMissing)
            #expect(answer.reading.groups.map(\.name) == ["ci-42"])
            #expect(GateVerdict.judge(answer.reading, timedOut: false)?.exit == .passed)
        }
    }

    @Test func looseIdsFormTheirOwnGroupAndUnseenIdsKeepTheWaitOpen() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [5, 6]), at: t0)
            try await end(store, 5, .completed, success: true)
            try await end(store, 6, .completed, success: true)
            let partial = try await store.waitReading(WaitQuery(runIDs: [5, 6, 7]), links: .none)
            #expect(partial.reading.unseen == [7])
            #expect(partial.reading.groups.map(\.name) == [GateReading.looseGroupName])
            #expect(GateVerdict.judge(partial.reading, timedOut: false) == nil)
            let all = try await store.waitReading(WaitQuery(runIDs: [5, 6]), links: .none)
            #expect(GateVerdict.judge(all.reading, timedOut: false)?.exit == .passed)
            // Before any read succeeded, a timed-out wait is a timeout, never "nothing to judge".
            for query in [WaitQuery(runIDs: [5]), WaitQuery(resultIDs: [8]), WaitQuery(suite: "nightly")] {
                #expect(GateVerdict.judge(query.unread, timedOut: true)?.exit == .timedOut)
            }
        }
    }

    /// The SQL of `SQLiteRunStore+RunResults`: every read by primary key or index.
    @Test(arguments: [
        "SELECT r.id, r.status, r.success, r.terminal, r.snapshot, r.submitted_at, r.ended_at FROM runs r WHERE r.id = 1",
        "SELECT s.id FROM suite_runs m JOIN suites s ON s.id = m.suite WHERE m.run_id = 1 AND s.name = 'n' ORDER BY s.id DESC LIMIT 1",
        "SELECT s.id FROM results x JOIN suites s ON s.id = x.suite WHERE x.id = 1 AND s.name = 'n'",
        "SELECT s.id FROM result_runs x JOIN suite_runs m ON m.run_id = x.run_id JOIN suites s ON s.id = m.suite WHERE x.result = 1 AND s.name = 'n' ORDER BY s.id DESC LIMIT 1",
        "SELECT 1 FROM results WHERE id = 1",
        "SELECT id, name, created_at, completed_at FROM suites WHERE id = 1",
        "SELECT id, name, created_at, completed_at FROM suites WHERE name = 'n' ORDER BY id DESC LIMIT 1",
        "SELECT id, name, created_at, completed_at FROM suites WHERE name = 'n' AND (completed_at IS NULL OR completed_at >= 0) ORDER BY id DESC LIMIT 1",
        "SELECT r.id, r.status FROM suite_runs m JOIN runs r ON r.id = m.run_id WHERE m.suite = 1",
        "SELECT id FROM results WHERE suite = 1 AND state = 'expanding'",
        "SELECT state, suite FROM results WHERE id = 1",
        "SELECT r.id, r.status FROM result_runs x JOIN runs r ON r.id = x.run_id WHERE x.result = 1",
    ])
    func waitReadsUseKeysNotScans(sql: String) async throws {
        try await withTemporaryDirectory { dir in
            _ = try SQLiteRunStore.open(directory: dir)
            let queue = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
            let plan = try await queue.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
            }
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }
}
