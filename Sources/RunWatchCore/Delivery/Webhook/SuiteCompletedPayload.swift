import Foundation

/// The body of `suite.completed`: the verdict (counts by outcome, pass rate, duration) and
/// every run that did not pass, with what the API said of it. Passed runs are counted,
/// not listed: a receiver that wants them reads `runwatch wait --json` or the store.
package enum SuiteCompletedPayload {
    package static func render(_ report: SuiteReport) -> JSONValue {
        let completed = report.completedAt ?? report.startedAt
        var counts: [String: JSONValue] = [:]
        for (outcome, count) in report.counts { counts[outcome.rawValue] = .int(count) }
        let failures: [JSONValue] = report.failures.map { run in
            [
                "run_id": .int(run.id),
                "outcome": .string(run.outcome?.rawValue ?? "unknown"),
                "status": .optional(run.status?.rawValue),
                "success": .optional(run.success),
                "scenario_name": .optional(run.scenarioName),
                "personality_name": .optional(run.personalityName),
                "agent_name": .optional(run.agentName),
                "error": .optional(run.error),
                "duration": .optional(run.duration),
                "result_id": .optional(run.resultID),
                "dashboard_url": .optional(run.dashboardURL),
            ]
        }
        var data: [String: JSONValue] = [
            "suite": .string(report.name),
            "instance": .int(Int(report.instance)),
            "headline": .string(SuiteHeadline.render(report)),
            "started_at": .string(report.startedAt.formatted(.iso8601)),
            "completed_at": .string(completed.formatted(.iso8601)),
            "duration_seconds": .double(rounded(report.duration(now: completed).secondsDouble, places: 3)),
            "total": .int(report.total),
            "passed": .int(report.passed),
            "counts": .object(counts),
            "pass_rate": .double(rounded(report.passRate, places: 4)),
            "dashboard_url": .optional(report.dashboardURL),
            "labels": .object(report.labels.mapValues(JSONValue.string)),
            "failures": .array(failures),
        ]
        // The instance's console page, only with a public console address (as for runs).
        if let url = report.consoleURL { data["console_url"] = .string(url) }
        return [
            "type": .string(SuiteReport.eventType),
            "timestamp": .string(completed.formatted(.iso8601)),
            "data": .object(data),
        ]
    }

    /// Decimal places a receiver will show; `0.94`, not `0.9400000000000001`.
    private static func rounded(_ value: Double, places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}
