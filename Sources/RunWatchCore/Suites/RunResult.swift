import Foundation

/// What is known of one run for a verdict: a row of a suite report, a JUnit test case, a
/// line of `runwatch wait`. Built from the store (the last status and, once the run has
/// ended, the snapshot the API gave then), so every consumer says the same thing.
package struct RunResult: Sendable, Equatable {
    package var id: RunID
    /// The last status the API reported (or runwatch's own end); nil before the first answer.
    package var status: RunStatus?
    package var success: Bool?
    /// How the run ended; nil while it has not.
    package var outcome: RunOutcome?
    package var scenarioName: String?
    package var personalityName: String?
    package var agentName: String?
    /// The API's `error_message`, else its `ended_reason`.
    package var error: String?
    /// The API's `duration` text ("00:47", sometimes "0").
    package var duration: String?
    package var resultID: ResultID?
    /// The dashboard page of the run's result, when `cekura.dashboard_url` is configured.
    package var dashboardURL: String?
    package var submittedAt: Date
    package var endedAt: Date?

    package init(
        id: RunID, status: RunStatus? = nil, success: Bool? = nil, outcome: RunOutcome? = nil, scenarioName: String? = nil,
        personalityName: String? = nil, agentName: String? = nil, error: String? = nil, duration: String? = nil,
        resultID: ResultID? = nil, dashboardURL: String? = nil, submittedAt: Date, endedAt: Date? = nil
    ) {
        self.id = id
        self.status = status
        self.success = success
        self.outcome = outcome
        self.scenarioName = scenarioName
        self.personalityName = personalityName
        self.agentName = agentName
        self.error = error
        self.duration = duration
        self.resultID = resultID
        self.dashboardURL = dashboardURL
        self.submittedAt = submittedAt
        self.endedAt = endedAt
    }

    /// From what the store holds of a run: its last state, and the snapshot kept when it
    /// ended (nil for a run not yet seen).
    package init(
        id: RunID, status: RunStatus?, success: Bool?, terminal: Bool, snapshot: RunSnapshot?, submittedAt: Date, endedAt: Date?,
        links: DashboardLinks
    ) {
        self.init(
            id: id, status: status, success: success,
            outcome: terminal ? status.flatMap { RunOutcome(terminal: $0, success: success) } : nil,
            scenarioName: snapshot?.scenarioName, personalityName: snapshot?.personalityName, agentName: snapshot?.agentName,
            error: snapshot?.errorMessage ?? snapshot?.endedReason, duration: snapshot?.duration, resultID: snapshot?.resultID,
            dashboardURL: links.result(snapshot?.resultID), submittedAt: submittedAt, endedAt: endedAt)
    }

    package var ended: Bool { outcome != nil }

    /// Completed with success (or with `success` still null after the grace period).
    package var passed: Bool { outcome == .completed }

    /// The duration in seconds, when the API's text reads as "MM:SS", "HH:MM:SS" or a
    /// plain number.
    package var durationSeconds: Double? {
        guard let duration, !duration.isEmpty else { return nil }
        let parts = duration.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 3 else { return nil }
        var total = 0.0
        for part in parts {
            guard let value = Double(part), value >= 0, value.isFinite else { return nil }
            total = total * 60 + value
        }
        return total
    }
}

extension RunResult: Codable {
    private enum Keys: String, CodingKey {
        case id, status, success, outcome, scenarioName, personalityName, agentName, error, duration, resultID, dashboardURL
        case submittedAt, endedAt
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            id: try c.decode(RunID.self, forKey: .id),
            status: try c.decodeIfPresent(String.self, forKey: .status).map(RunStatus.init(stored:)),
            success: try c.decodeIfPresent(Bool.self, forKey: .success),
            outcome: try c.decodeIfPresent(RunOutcome.self, forKey: .outcome),
            scenarioName: try c.decodeIfPresent(String.self, forKey: .scenarioName),
            personalityName: try c.decodeIfPresent(String.self, forKey: .personalityName),
            agentName: try c.decodeIfPresent(String.self, forKey: .agentName),
            error: try c.decodeIfPresent(String.self, forKey: .error),
            duration: try c.decodeIfPresent(String.self, forKey: .duration),
            resultID: try c.decodeIfPresent(ResultID.self, forKey: .resultID),
            dashboardURL: try c.decodeIfPresent(String.self, forKey: .dashboardURL),
            submittedAt: Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .submittedAt)),
            endedAt: try c.decodeIfPresent(Double.self, forKey: .endedAt).map(Date.init(timeIntervalSince1970:)))
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(status?.rawValue, forKey: .status)
        try c.encodeIfPresent(success, forKey: .success)
        try c.encodeIfPresent(outcome, forKey: .outcome)
        try c.encodeIfPresent(scenarioName, forKey: .scenarioName)
        try c.encodeIfPresent(personalityName, forKey: .personalityName)
        try c.encodeIfPresent(agentName, forKey: .agentName)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(duration, forKey: .duration)
        try c.encodeIfPresent(resultID, forKey: .resultID)
        try c.encodeIfPresent(dashboardURL, forKey: .dashboardURL)
        try c.encode(submittedAt.timeIntervalSince1970, forKey: .submittedAt)
        try c.encodeIfPresent(endedAt?.timeIntervalSince1970, forKey: .endedAt)
    }
}
