import Foundation
import RunWatchCore

/// Builds the console's documents from the store and the daemon's live state. One builder
/// for the JSON routes, the pages and `runwatch status --json`.
package struct ConsoleAPI: Sendable {
    package let context: ConsoleContext

    package init(context: ConsoleContext) {
        self.context = context
    }

    // CONTRACT STUB: the store+api helper fills these in.

    package func overview() async throws -> OverviewDocument {
        OverviewDocument(generatedAt: context.now(), summary: try await context.store.summary())
    }

    package func suites() async throws -> SuiteListDocument {
        SuiteListDocument(generatedAt: context.now(), suites: [])
    }

    /// nil: no such suite (or instance of it).
    package func suite(name: String, instance: Int64?) async throws -> SuiteDocument? {
        nil
    }

    /// nil: the store does not hold the run.
    package func run(_ id: RunID) async throws -> RunDocument? {
        nil
    }

    package func deliveries() async throws -> DeliveriesDocument {
        DeliveriesDocument(generatedAt: context.now(), notifiers: [], pending: [], dead: [])
    }

    package func history() -> HistoryDocument {
        let now = context.now()
        return HistoryDocument(
            generatedAt: now, budgetRequestsPerMinute: context.facts().maxRequestsPerSecond * 60,
            minutes: context.activity?.window(endingAt: now) ?? [])
    }
}
