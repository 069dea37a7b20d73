import Foundation
import RunWatch
import RunWatchCore

/// Documents for page tests, built directly (the store's reads are the api's tests).
enum ConsoleFixtures {
    static let now = Date(timeIntervalSince1970: 1_784_000_000)  // 2026-07-14T03:33:20Z

    static let hostile = "<script>alert(1)</script>"
    static let breakout = "\"><img src=x onerror=alert(2)>"

    /// `StoreSummary` and `ResultOverview` have no package initializer: decode them, as
    /// `runwatch status --json` readers do.
    static func summary(
        runsByStatus: [String: Int] = [:], active: Int = 0, pending: Int = 0, dead: Int = 0, delivered: Int = 0, apiState: String? = nil,
        lastAPIError: String? = nil
    ) -> StoreSummary {
        var object: [String: Any] = [
            "runsByStatus": runsByStatus, "active": active, "outboxPending": pending, "outboxDead": dead, "delivered": delivered,
            "disabledNotifiers": [String: String](),
        ]
        object["apiState"] = apiState
        object["lastAPIError"] = lastAPIError
        return decode(object)
    }

    static func result(id: Int, state: String, runCount: Int, reads: Int, lastError: String?) -> ResultOverview {
        var object: [String: Any] = ["id": id, "state": state, "runCount": runCount, "reads": reads]
        object["lastError"] = lastError
        return decode(object)
    }

    private static func decode<T: Decodable>(_ object: [String: Any]) -> T {
        // The fixtures are constants: a shape that does not decode is a test bug.
        let data = try! JSONSerialization.data(withJSONObject: object)
        return try! JSONDecoder().decode(T.self, from: data)
    }

    static func overview(
        summary: StoreSummary = summary(
            runsByStatus: ["running": 3, "completed": 5, "failed": 2, "submitted": 1], active: 4, pending: 2, dead: 1, delivered: 9),
        live: LiveLine? = LiveLine(
            statusLine: "watching 4 runs; API ok", api: "ok", sweepPeriod: "2s", budgetRequestsPerMinute: 60, requestsLastMinute: 12),
        notifiers: [NotifierLine] = [
            NotifierLine(name: "ops", kind: "slack", pending: 2, dead: 1, deliveredLast24h: 7),
            NotifierLine(name: "hook", kind: "webhook", pending: 0, dead: 0, deliveredLast24h: 2, disabledReason: "HTTP 410 Gone"),
        ],
        openSuites: [OpenSuiteLine] = [OpenSuiteLine(name: "nightly", instance: 3, runs: 10, ended: 4, expandingResults: 1)],
        results: [ResultOverview] = [result(id: 77, state: "expanding", runCount: 10, reads: 2, lastError: nil)],
        ended: [String: Int] = ["completed": 5, "failed": 2, "cancelled": 1]
    ) -> OverviewDocument {
        OverviewDocument(
            generatedAt: now, summary: summary, effectiveSweepPeriodSeconds: 2, results: results, openSuites: openSuites, endedLast24h: ended,
            notifiers: notifiers, live: live)
    }

    static let history = HistoryDocument(generatedAt: now, budgetRequestsPerMinute: 60, minutes: [])

    static func suiteLine(
        name: String = "nightly", instance: Int64 = 3, completed: Bool = false, runs: Int = 4, ended: Int = 3, passed: Int = 1,
        counts: [String: Int] = ["completed": 1, "failed": 1, "timeout": 1], verdict: String = "running"
    ) -> SuiteLine {
        SuiteLine(
            name: name, instance: instance, startedAt: now.addingTimeInterval(-3600), completedAt: completed ? now.addingTimeInterval(-60) : nil,
            runs: runs, ended: ended, passed: passed, counts: counts, passRate: ended > 0 ? Double(passed) / Double(runs) : nil,
            expandingResults: completed ? 0 : 1, verdict: verdict)
    }

