import Foundation

/// What runwatch keeps of one run object from the bulk endpoint.
///
/// Only `id` and `status` are required to track a run; every other field is optional and
/// tolerant of nulls, absence and the loose types the live API returns (see
/// `shared/cekura/API.md`). A field of an unexpected type is recorded in `anomalies` and
/// read as absent instead of failing the run.
package struct RunSnapshot: Sendable, Equatable, Codable {
    package var id: RunID
    package var status: RunStatus
    package var success: Bool?
    package var scenarioName: String?
    package var agentName: String?
    package var personalityName: String?
    package var errorMessage: String?
    package var endedReason: String?
    package var duration: String?
    package var voiceRecordingURL: String?
    package var resultID: Int?
    package var projectID: Int?
    /// Fields that were present with a type we could not read, e.g. `success (string)`.
    package var anomalies: [String]

    package init(
        id: RunID, status: RunStatus, success: Bool? = nil, scenarioName: String? = nil,
        agentName: String? = nil, personalityName: String? = nil, errorMessage: String? = nil,
        endedReason: String? = nil, duration: String? = nil, voiceRecordingURL: String? = nil,
        resultID: Int? = nil, projectID: Int? = nil, anomalies: [String] = []
    ) {
        self.id = id
        self.status = status
        self.success = success
        self.scenarioName = scenarioName
        self.agentName = agentName
        self.personalityName = personalityName
        self.errorMessage = errorMessage
        self.endedReason = endedReason
        self.duration = duration
        self.voiceRecordingURL = voiceRecordingURL
        self.resultID = resultID
        self.projectID = projectID
        self.anomalies = anomalies
    }

    /// Lengths (in characters) kept of the API's strings: an answer is untrusted, and
    /// every string ends up in the store, the journal, the CLI and notifications.
    package enum Limits {
        package static let status = 64
        package static let name = 200
        package static let errorMessage = 2000
        package static let duration = 32
        package static let url = 2048
    }

    /// The recording link, only when it is an `https` URL that cannot break out of a
    /// Slack link (`<url|text>`); otherwise it is shown as text, never linked.
    package var linkableRecordingURL: String? {
        guard let url = voiceRecordingURL, url.lowercased().hasPrefix("https://"),
            !url.unicodeScalars.contains(where: { $0.value <= 0x20 || "<>|\"`".unicodeScalars.contains($0) || $0.value == 0x7F })
        else { return nil }
        return url
    }

    // No dashboard link here: the API sends no project, so the link comes from
    // `cekura.dashboard_url` (`DashboardLinks`), put into each `RunAlert` when drafted.
}

// MARK: - Storage form

/// The store keeps snapshots as JSON in this stable, runwatch-owned shape (not Cekura's).
extension RunSnapshot {
    private enum StoredKeys: String, CodingKey {
        case id, status, success, scenarioName, agentName, personalityName, errorMessage
        case endedReason, duration, voiceRecordingURL, resultID, projectID, anomalies
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: StoredKeys.self)
        self.init(
            id: try c.decode(RunID.self, forKey: .id),
            status: RunStatus(stored: try c.decode(String.self, forKey: .status)),
            success: try c.decodeIfPresent(Bool.self, forKey: .success),
            scenarioName: try c.decodeIfPresent(String.self, forKey: .scenarioName),
            agentName: try c.decodeIfPresent(String.self, forKey: .agentName),
            personalityName: try c.decodeIfPresent(String.self, forKey: .personalityName),
            errorMessage: try c.decodeIfPresent(String.self, forKey: .errorMessage),
            endedReason: try c.decodeIfPresent(String.self, forKey: .endedReason),
            duration: try c.decodeIfPresent(String.self, forKey: .duration),
            voiceRecordingURL: try c.decodeIfPresent(String.self, forKey: .voiceRecordingURL),
            resultID: try c.decodeIfPresent(Int.self, forKey: .resultID),
            projectID: try c.decodeIfPresent(Int.self, forKey: .projectID),
            anomalies: try c.decodeIfPresent([String].self, forKey: .anomalies) ?? []
        )
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: StoredKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(status.rawValue, forKey: .status)
        try c.encodeIfPresent(success, forKey: .success)
        try c.encodeIfPresent(scenarioName, forKey: .scenarioName)
        try c.encodeIfPresent(agentName, forKey: .agentName)
        try c.encodeIfPresent(personalityName, forKey: .personalityName)
        try c.encodeIfPresent(errorMessage, forKey: .errorMessage)
        try c.encodeIfPresent(endedReason, forKey: .endedReason)
        try c.encodeIfPresent(duration, forKey: .duration)
        try c.encodeIfPresent(voiceRecordingURL, forKey: .voiceRecordingURL)
        try c.encodeIfPresent(resultID, forKey: .resultID)
        try c.encodeIfPresent(projectID, forKey: .projectID)
        if !anomalies.isEmpty { try c.encode(anomalies, forKey: .anomalies) }
    }
}
