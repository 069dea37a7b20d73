import Foundation
import RunWatchCore
import Testing

/// The console's judgements as tables: verdicts, pass rates, run order, notifier order,
/// the API word.
@Suite struct ConsoleOrderingTests {
    @Test(arguments: [
        (false, 0, 0, "running"), (false, 3, 3, "running"), (true, 0, 0, "empty"), (true, 3, 3, "passed"), (true, 3, 2, "failed"),
    ])
    func suiteVerdict(completed: Bool, runs: Int, passed: Int, verdict: String) {
        #expect(ConsoleOrdering.suiteVerdict(completed: completed, runs: runs, passed: passed) == verdict)
    }

    @Test(
        arguments: [
            // completed, runs, ended, passed, rate
            (false, 0, 0, 0, nil), (false, 4, 0, 0, nil), (false, 4, 2, 1, 0.25), (true, 0, 0, 0, 0.0), (true, 4, 4, 4, 1.0),
            (true, 4, 3, 3, 0.75),
        ] as [(Bool, Int, Int, Int, Double?)])
    func passRate(completed: Bool, runs: Int, ended: Int, passed: Int, rate: Double?) {
        #expect(ConsoleOrdering.passRate(completed: completed, runs: runs, ended: ended, passed: passed) == rate)
    }

    @Test func failuresComeFirstThenRunningThenPassedEachByID() {
        let t = Date(timeIntervalSince1970: 0)
        let runs = [
            RunResult(id: 5, outcome: .completed, submittedAt: t), RunResult(id: 4, submittedAt: t),
            RunResult(id: 3, outcome: .timeout, submittedAt: t), RunResult(id: 2, outcome: .completed, submittedAt: t),
            RunResult(id: 1, outcome: .failed, submittedAt: t), RunResult(id: 6, outcome: .unsuccessful, submittedAt: t),
            RunResult(id: 0, submittedAt: t),
        ]
        #expect(ConsoleOrdering.suiteRunOrder(runs).map(\.id) == [1, 3, 6, 0, 4, 2, 5])
    }

    @Test func configuredNotifiersKeepFileOrderAndOutboxOnlyNamesFollowSorted() {
        #expect(
            ConsoleOrdering.notifierNames(configured: ["ops", "ci"], inOutbox: ["zeta", "ci", "alpha", "alpha"]) == ["ops", "ci", "alpha", "zeta"])
        #expect(ConsoleOrdering.notifierNames(configured: [], inOutbox: [String]()) == [])
    }

    @Test func apiWords() {
        #expect(ConsoleOrdering.apiState(.ok) == ("ok", nil))
        #expect(ConsoleOrdering.apiState(.notYetContacted) == ("not_contacted", nil))
        #expect(ConsoleOrdering.apiState(.keyRejected) == ("key_rejected", nil))
        #expect(ConsoleOrdering.apiState(.rateLimited(until: "12:00:05")) == ("rate_limited", "until 12:00:05"))
        let backingOff = ConsoleOrdering.apiState(.backingOff(until: "12:00:05", reason: "HTTP 503\nX"))
        #expect(backingOff.word == "backing_off" && backingOff.detail?.hasPrefix("until 12:00:05: HTTP 503") == true)
        #expect(backingOff.detail?.contains("\n") == false)
    }

    @Test func requestsOfTheLastWholeMinute() {
        var history = ActivityHistory(minutes: 5)
        let t = Date(timeIntervalSince1970: 600)
        for _ in 0..<7 { history.record(.request(throttled: false), at: t + 30) }
        history.record(.request(throttled: false), at: t + 70)
        // At t+80 the minute [60, 120) is still running: the last whole one holds 7.
        #expect(ConsoleOrdering.requestsLastMinute(history.window(endingAt: t + 80)) == 7)
        #expect(ConsoleOrdering.requestsLastMinute([]) == 0)
    }
}
