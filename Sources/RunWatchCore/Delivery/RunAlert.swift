import Foundation

/// Everything a notification about one ended run says. Built from the transition that
/// ended the run, so rendering needs no further lookups.
package struct RunAlert: Sendable, Equatable, Codable {
    package var outcome: RunOutcome
    package var run: RunSnapshot
    package var previousStatus: RunStatus?
    package var endedAt: Date
    package var labels: [String: String]
    /// The run's page in Cekura's dashboard (`cekura.dashboard_url` and the run's
    /// `result_id`), fixed when the alert is drafted so every attempt sends the same
    /// bytes; nil when either is missing (never a guessed link).
    package var dashboardURL: String?
    /// Links into runwatch's console (`console.public_url`), fixed when the alert is
    /// drafted like `dashboardURL`; `.none` when the console has no public address. Kept
    /// as the base, so a digest of many alerts can also link their common suite's page.
    package var console: ConsoleLinks

    package init(
        outcome: RunOutcome, run: RunSnapshot, previousStatus: RunStatus?, endedAt: Date, labels: [String: String] = [:],
        dashboardURL: String? = nil, console: ConsoleLinks = .none
    ) {
        self.outcome = outcome
        self.run = run
        self.previousStatus = previousStatus
        self.endedAt = endedAt
        self.labels = labels
        self.dashboardURL = dashboardURL
        self.console = console
    }

    private enum Keys: String, CodingKey { case outcome, run, previousStatus, endedAt, labels, dashboardURL, consoleBase }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            outcome: try c.decode(RunOutcome.self, forKey: .outcome),
            run: try c.decode(RunSnapshot.self, forKey: .run),
            previousStatus: try c.decodeIfPresent(String.self, forKey: .previousStatus).map(RunStatus.init(stored:)),
            endedAt: Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .endedAt)),
            labels: try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:],
            // Absent in rows written before links existed.
            dashboardURL: try c.decodeIfPresent(String.self, forKey: .dashboardURL),
            console: ConsoleLinks(base: try c.decodeIfPresent(String.self, forKey: .consoleBase)))
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(run, forKey: .run)
        try c.encodeIfPresent(previousStatus?.rawValue, forKey: .previousStatus)
        try c.encode(endedAt.timeIntervalSince1970, forKey: .endedAt)
        try c.encode(labels, forKey: .labels)
        try c.encodeIfPresent(dashboardURL, forKey: .dashboardURL)
        // Absent without a public console address: rows drafted then store the same bytes
        // as before links existed.
        try c.encodeIfPresent(console.base, forKey: .consoleBase)
    }

    /// The run's page in the console (`/runs/<id>`); nil without a public address.
    package var consoleURL: String? { console.run(run.id) }

    /// Stable across retries and re-creation after a crash: the same run ending the same
    /// way always yields the same key, so receivers can deduplicate.
    package var idempotencyKey: String { "msg_run\(run.id)_\(outcome.rawValue)" }

    /// "failed", "timed out", … as a person would say it of this one run.
    package var verb: String { Self.verb(for: outcome) }

    /// The verb for one run; counts of runs use `OutcomeWording.verb(_:count:)`.
    package static func verb(for outcome: RunOutcome) -> String {
        OutcomeWording.verb(outcome, count: 1)
    }

    package var emoji: String { Self.emoji(for: outcome) }

    package static func emoji(for outcome: RunOutcome) -> String {
        switch outcome {
        case .completed: ":white_check_mark:"
        case .unsuccessful: ":warning:"
        case .failed: ":x:"
        case .timeout: ":hourglass:"
        case .cancelled: ":no_entry_sign:"
        case .notFound: ":grey_question:"
        case .expired: ":alarm_clock:"
        case .rejected: ":no_entry:"
        }
    }
}
