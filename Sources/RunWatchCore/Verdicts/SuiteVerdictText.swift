/// A suite's verdict in words: "nightly: 47 of 50 passed; 2 failed, 1 timed out". The
/// Markdown summary's headings and `runwatch wait`'s last line say the same thing.
package enum SuiteVerdictText {
    /// A label for each outcome (a table cell, a JUnit property); counts use
    /// `OutcomeWording`, as Slack and webhooks do.
    package static func phrase(_ outcome: RunOutcome) -> String {
        switch outcome {
        case .completed: "passed"
        case .unsuccessful: "completed unsuccessfully"
        case .failed: "failed"
        case .timeout: "timed out"
        case .cancelled: "cancelled"
        case .notFound: "not found"
        case .expired: "expired"
        case .rejected: "rejected"
        }
    }

    /// "47 of 50 passed; 2 failed, 1 timed out, 1 not ended", without the suite's name:
    /// the same words as the Slack and webhook summaries (`OutcomeWording`).
    /// Runs still unfinished (a wait that timed out) are counted as "not ended".
    package static func counts(_ suite: SuiteReport) -> String {
        guard !suite.runs.isEmpty else { return "no runs" }
        let counts = suite.counts
        var parts = RunOutcome.allCases.filter { $0 != .completed }.compactMap { outcome -> String? in
            guard let count = counts[outcome], count > 0 else { return nil }
            return OutcomeWording.part(count, outcome)
        }
        let notEnded = suite.runs.count - suite.ended
        if notEnded > 0 { parts.append("\(notEnded) not ended") }
        let head = "\(suite.passed) of \(suite.runs.count) passed"
        return parts.isEmpty ? head : "\(head); \(parts.joined(separator: ", "))"
    }

    /// The whole line, with the suite's name as given (callers escape it for their format).
    package static func line(_ suite: SuiteReport) -> String {
        "\(VerdictText.oneLine(suite.name, limit: 200) ?? "suite \(suite.instance)"): \(counts(suite))"
    }

    /// Every run passed, and there was one (`SuiteReport.isPassing`: an empty suite is
    /// not green).
    package static func allPassed(_ suite: SuiteReport) -> Bool { suite.isPassing }
}
