import Foundation
import GRDB
import Logging
import RunWatch
import RunWatchCore

/// What the suite service costs: one look over the open instances (`openSuites` and the
/// completion rule; what every doorbell ring and every recheck does), and completing a
/// big suite (its report built and its `suite.completed` messages queued in one transaction).
struct SuiteCompletionBenchmark {
    /// Looks timed per configuration; the median is printed.
    var looks = 15

    struct LookRow {
        var suites: Int
        var runsPerSuite: Int
        var wallMS: Double
        var cpuMS: Double
    }

    struct CompletionRow {
        var runs: Int
        var allFailed: Bool
        var wallMS: Double
        var cpuMS: Double
        var messages: Int
        var outboxBytes: Int
    }

    /// (open instances, runs in each): the look's cost grows with the runs it counts.
    static let lookShapes = [(1, 100), (1, 1000), (1, 10_000), (50, 1000)]

    func runLooks() async throws -> [LookRow] {
        var rows: [LookRow] = []
        for (suites, perSuite) in Self.lookShapes {
            let dir = SuiteFixture.temporaryDirectory("suite-look")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let store = try SQLiteRunStore.open(directory: dir)
            let at = Date()
            for suite in 0..<suites {
                let ids = Array((suite * perSuite + 1)...((suite + 1) * perSuite))
                try await SuiteFixture.submit(ids, suite: "suite-\(suite)", to: store, at: at)
                // Nine in ten ended: the suites stay open, the counts cover both kinds.
                try await SuiteFixture.end(ids.filter { $0 % 10 != 0 }, in: store, at: at)
            }
            let service = SuiteService(
                store: store, settings: .init(rule: SuiteCompletion(), routes: Self.routes), heartbeat: Heartbeat(),
                logger: Logger(label: "bench"), now: { Date() }, onEnqueued: {})
            var walls: [Double] = []
            var cpus: [Double] = []
            for _ in 0..<looks {
                let cpu0 = ResourceUsage.cpuSeconds()
                let t0 = ContinuousClock.now
                try await service.checkOnce()
                walls.append((ContinuousClock.now - t0).secondsDouble * 1000)
                cpus.append((ResourceUsage.cpuSeconds() - cpu0) * 1000)
            }
            let open = try await store.openSuites().count
            precondition(open == suites, "a look completed a suite that has runs going")
            rows.append(LookRow(suites: suites, runsPerSuite: perSuite, wallMS: percentile(walls, 0.5), cpuMS: percentile(cpus, 0.5)))
        }
        return rows
    }

    /// A person's Slack channel (failures, in parts) and a machine's webhook (always).
    static let routes = [
        NotifierRoute(name: "team-slack", kind: .slack, events: Set(RunOutcome.allCases), suites: .failures),
        NotifierRoute(name: "ci-hook", kind: .webhook, events: Set(RunOutcome.allCases), suites: .always),
    ]

    /// Suites of `sizes` runs with Cekura's mix of outcomes, then the biggest with every
    /// run failed (the Slack summary names every one, in the most parts).
    func runCompletions(sizes: [Int]) async throws -> [CompletionRow] {
        var rows: [CompletionRow] = []
        for (runs, allFailed) in sizes.map({ ($0, false) }) + [(sizes.max() ?? 10_000, true)] {
            let dir = SuiteFixture.temporaryDirectory("suite-complete")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let store = try SQLiteRunStore.open(directory: dir)
            let at = Date()
            let ids = Array(1...runs)
            try await SuiteFixture.submit(ids, suite: "nightly", to: store, at: at)
            try await SuiteFixture.end(ids, in: store, at: at, failing: allFailed)
            guard let suite = try await store.openSuites().first else { throw ValidationFailure("no open suite") }
            let cpu0 = ResourceUsage.cpuSeconds()
            let t0 = ContinuousClock.now
            let report = try await store.completeSuite(
                suite.id, rule: SuiteCompletion(quietPeriod: .zero), routes: Self.routes,
                links: DashboardLinks(base: "https://dashboard.cekura.ai"), at: at.addingTimeInterval(1))
            let wall = (ContinuousClock.now - t0).secondsDouble * 1000
            let cpu = (ResourceUsage.cpuSeconds() - cpu0) * 1000
            guard report?.runs.count == runs else { throw ValidationFailure("the suite did not complete with all its runs") }
            let queue = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
            let (messages, bytes) = try await queue.read { db in
                let row = try Row.fetchOne(
                    db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(payload)), 0) AS b FROM outbox WHERE suite = ?", arguments: [suite.id])
                return (row?["n"] ?? 0, row?["b"] ?? 0) as (Int, Int)
            }
            try queue.close()
            rows.append(CompletionRow(runs: runs, allFailed: allFailed, wallMS: wall, cpuMS: cpu, messages: messages, outboxBytes: bytes))
        }
        return rows
    }

    static func print(looks: [LookRow], completions: [CompletionRow]) {
        Swift.print("\nSuite service: one look over the open instances (openSuites + the completion rule; median of 15)\n")
        Swift.print([lpad("open", 6), lpad("runs each", 10), lpad("runs", 8), lpad("wall ms", 9), lpad("CPU ms", 8)].joined(separator: " "))
        for row in looks {
            Swift.print(
                [
                    lpad("\(row.suites)", 6), lpad("\(row.runsPerSuite)", 10), lpad("\(row.suites * row.runsPerSuite)", 8),
                    lpad(String(format: "%.2f", row.wallMS), 9), lpad(String(format: "%.2f", row.cpuMS), 8),
                ].joined(separator: " "))
        }
        Swift.print("\nCompleting one suite (report + suite.completed for a Slack and a webhook notifier, one transaction)\n")
        Swift.print(
            [lpad("runs", 8), pad(" outcomes", 12), lpad("wall ms", 9), lpad("CPU ms", 8), lpad("messages", 9), lpad("outbox KB", 10)].joined(
                separator: " "))
        for row in completions {
            Swift.print(
                [
                    lpad("\(row.runs)", 8), pad(row.allFailed ? " all failed" : " mix", 12), lpad(String(format: "%.0f", row.wallMS), 9),
                    lpad(String(format: "%.0f", row.cpuMS), 8),
                    lpad("\(row.messages)", 9), lpad(String(format: "%.0f", Double(row.outboxBytes) / 1024), 10),
                ].joined(separator: " "))
        }
    }
}
