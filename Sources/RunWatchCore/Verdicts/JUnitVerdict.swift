/// How one run reads in JUnit, which has three ways not to pass and CI systems treat them
/// differently (GitLab and Jenkins count failures and errors apart; skipped cases do not
/// fail a build):
/// - `failure`: the agent was tested and did badly (`completed` with `success: false`),
///   a regression;
/// - `error`: the test could not be carried out (`failed`, `timeout`, `not_found`,
///   `expired`, `rejected`), infrastructure; also a run that had not ended when the report
///   was written (type `not_ended`: a wait that timed out);
/// - `skipped`: someone cancelled the run.
package enum JUnitVerdict: Equatable, Sendable {
    case passed
    case failure(type: String)
    case error(type: String)
    case skipped(type: String)

    /// The type attribute of a run that had not ended.
    package static let notEndedType = "not_ended"

    package init(_ run: RunResult) {
        guard let outcome = run.outcome else {
            self = .error(type: Self.notEndedType)
            return
        }
        switch outcome {
        case .completed: self = .passed
        case .unsuccessful: self = .failure(type: outcome.rawValue)
        case .failed, .timeout, .notFound, .expired, .rejected: self = .error(type: outcome.rawValue)
        case .cancelled: self = .skipped(type: outcome.rawValue)
        }
    }

    /// One line for the `message` attribute: the API's error when it gave one, else what
    /// happened in words.
    package static func message(_ run: RunResult) -> String {
        if let error = VerdictText.oneLine(run.error, limit: JUnitReport.messageLimit) { return error }
        guard let outcome = run.outcome else {
            let status = run.status.map { "last status \(VerdictText.oneLine($0.description, limit: 40) ?? "?")" } ?? "no status yet"
            return "run \(run.id) had not ended when the report was written (\(status))"
        }
        return "run \(run.id) \(RunAlert.verb(for: outcome))"
    }
}
