import Foundation
import GRDB
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// The console's store reads against a real SQLite file (ConsoleStoreFixture), and the
/// delivery-attempt log: written with each outcome, bounded, cleaned, deleted with its
/// message, and added to an existing store by migration v7.
@Suite struct ConsoleReadsTests {
    typealias F = ConsoleStoreFixture

    func count(_ dir: String, _ sql: String) throws -> Int {
        let queue = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
        defer { try? queue.close() }
        return try queue.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    @Test func theReadsCountWhatTheStoreHolds() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await F.make(dir)
            let dayAgo = F.now - 86400
            // Yesterday's runs 10 and 11 ended before the window.
            #expect(try await store.endedSince(dayAgo) == [.completed: 1, .failed: 1, .timeout: 1])
            #expect(
                try await store.outboxByNotifier(deliveredSince: dayAgo) == [
                    "ops": NotifierCounts(delivered: 1), "hook": NotifierCounts(dead: 1), "gone": NotifierCounts(pending: 1),
                ])
            #expect(try await store.outboxByNotifier(deliveredSince: F.t0 + 216)["ops"] == nil, "delivered before the window")

            let (tallies, openOmitted) = try await store.suiteTallies(recentLimit: 5, openLimit: 200)
            #expect(openOmitted == 0)
            #expect(tallies.map(\.instance) == [2, 1], "open first, then completed")
            #expect(tallies[0].runs == 4 && tallies[0].counts == [.completed: 1, .failed: 1, .timeout: 1] && tallies[0].completedAt == nil)
            #expect(tallies[1].runs == 2 && tallies[1].counts == [.completed: 1, .failed: 1] && tallies[1].completedAt != nil)
            #expect(try await store.suiteTallies(recentLimit: 0, openLimit: 200).tallies.map(\.instance) == [2])

            let latest = try #require(try await store.suitePage(name: "nightly", instance: nil, otherLimit: 20, links: .none))
            #expect(latest.tally == tallies[0])
            #expect(latest.report.runs.map(\.id).sorted() == [1, 2, 3, 4])
            #expect(latest.report.labels == ["build": F.label])
            #expect(latest.others == [tallies[1]])
            let older = try #require(try await store.suitePage(name: "nightly", instance: 1, otherLimit: 20, links: .none))
            #expect(older.tally == tallies[1] && older.others.map(\.instance) == [2])
            #expect(try await store.suitePage(name: "weekly", instance: 1, otherLimit: 20, links: .none) == nil, "instance 1 is nightly's")
            #expect(try await store.suitePage(name: "weekly", instance: nil, otherLimit: 20, links: .none) == nil)

