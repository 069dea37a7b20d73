import Foundation

/// The console's judgements, pure so they can be table-tested: a suite's verdict and
/// pass rate, the order of its runs, the order of the notifier table, and the API state
/// word of the live line. `ConsoleAPI` applies them to what the store read.
package enum ConsoleOrdering {
    /// `running` until the instance completed; then `empty` (no run: not green),
    /// `passed` (every run passed) or `failed`.
    package static func suiteVerdict(completed: Bool, runs: Int, passed: Int) -> String {
        guard completed else { return "running" }
        guard runs > 0 else { return "empty" }
        return passed == runs ? "passed" : "failed"
    }

    /// passed / runs. nil while nothing has ended of an open instance (no rate yet); a
    /// completed instance with no run is 0, never 100 %.
    package static func passRate(completed: Bool, runs: Int, ended: Int, passed: Int) -> Double? {
        guard runs > 0 else { return completed ? 0 : nil }
        guard ended > 0 || completed else { return nil }
        return Double(passed) / Double(runs)
    }

    /// Failures first (ended, not passed), then runs still going, then passed ones; by id
    /// within each group. The page a Slack summary links to opens on what needs a look.
    package static func suiteRunOrder(_ runs: [RunResult]) -> [RunResult] {
        func rank(_ run: RunResult) -> Int { run.ended ? (run.passed ? 2 : 0) : 1 }
        return runs.sorted { (rank($0), $0.id) < (rank($1), $1.id) }
    }

    /// Configured notifiers in file order, then names only old outbox rows still carry
    /// (a notifier since removed from the file), by name.
    package static func notifierNames(configured: [String], inOutbox: some Sequence<String>) -> [String] {
        let known = Set(configured)
        return configured + Set(inOutbox).subtracting(known).sorted()
    }

    /// The live line's API word and its detail (until when, and why), from `STATUS=`'s state.
    package static func apiState(_ state: StatusLine.APIState) -> (word: String, detail: String?) {
        switch state {
        case .ok: ("ok", nil)
        case .backingOff(let until, let reason): ("backing_off", "until \(until): \(StatusText.clean(reason, maxBytes: 200))")
        case .rateLimited(let until): ("rate_limited", "until \(until)")
        case .keyRejected: ("key_rejected", nil)
        case .notYetContacted: ("not_contacted", nil)
        }
    }

    /// Requests in the last whole minute of a window (the last entry is the minute still
    /// running, which would under-count).
    package static func requestsLastMinute(_ window: [ActivityHistory.Minute]) -> Int {
        window.dropLast().last?.requests ?? 0
    }
}
