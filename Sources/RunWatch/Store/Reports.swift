import Foundation
import RunWatchCore

/// Read-only views for the CLI.
package protocol Reports: Sendable {
    func summary() async throws -> StoreSummary
    func history(of id: RunID) async throws -> RunHistory?
}

package struct StoreSummary: Sendable, Equatable, Codable {
    /// Runs by last seen status; runs not yet seen by the API count as `submitted`.
    package var runsByStatus: [String: Int]
    package var active: Int
    package var oldestActiveSubmittedAt: Date?
    package var outboxPending: Int
    package var outboxDead: Int
    package var delivered: Int
    /// What the daemon last said of the API: `ok`, `backing off until …`, `key rejected`.
    package var apiState: String?
    package var lastAPIError: String?
    package var lastAPIErrorAt: Date?
    /// Notifiers the daemon stopped because their endpoint is gone, with the reason.
    package var disabledNotifiers: [String: String] = [:]
}

package struct RunHistory: Sendable, Equatable {
    package struct Delivery: Sendable, Equatable {
        package var notifier: String
        package var event: String
        package var attempts: Int
        package var state: String
        package var lastError: String?
    }

    package var id: RunID
    package var status: String?
    package var success: Bool?
    /// What the API last said of a run that ended badly (nil otherwise).
    package var snapshot: RunSnapshot?
    package var labels: [String: String]
    package var submittedAt: Date
    package var transitions: [Transition]
    package var deliveries: [Delivery]
}