            let run = try #require(try await store.runPage(2, links: .none))
            #expect(run.result.outcome == .failed && run.result.error == "SIP 408 \(F.label)")
            #expect(run.transitions.last?.to == .failed)
            #expect(run.suites == [SuiteRef(name: "nightly", instance: 2)])
            #expect(run.deliveries.map(\.notifier) == ["ops", "hook"])
            #expect(run.deliveries.map(\.state) == ["delivered", "dead"])
            #expect(
                run.deliveries[0].attemptLog == [
                    AttemptLine(attempt: 1, at: F.t0 + 200, outcome: "retry", answer: "HTTP 503"),
                    AttemptLine(attempt: 2, at: F.t0 + 215, outcome: "delivered", answer: nil),
                ])
            #expect(run.deliveries[1].attemptLog == [AttemptLine(attempt: 1, at: F.t0 + 205, outcome: "dead", answer: "HTTP 410 gone")])
            #expect(run.deliveries[1].lastError == "HTTP 410 gone" && run.deliveries[1].nextAttemptAt == nil)
            #expect(try await store.runPage(999, links: .none) == nil)

            let lines = try await store.undeliveredLines(limit: 200)
            #expect(lines.pending.map(\.notifier) == ["gone"] && lines.pending.first?.runID == 4 && lines.pending.first?.nextAttemptAt != nil)
            #expect(lines.dead.map(\.notifier) == ["hook"] && lines.dead.first?.finishedAt == F.t0 + 205)
            #expect(try await store.undeliveredLines(limit: 0) == ([], []))

            #expect(try await store.disabledNotifiers().isEmpty)
            try await store.noteAPIState("ok", error: nil, at: F.now)
            try await store.noteNotifier("hook", disabled: "answered 410 (gone)", at: F.now)
            try await store.noteNotifier("ops", disabled: "answered 403", at: F.now)
            try await store.noteNotifier("ops", disabled: nil, at: F.now)
            #expect(try await store.disabledNotifiers() == ["hook": "answered 410 (gone)"])
            #expect(try await store.disabledNotifiers() == store.summary().disabledNotifiers)
        }
    }

    @Test func aMessageRetriedForDaysKeepsItsLastAttemptsWithCleanBoundedAnswers() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await F.make(dir)
            let gone = try #require(try await store.pendingEntries(notifier: "gone", limit: 5).first)
            let hostile = "HTTP 500 " + String(repeating: "x", count: 5000) + "\nREADY=1"
            for attempt in 1...60 {
                try await store.record(
                    [.retry(id: gone.id, attempts: attempt, after: .seconds(60), reason: hostile)], at: F.t0 + Double(300 + attempt))
            }
            let log = try #require(try await store.runPage(4, links: .none)?.deliveries.first?.attemptLog)
            #expect(log.count == SQLiteRunStore.attemptsKeptPerMessage)
            #expect(log.first?.attempt == 11 && log.last?.attempt == 60)
            for line in log {
                let answer = try #require(line.answer)
                #expect(answer.utf8.count <= SQLiteRunStore.attemptAnswerBytes && !answer.contains("\n") && answer.hasPrefix("HTTP 500"))
            }
        }
    }

    @Test func attemptsGoWithTheirMessageWhenARunIsForgottenOrPruned() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await F.make(dir)
            #expect(try count(dir, "SELECT COUNT(*) FROM delivery_attempts") == 3)
            _ = try await store.forget([2])
            #expect(try count(dir, "SELECT COUNT(*) FROM delivery_attempts") == 0)
        }
        try await withTemporaryDirectory { dir in
            let store = try await F.make(dir)
            // Run 2's messages are finished (delivered, dead): they go with the run.
            #expect(try await store.prune(endedBefore: F.now) > 0)
            #expect(try count(dir, "SELECT COUNT(*) FROM outbox WHERE run_id = 2") == 0)
            #expect(try count(dir, "SELECT COUNT(*) FROM delivery_attempts") == 0)
        }
    }

    @Test func anAttemptOnAMessageForgottenMeanwhileLeavesNoOrphan() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await F.make(dir)
            let gone = try #require(try await store.pendingEntries(notifier: "gone", limit: 5).first)
            _ = try await store.forget([4])
            try await store.record([.delivered(id: gone.id, attempts: 1)], at: F.now)
            #expect(try count(dir, "SELECT COUNT(*) FROM delivery_attempts WHERE outbox_id = \(gone.id)") == 0)
        }
    }

    @Test func aStoreFromBeforeTheAttemptLogGainsItAndKeepsItsMessages() async throws {
        try await withTemporaryDirectory { dir in
            // A store as v6 left it (v7 undone), with a dead letter and its last error.
            _ = try await F.make(dir)
            let old = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
            try await old.write { db in
                try db.execute(
                    sql: """
                        DROP TABLE delivery_attempts;
                        DROP INDEX outbox_finished;
                        DROP INDEX runs_status;
                        DROP INDEX results_unsettled;
                        DELETE FROM grdb_migrations WHERE identifier = 'v7-delivery-attempts';
                        """)
            }
            try old.close()
            // `runwatch status` after an upgrade, before the daemon restarted: a read-only
            // open migrates nothing, and the overview still reads.
            let readOnly = try SQLiteRunStore.open(directory: dir, readOnly: true)
            let facts = ConsoleFacts(maxRequestsPerSecond: 1, batchSize: 100, pollInterval: .seconds(15), notifiers: [])
            let overview = try await ConsoleAPI(context: ConsoleContext(store: readOnly, facts: { facts }, now: { F.now })).overview()
            #expect(overview.notifiers.map(\.name) == ["gone", "hook", "ops"] && overview.notifiers.map(\.dead) == [0, 1, 0])
            let store = try SQLiteRunStore.open(directory: dir)
            let run = try #require(try await store.runPage(2, links: .none))
            #expect(run.deliveries.map(\.state) == ["delivered", "dead"])
            #expect(run.deliveries[1].lastError == "HTTP 410 gone")
            #expect(run.deliveries.allSatisfy { $0.attemptLog.isEmpty }, "attempts before v7 were not kept")
            #expect(try await store.undeliveredLines(limit: 10).dead.count == 1)
            // New attempts are logged.
            let gone = try #require(try await store.pendingEntries(notifier: "gone", limit: 5).first)
            try await store.record([.dead(id: gone.id, attempts: 1, reason: "HTTP 404", expired: false)], at: F.now)
            #expect(try await store.runPage(4, links: .none)?.deliveries.first?.attemptLog.map(\.outcome) == ["dead"])
        }
    }

    /// Thousands of open instances (a CI job per commit) list the oldest 200; the rest
    /// are counted, not read.
    @Test func openSuitesAreListedUpToTheLimitAndTheRestCounted() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await F.make(dir)
            for (offset, name) in ["a", "b", "c"].enumerated() {
                _ = try await store.ingest(SpoolSubmission(runIDs: [RunID(100 + offset)], suite: name), at: F.now)
            }
            let (tallies, omitted) = try await store.suiteTallies(recentLimit: 5, openLimit: 2)
            #expect(tallies.map(\.instance) == [2, 3, 1], "the two oldest open, then completed")
            #expect(omitted == 2)
            #expect(try await store.suiteTallies(recentLimit: 5, openLimit: 4).openOmitted == 0)
        }
    }
}
