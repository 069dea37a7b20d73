import Foundation
import GRDB
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// The result ledger on a real SQLite file: a read commits its new runs (routed like the
/// submission that named the result), their suite and result membership and the result's
/// progress in one transaction, and a reopened store resumes where it was.
@Suite struct StoreResultsTests {
    let t0 = Date(timeIntervalSince1970: 1_784_000_000)
    static let settings = ResultExpansion.Settings(readInterval: .seconds(15))

    func count(_ dir: String, _ sql: String) throws -> Int {
        let queue = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
        defer { try? queue.close() }
        return try queue.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    func decision(_ ids: [RunID], after progress: ResultExpansion.Progress, at now: Date) -> ResultExpansion.Decision {
        ResultExpansion.decide(.read(ResultBody(runIDs: ids)), progress: progress, settings: Self.settings, now: now, unitRandom: 0)
    }

    @Test func aReadCommitsNewRunsWithTheResultsRoutingAndSuite() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            var submission = SpoolSubmission(runIDs: [5], labels: ["suite": "nightly", "team": "voice"], suite: "nightly")
            submission.resultIDs = [8123]
            _ = try await store.ingest(submission, at: t0)
            let due = try #require(try await store.dueResults(at: t0, limit: 10).first)
            #expect(due.id == 8123 && due.reads == 0)

            // Run 5 was also submitted by id: it joins the result but is not new.
            let first = decision([5, 6, 7], after: ResultExpansion.Progress(submittedAt: due.submittedAt), at: t0)
            let ingested = try await store.recordResultRead(ResultReadRecord(id: 8123, at: t0, runIDs: [5, 6, 7], decision: first))
            #expect(ingested.newIDs == [6, 7])
            #expect(ingested.routing.labels == ["suite": "nightly", "team": "voice"])
            #expect(try await store.activeRuns()[7]?.routing.labels == ["suite": "nightly", "team": "voice"])
            #expect(try count(dir, "SELECT COUNT(*) FROM suite_runs s JOIN suites n ON n.id = s.suite WHERE n.name = 'nightly'") == 3)
            #expect(try count(dir, "SELECT COUNT(*) FROM result_runs WHERE result = 8123") == 3)
            #expect(try await store.dueResults(at: t0, limit: 10).isEmpty, "next read in 15 s")
            #expect(try await store.nextResultRead() == t0.addingTimeInterval(15))

            // Reopened (a restart): the result is still expanding, due at its time.
            let reopened = try SQLiteRunStore.open(directory: dir)
            let again = try #require(try await reopened.dueResults(at: t0.addingTimeInterval(15), limit: 10).first)
            #expect(again.runCount == 3 && again.reads == 1)
            let second = decision(
                [5, 6, 7],
                after: ResultExpansion.Progress(
                    runCount: again.runCount, stableReads: again.stableReads, reads: again.reads, submittedAt: again.submittedAt),
                at: t0.addingTimeInterval(15))
            #expect(second.state == .stable)
            let none = try await reopened.recordResultRead(
                ResultReadRecord(id: 8123, at: t0.addingTimeInterval(15), runIDs: [5, 6, 7], decision: second))
            #expect(none.newIDs.isEmpty)
            #expect(try await reopened.result(8123)?.0.state == "stable")
            #expect(try await reopened.nextResultRead() == nil)
            #expect(try await reopened.resultsOverview(limit: 10).isEmpty)
        }
    }

    @Test func aResultWithoutASuiteGetsItsOwnAndAForgottenResultRecordsNothing() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            var submission = SpoolSubmission(runIDs: [])
            submission.resultIDs = [42]
            _ = try await store.ingest(submission, at: t0)
            let d = decision([1], after: ResultExpansion.Progress(submittedAt: t0), at: t0)
            #expect(try await store.recordResultRead(ResultReadRecord(id: 42, at: t0, runIDs: [1], decision: d)).newIDs == [1])
            #expect(try count(dir, "SELECT COUNT(*) FROM suite_runs s JOIN suites n ON n.id = s.suite WHERE n.name = 'result-42'") == 1)
            #expect(try await store.recordResultRead(ResultReadRecord(id: 43, at: t0, runIDs: [2], decision: d)).isEmpty)
            #expect(try count(dir, "SELECT COUNT(*) FROM runs WHERE id = 2") == 0)
        }
    }

    @Test func aFailedReadKeepsTheRunsAndRecordsItsReason() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            var submission = SpoolSubmission(runIDs: [])
            submission.resultIDs = [9]
            _ = try await store.ingest(submission, at: t0)
            let failed = ResultExpansion.decide(
                .failed(reason: "HTTP 503: down"), progress: ResultExpansion.Progress(submittedAt: t0), settings: Self.settings, now: t0,
                unitRandom: 0.5)
            _ = try await store.recordResultRead(ResultReadRecord(id: 9, at: t0, runIDs: [], decision: failed))
            let overview = try #require(try await store.resultsOverview(limit: 5).first)
            #expect(overview.state == "expanding" && overview.reads == 1 && overview.lastError == "HTTP 503: down")
        }
    }

    @Test func aRunForgottenWhileItsResultIsReadStaysForgotten() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            var submission = SpoolSubmission(runIDs: [])
            submission.resultIDs = [77]
            _ = try await store.ingest(submission, at: t0)
            let first = decision([1, 2], after: ResultExpansion.Progress(submittedAt: t0), at: t0)
            #expect(try await store.recordResultRead(ResultReadRecord(id: 77, at: t0, runIDs: [1, 2], decision: first)).newIDs == [1, 2])
            #expect(try await store.forget([2]) == [2])
            let second = decision([1, 2, 3], after: first.progress, at: t0.addingTimeInterval(15))
            let ingested = try await store.recordResultRead(
                ResultReadRecord(id: 77, at: t0.addingTimeInterval(15), runIDs: [1, 2, 3], decision: second))
            #expect(ingested.newIDs == [3])
            #expect(try count(dir, "SELECT COUNT(*) FROM runs WHERE id = 2") == 0)
        }
    }
}
