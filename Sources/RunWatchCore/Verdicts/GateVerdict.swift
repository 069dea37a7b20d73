import Foundation

/// The CI gate's exit codes (`runwatch wait`); 69 and 78 are the CLI's own (no store,
/// bad configuration), and 130/143 an interrupted wait.
package enum GateExit: Int32, Sendable, CaseIterable, Codable {
    /// Every run completed with success.
    case passed = 0
    /// At least one run completed with `success: false`: the agent regressed.
    case regression = 1
    /// At least one run failed, timed out, was cancelled, vanished (`not_found`), was
    /// never finished (`expired`) or refused by the API (`rejected`), or a result had no
    /// runs, or there was nothing to judge at all.
    case infrastructure = 2
    /// The wait's `--timeout` passed with runs still open, and nothing had ended badly.
    case timedOut = 3

    package var word: String {
        switch self {
        case .passed: "passed"
        case .regression: "regression"
        case .infrastructure: "infrastructure"
        case .timedOut: "timed out"
        }
    }
}

/// The decision of `runwatch wait`: keep waiting, or stop with an exit code.
///
/// Precedence, the worst *known* finding first: regression (1) > infrastructure (2) >
/// timed out (3) > passed (0). A regression wins over an infrastructure failure because
/// it is the finding a retry cannot fix: pipelines that retry on 2 must not retry a
/// regression away. A timeout never hides a verdict already known: at the deadline, a run
/// that already ended unsuccessfully still makes the gate exit 1.
package struct GateVerdict: Sendable, Equatable {
    package var exit: GateExit
    /// One line: "regression: 47 of 50 passed; 2 unsuccessful, 1 timeout".
    package var headline: String

    /// nil while the wait should go on: something is still open and time is left.
    package static func judge(_ reading: GateReading, timedOut: Bool) -> GateVerdict? {
        let settled = reading.settled
        guard settled || timedOut else { return nil }
        let runs = reading.runs
        let outcomes = runs.compactMap(\.outcome)
        let exit: GateExit
        if outcomes.contains(.unsuccessful) {
            exit = .regression
        } else if outcomes.contains(where: { $0 != .completed }) || !reading.emptyResults.isEmpty {
            exit = .infrastructure
        } else if !settled {
            exit = .timedOut
        } else if runs.isEmpty {
            // A gate that passes on nothing would hide a broken pipeline.
            exit = .infrastructure
        } else {
            exit = .passed
        }
        return GateVerdict(exit: exit, headline: headline(exit, reading: reading, runs: runs))
    }

    private static func headline(_ exit: GateExit, reading: GateReading, runs: [RunResult]) -> String {
        let progress = GateProgress(reading)
        var text = "\(exit.word): \(progress.passed) of \(runs.count) passed"
        let bad = progress.endedBadly
        if !bad.isEmpty { text += "; " + bad.map { "\($0.count) \($0.outcome.rawValue)" }.joined(separator: ", ") }
        if progress.open > 0 { text += "; \(progress.open) still open" }
        if !reading.emptyResults.isEmpty {
            text += "; result(s) with no runs: " + reading.emptyResults.sorted().map(String.init).joined(separator: ", ")
        }
        if runs.isEmpty, reading.emptyResults.isEmpty, reading.settled { text += "; nothing to judge (no runs)" }
        if reading.suiteMissing { text += "; the suite is not in the store" }
        if reading.suiteIncomplete { text += "; the suite is not complete" }
        return text
    }
}