    static func runs() -> [RunResult] {
        [
            RunResult(
                id: 11, status: .failed, success: false, outcome: .failed, scenarioName: "refund", personalityName: "impatient",
                error: "agent hung up", duration: "01:05", resultID: 77, dashboardURL: "https://dashboard.cekura.ai/results/77",
                submittedAt: now.addingTimeInterval(-3000), endedAt: now.addingTimeInterval(-2000)),
            RunResult(
                id: 12, status: .timeout, outcome: .timeout, scenarioName: "billing", duration: "0", submittedAt: now.addingTimeInterval(-3000),
                endedAt: now.addingTimeInterval(-1000)),
            RunResult(
                id: 13, status: .completed, success: true, outcome: .completed, scenarioName: "greeting", error: "agent-ended-call",
                duration: "00:47",
                submittedAt: now.addingTimeInterval(-3000), endedAt: now.addingTimeInterval(-500)),
            RunResult(id: 14, status: .running, submittedAt: now.addingTimeInterval(-3000)),
        ]
    }

    static func suite(runs: [RunResult] = runs(), line: SuiteLine = suiteLine()) -> SuiteDocument {
        SuiteDocument(
            generatedAt: now, suite: line, runs: runs, labels: ["suite": "nightly", "build": "4711"],
            dashboardURL: "https://dashboard.cekura.ai/results/77", expandingResults: [77],
            otherInstances: [suiteLine(instance: 2, completed: true, runs: 4, ended: 4, passed: 4, counts: ["completed": 4], verdict: "passed")])
    }

    static func delivery(
        id: Int64, notifier: String = "ops", runID: RunID = 11, state: String, lastError: String? = "HTTP 503", attempts: [AttemptLine] = []
    ) -> DeliveryLine {
        DeliveryLine(
            id: id, notifier: notifier, runID: runID, event: "run.failed", state: state, attempts: max(attempts.count, 1),
            createdAt: now.addingTimeInterval(-900), nextAttemptAt: state == "pending" ? now.addingTimeInterval(30) : nil,
            finishedAt: state == "pending" ? nil : now.addingTimeInterval(-60), lastError: lastError, attemptLog: attempts)
    }

    static func run(
        snapshot: RunSnapshot? = RunSnapshot(id: 11, status: .failed, success: false, scenarioName: "refund", errorMessage: "agent hung up")
    )
        -> RunDocument
    {
        RunDocument(
            generatedAt: now, run: runs()[0], labels: ["suite": "nightly"],
            transitions: [
                TransitionLine(from: nil, to: "pending", at: now.addingTimeInterval(-2900)),
                TransitionLine(from: "pending", to: "running", at: now.addingTimeInterval(-2500)),
                TransitionLine(from: "running", to: "failed", at: now.addingTimeInterval(-2000)),
            ],
            snapshot: snapshot.map(SnapshotLine.init),
            deliveries: [
                delivery(
                    id: 1, state: "delivered", lastError: nil,
                    attempts: [
                        AttemptLine(attempt: 1, at: now.addingTimeInterval(-1990), outcome: "retry", answer: "HTTP 503"),
                        AttemptLine(attempt: 2, at: now.addingTimeInterval(-1900), outcome: "delivered", answer: nil),
                    ]),
                delivery(
                    id: 2, notifier: "hook", state: "dead", lastError: "HTTP 400",
                    attempts: [AttemptLine(attempt: 1, at: now, outcome: "dead", answer: "HTTP 400")]),
            ],
            suites: [SuiteRef(name: "nightly", instance: 3)])
    }

    static func deliveries() -> DeliveriesDocument {
        DeliveriesDocument(
            generatedAt: now, notifiers: overview().notifiers,
            pending: [delivery(id: 5, state: "pending"), delivery(id: 6, notifier: "hook", runID: 0, state: "pending", lastError: nil)],
            dead: [
                delivery(
                    id: 4, state: "dead", lastError: "HTTP 404", attempts: [AttemptLine(attempt: 1, at: now, outcome: "dead", answer: "HTTP 404")])
            ])
    }
}
