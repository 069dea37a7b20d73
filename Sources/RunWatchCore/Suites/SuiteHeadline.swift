/// A suite's verdict in one line, as a person would say it:
/// "nightly: 47 of 50 passed; 2 failed, 1 timed out, 3 were cancelled".
package enum SuiteHeadline {
    package static func render(_ report: SuiteReport) -> String {
        "\(report.name): " + verdict(report)
    }

    /// The line without the name.
    package static func verdict(_ report: SuiteReport) -> String {
        guard report.total > 0 else { return "no runs" }
        let counts = report.counts
        let failing = RunOutcome.allCases.filter { $0 != .completed }.compactMap { outcome in
            counts[outcome].map { phrase(count: $0, outcome) }
        }
        let head = "\(report.passed) of \(report.total) passed"
        return failing.isEmpty ? head : head + "; " + failing.joined(separator: ", ")
    }

    /// "1 failed", "2 were cancelled", "1 is no longer returned by the API": the count and
    /// a verb that agrees with it.
    package static func phrase(count: Int, _ outcome: RunOutcome) -> String {
        OutcomeWording.part(count, outcome)
    }

    /// A group's heading in a summary: "Failed (2)", "Timed out (1)".
    package static func groupTitle(_ outcome: RunOutcome, count: Int) -> String {
        let title: String =
            switch outcome {
            case .completed: "Passed"
            case .unsuccessful: "Completed unsuccessfully"
            case .failed: "Failed"
            case .timeout: "Timed out"
            case .cancelled: "Cancelled"
            case .notFound: "No longer returned by the API"
            case .expired: "Did not end before the deadline"
            case .rejected: "Refused by the API"
            }
        return "\(title) (\(count))"
    }
}
