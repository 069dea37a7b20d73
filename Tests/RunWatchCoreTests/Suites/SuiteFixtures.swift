import Foundation
import RunWatchCore

/// Suite reports built the way the store builds them, for rendering tests.
enum SuiteFixtures {
    static let t0 = Date(timeIntervalSince1970: 1_784_000_000)

    static func run(
        _ id: RunID, _ status: RunStatus, success: Bool? = nil, scenario: String? = nil, error: String? = nil, result: ResultID? = nil,
        links: DashboardLinks = .none
    ) -> RunResult {
        RunResult(
            id: id, status: status, success: success, terminal: status.isTerminal,
            snapshot: RunSnapshot(
                id: id, status: status, success: success, scenarioName: scenario ?? "Scenario \(id)", errorMessage: error,
                duration: "00:47", resultID: result),
            submittedAt: t0, endedAt: t0 + 60, links: links)
    }

    /// `passed` completed runs, then `failures` of the given outcomes (cycled), ids from 1.
    static func report(
        name: String = "nightly", passed: Int, failing: [RunStatus] = [], error: String? = "SIP 408 Request Timeout",
        links: DashboardLinks = .none, labels: [String: String] = [:]
    ) -> SuiteReport {
        var runs = (0..<passed).map { run(RunID($0 + 1), .completed, success: true, result: 77, links: links) }
        for (index, status) in failing.enumerated() {
            let id = RunID(passed + index + 1)
            runs.append(run(id, status, success: status == .completed ? false : nil, error: error, result: 77, links: links))
        }
        return SuiteReport(name: name, instance: 42, startedAt: t0, completedAt: t0 + 754, runs: runs, labels: labels)
    }
}
