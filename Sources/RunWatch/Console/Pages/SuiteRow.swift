import Foundation
import RunWatchCore

/// One suite instance as the suites list and a suite page's other instances show it.
package struct SuiteRow: Sendable, Equatable {
    package var suiteName: String
    package var suiteHref: String
    package var suiteInstance: Int64
    package var verdict: String
    package var verdictClass: String
    package var isRunning: Bool
    package var runs: Int
    package var endedRuns: Int
    /// `<progress max>` must be above zero, also for a suite with no run yet.
    package var progressMax: Int
    package var passedRuns: Int
    package var passRate: String
    /// `<meter>` value 0…1 (nil while nothing has ended).
    package var passMeter: String?
    package var failures: String
    package var started: ConsolePageText.Moment
    package var completed: ConsolePageText.Moment?
    /// "2 results expanding"; nil when none is (a number is always a true section).
    package var expandingNote: String?

    package init(_ line: SuiteLine, now: Date) {
        suiteName = ConsolePageText.untrusted(line.name, limit: ConsolePageText.nameLimit)
        suiteHref = ConsolePageText.suitePath(line.name, instance: line.instance)
        suiteInstance = line.instance
        verdict = ConsolePageText.untrusted(line.verdict, limit: 20)
        verdictClass = ConsolePageText.cssToken(line.verdict)
        isRunning = line.completedAt == nil
        runs = max(line.runs, 0)
        endedRuns = min(max(line.ended, 0), runs)
        progressMax = max(runs, 1)
        passedRuns = line.passed
        passRate = ConsolePageText.percent(line.passRate)
        passMeter = line.passRate.flatMap { $0.isFinite ? String(format: "%.3f", min(max($0, 0), 1)) : nil }
        failures = Self.failures(line.counts)
        started = ConsolePageText.moment(line.startedAt, now: now)
        completed = line.completedAt.map { ConsolePageText.moment($0, now: now) }
        expandingNote = line.expandingResults > 0 ? Self.expandingNote(line.expandingResults) : nil
    }

    static func expandingNote(_ count: Int) -> String {
        count == 1 ? "1 result expanding" : "\(count) results expanding"
    }

    /// "2 failed, 1 timed out" (passed runs left out); "none" when nothing failed.
    static func failures(_ counts: [String: Int]) -> String {
        var byOutcome: [RunOutcome: Int] = [:]
        for (raw, count) in counts {
            guard let outcome = RunOutcome(rawValue: raw), outcome.isFailure else { continue }
            byOutcome[outcome] = count
        }
        let text = OutcomeWording.parts(byOutcome)
        return text.isEmpty ? "none" : text
    }
}
