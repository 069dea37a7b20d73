import Foundation
import RunWatchCore
import Testing

/// The completion rule as a table: a suite completes only when every run ended, no
/// result is still expanding, and the quiet period since the last run joined has passed.
@Suite struct SuiteCompletionTests {
    static let t0 = Date(timeIntervalSince1970: 1_784_000_000)

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var facts: SuiteCompletion.Facts
        var now: Date
        var expected: SuiteCompletion.Decision
        var testDescription: String { name }
    }

    static let rule = SuiteCompletion(quietPeriod: .seconds(30))

    static let cases: [Case] = [
        Case(name: "all ended, quiet period over", facts: .init(runs: 50, ended: 50, lastJoinedAt: t0), now: t0 + 30, expected: .complete),
        Case(
            name: "all ended, a run joined 10 s ago", facts: .init(runs: 50, ended: 50, lastJoinedAt: t0), now: t0 + 10,
            expected: .quiet(until: t0 + 30)),
        Case(name: "one run still running", facts: .init(runs: 50, ended: 49, lastJoinedAt: t0), now: t0 + 3600, expected: .open),
        Case(
            name: "a result still expanding", facts: .init(runs: 3, ended: 3, expandingResults: 1, lastJoinedAt: t0), now: t0 + 3600,
            expected: .open),
        Case(
            name: "a result expanding and no run yet", facts: .init(runs: 0, ended: 0, expandingResults: 1, lastJoinedAt: t0),
            now: t0 + 3600, expected: .open),
        Case(
            name: "empty once its results gave up", facts: .init(runs: 0, ended: 0, lastJoinedAt: t0), now: t0 + 31, expected: .complete),
        Case(name: "clock behind the last join", facts: .init(runs: 1, ended: 1, lastJoinedAt: t0), now: t0 - 5, expected: .quiet(until: t0 + 30)),
    ]

    @Test(arguments: cases)
    func decides(_ c: Case) {
        #expect(Self.rule.decide(c.facts, now: c.now) == c.expected)
    }

    @Test func aZeroQuietPeriodCompletesAsSoonAsEveryRunEnded() {
        let rule = SuiteCompletion(quietPeriod: .zero)
        #expect(rule.decide(.init(runs: 2, ended: 2, lastJoinedAt: Self.t0), now: Self.t0) == .complete)
        #expect(rule.decide(.init(runs: 2, ended: 1, lastJoinedAt: Self.t0), now: Self.t0) == .open)
    }

    @Test func theDefaultQuietPeriodIsThirtySeconds() {
        #expect(SuiteCompletion().quietPeriod == .seconds(30))
    }
}
