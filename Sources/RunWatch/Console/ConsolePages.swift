import Foundation
import RunWatchCore

/// The console's HTML, rendered from the same documents `/api/v1` serves.
/// CONTRACT STUB: the pages helper replaces this with swift-mustache templates.
package struct ConsolePages: Sendable {
    package init() {}

    package func overview(_ document: OverviewDocument, history: HistoryDocument) -> String { "<!doctype html><title>runwatch</title>" }
    package func suites(_ document: SuiteListDocument) -> String { "<!doctype html><title>runwatch</title>" }
    package func suite(_ document: SuiteDocument) -> String { "<!doctype html><title>runwatch</title>" }
    package func run(_ document: RunDocument) -> String { "<!doctype html><title>runwatch</title>" }
    package func deliveries(_ document: DeliveriesDocument) -> String { "<!doctype html><title>runwatch</title>" }
    /// A 404 or 503 page: `message` is runwatch's own words, never a request's text.
    package func problem(status: Int, message: String) -> String { "<!doctype html><title>runwatch</title>" }
    package var stylesheet: String { "" }
}
