/// Which suite verdicts (`suite.completed`) a notifier receives (`suites:` per notifier).
package enum SuiteMode: String, Sendable, CaseIterable, Codable {
    /// Only suites in which some run did not pass: a person's channel.
    case failures
    /// Every completed suite: machines want every verdict.
    case always
    /// None.
    case off

    /// Whether a suite with this verdict reaches the notifier.
    package func accepts(_ report: SuiteReport) -> Bool {
        switch self {
        case .failures: !report.isPassing
        case .always: true
        case .off: false
        }
    }
}
