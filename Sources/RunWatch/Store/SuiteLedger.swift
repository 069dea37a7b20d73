import Foundation
import RunWatchCore

/// Suites: which instances are open, when one completes, and its report.
package protocol SuiteLedger: Sendable {
    /// Open suite instances, with what `SuiteCompletion` needs to judge them.
    func openSuites() async throws -> [OpenSuite]

    /// Completes instance `id` if `rule` says it is complete at `at`, in ONE transaction:
    /// sets `completed_at`, builds its report and queues the `suite.completed` messages
    /// `routes` want (linking to the instance's page under `console`). Returns the report
    /// when it completed now; nil when it is not complete, already completed, or gone. A
    /// crash before the commit leaves it open (it completes after the restart); after it,
    /// the messages are in the outbox.
    func completeSuite(
        _ id: Int64, rule: SuiteCompletion, routes: [NotifierRoute], links: DashboardLinks, console: ConsoleLinks, at: Date
    ) async throws
        -> SuiteReport?

    /// The latest instance of suite `name` (open or completed), for the CLI and `wait`.
    func suiteReport(name: String, links: DashboardLinks) async throws -> SuiteReport?

    /// Instance `id` of a suite.
    func suiteReport(id: Int64, links: DashboardLinks) async throws -> SuiteReport?

    /// Deletes completed instances that completed before `cutoff` and have no message
    /// still pending, with their membership, messages, and expanded results. Returns how
    /// many went. (`prune` calls it with the runs' retention.)
    func pruneSuites(completedBefore cutoff: Date) async throws -> Int
}

extension SuiteLedger {
    /// Without console links (no `console.public_url`).
    package func completeSuite(
        _ id: Int64, rule: SuiteCompletion, routes: [NotifierRoute], links: DashboardLinks, at: Date
    ) async throws -> SuiteReport? {
        try await completeSuite(id, rule: rule, routes: routes, links: links, console: .none, at: at)
    }

    package func suiteReport(name: String) async throws -> SuiteReport? { try await suiteReport(name: name, links: .none) }
    package func suiteReport(id: Int64) async throws -> SuiteReport? { try await suiteReport(id: id, links: .none) }
}

/// An open suite instance as the completion rule sees it.
package struct OpenSuite: Sendable, Equatable {
    package var id: Int64
    package var name: String
    package var facts: SuiteCompletion.Facts

    package init(id: Int64, name: String, facts: SuiteCompletion.Facts) {
        self.id = id
        self.name = name
        self.facts = facts
    }
}
