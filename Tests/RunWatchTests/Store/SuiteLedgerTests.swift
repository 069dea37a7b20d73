import Foundation
import GRDB
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// Suite completion against a real SQLite file: an instance completes once, with its
/// messages in the same transaction, survives a reopen without a second summary, waits
/// out its quiet period and its expanding results, and ages out with its runs.
@Suite struct SuiteLedgerTests {
    let t0 = Date(timeIntervalSince1970: 1_784_000_000)
    let rule = SuiteCompletion(quietPeriod: .seconds(30))
    let routes = [NotifierRoute(name: "ops", kind: .slack, events: []), NotifierRoute(name: "ci", kind: .webhook, events: [])]

    func end(_ store: SQLiteRunStore, _ ids: [RunID], _ status: RunStatus, success: Bool? = nil, at: Date) async throws {
        let updates = ids.map { id in
            RunTracker.observe(
                RunSnapshot(id: id, status: status, success: success, scenarioName: "S\(id)", errorMessage: status == .failed ? "SIP 408" : nil),
                run: TrackedRun(state: RunState(status: .running), submittedAt: t0), at: at, policy: WatchPolicy()
            ).1
        }
        try await store.record(PollRecord(at: at, updates: updates, messages: []))
    }

    func suiteRows(_ dir: String) throws -> (suites: Int, members: Int, outbox: Int) {
        let queue = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
        return try queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM suites") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM suite_runs") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE suite IS NOT NULL") ?? -1
            )
        }
    }

    @Test func anInstanceCompletesOnceWithItsMessagesAndTheNameOpensANewOne() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [1, 2, 3], labels: ["build": "7"], suite: "nightly"), at: t0)
            let open = try await store.openSuites()
            #expect(open.map(\.name) == ["nightly"])
            #expect(open.first?.facts == SuiteCompletion.Facts(runs: 3, ended: 0, lastJoinedAt: t0))
            try await end(store, [1, 2], .completed, success: true, at: t0 + 5)
            #expect(try await store.completeSuite(open[0].id, rule: rule, routes: routes, links: .none, at: t0 + 60) == nil, "run 3 runs")
            try await end(store, [3], .failed, at: t0 + 10)
            #expect(try await store.completeSuite(open[0].id, rule: rule, routes: routes, links: .none, at: t0 + 20) == nil, "quiet period")
            let report = try #require(try await store.completeSuite(open[0].id, rule: rule, routes: routes, links: .none, at: t0 + 60))
            #expect(report.runs.map(\.id) == [1, 2, 3])
            #expect(report.passed == 2)
            #expect(report.failures.map(\.id) == [3])
            #expect(report.failures.first?.error == "SIP 408")
            #expect(report.labels == ["build": "7"], "the routing of the submission that opened it")
            #expect(report.completedAt == t0 + 60)
            #expect(try await store.completeSuite(open[0].id, rule: rule, routes: routes, links: .none, at: t0 + 90) == nil, "once")
            #expect(try await store.openSuites().isEmpty)

            let pendingOps = try await store.pendingEntries(notifier: "ops", limit: 10)
            let pendingCI = try await store.pendingEntries(notifier: "ci", limit: 10)
            #expect(pendingOps.count == 1 && pendingCI.count == 1)
            #expect(!pendingOps[0].isRunAlert, "a suite summary never joins a run digest")
            let message = try #require(try await store.messages([pendingCI[0].id]).first)
            #expect(message.event == "suite.completed" && message.runID == 0 && message.idempotencyKey == report.idempotencyKey)
            #expect(OutboxContent.decode(message.payload) == .suite(report, part: 1))

            _ = try await store.ingest(SpoolSubmission(runIDs: [4], suite: "nightly"), at: t0 + 100)
            let next = try await store.openSuites()
            #expect(next.count == 1 && next[0].id != open[0].id, "the name's next instance")
            #expect(try await store.suiteReport(name: "nightly")?.instance == next[0].id, "the latest instance")
            #expect(try await store.suiteReport(id: open[0].id)?.completedAt == t0 + 60)
            #expect(try await store.suiteReport(name: "weekly") == nil)
        }
    }

    @Test func aReopenedStoreNeitherLosesNorRepeatsASummary() async throws {
        try await withTemporaryDirectory { dir in
            var id: Int64 = 0
            do {
                let store = try SQLiteRunStore.open(directory: dir)
                _ = try await store.ingest(SpoolSubmission(runIDs: [1, 2], suite: "ci-4711"), at: t0)
                try await end(store, [1, 2], .failed, at: t0 + 1)
                id = try #require(try await store.openSuites().first?.id)
                // "Crash" before completing: nothing is decided yet.
            }
            do {
                let store = try SQLiteRunStore.open(directory: dir)
                #expect(try await store.openSuites().map(\.id) == [id], "still open after the restart")
                #expect(try await store.completeSuite(id, rule: rule, routes: routes, links: .none, at: t0 + 31) != nil)
            }
            let store = try SQLiteRunStore.open(directory: dir)
            #expect(try await store.openSuites().isEmpty)
            #expect(try await store.completeSuite(id, rule: rule, routes: routes, links: .none, at: t0 + 99) == nil)
            #expect(try await store.pendingByNotifier() == ["ops": 1, "ci": 1], "one summary per notifier")
        }
    }

    @Test func aRunJoiningRestartsTheQuietPeriod() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [1], suite: "nightly"), at: t0)
            try await end(store, [1], .completed, success: true, at: t0 + 1)
            _ = try await store.ingest(SpoolSubmission(runIDs: [2], suite: "nightly"), at: t0 + 20)
            let id = try #require(try await store.openSuites().first?.id)
            #expect(try await store.openSuites().first?.facts == SuiteCompletion.Facts(runs: 2, ended: 1, lastJoinedAt: t0 + 20))
            try await end(store, [2], .completed, success: true, at: t0 + 25)
            #expect(try await store.completeSuite(id, rule: rule, routes: routes, links: .none, at: t0 + 45) == nil)
            // Re-submitting a run already in the suite is not a join.
            _ = try await store.ingest(SpoolSubmission(runIDs: [2], suite: "nightly"), at: t0 + 48)
            let report = try #require(try await store.completeSuite(id, rule: rule, routes: routes, links: .none, at: t0 + 50))
            #expect(report.runs.count == 2 && report.failures.isEmpty)
            #expect(try await store.pendingByNotifier() == ["ci": 1], "a passing suite: the webhook (always), not Slack (failures)")
        }
    }

    @Test func anExpandingResultHoldsTheSuiteOpen() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [1], suite: "nightly", resultIDs: [9]), at: t0)
            try await end(store, [1], .completed, success: true, at: t0 + 1)
            let suite = try #require(try await store.openSuites().first)
            #expect(suite.facts.expandingResults == 1)
            #expect(try await store.completeSuite(suite.id, rule: rule, routes: routes, links: .none, at: t0 + 3600) == nil)
            let queue = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
            try await queue.write { db in try db.execute(sql: "UPDATE results SET state = 'stable' WHERE id = 9") }
            let report = try #require(
                try await store.completeSuite(suite.id, rule: rule, routes: routes, links: DashboardLinks(base: "https://d.example/p"), at: t0 + 3600)
            )
            #expect(report.dashboardURL == "https://d.example/p/results/9", "a suite of one result links to it")
        }
    }

    @Test func completedSuitesAgeOutWithTheirRunsUnlessAMessageIsOwed() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [1], suite: "a"), at: t0)
            _ = try await store.ingest(SpoolSubmission(runIDs: [2], suite: "b"), at: t0)
            try await end(store, [1], .completed, success: true, at: t0 + 1)
            try await end(store, [2], .failed, at: t0 + 1)
            for suite in try await store.openSuites() {
                #expect(try await store.completeSuite(suite.id, rule: rule, routes: routes, links: .none, at: t0 + 60) != nil)
            }
            // Suite a's one message (ci) is delivered; suite b still owes Slack and ci.
            let ci = try await store.pendingEntries(notifier: "ci", limit: 10)
            let delivered = try #require(
                try await store.messages(ci.map(\.id)).first {
                    OutboxContent.decode($0.payload).map { content in
                        if case .suite(let report, _) = content { return report.name == "a" } else { return false }
                    } ?? false
                })
            try await store.record([.delivered(id: delivered.id, attempts: 1)], at: t0 + 61)
            // Both runs go (their report is in the owed messages); suite b stays until sent.
            #expect(try await store.prune(endedBefore: t0 + 10 * 86400) == 2)
            #expect(try await store.suiteReport(name: "a") == nil)
            #expect(try await store.suiteReport(name: "b") != nil)
            #expect(try suiteRows(dir) == (1, 0, 2))
        }
    }

    @Test func forgettingEveryRunDropsTheSuiteAndSomeLeavesTheRest() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [1, 2], suite: "a"), at: t0)
            _ = try await store.ingest(SpoolSubmission(runIDs: [3, 4], suite: "b"), at: t0)
            #expect(try await store.forget([1, 2, 3]) == [1, 2, 3])
            let open = try await store.openSuites()
            #expect(open.map(\.name) == ["b"])
            #expect(open.first?.facts.runs == 1)
            #expect(try suiteRows(dir) == (1, 1, 0))
        }
    }
}
