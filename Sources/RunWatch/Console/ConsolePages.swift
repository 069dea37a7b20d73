import Foundation
import Mustache
import RunWatchCore

/// The console's HTML, rendered from the same documents `/api/v1` serves: each page is a
/// pure view model (`Pages/`) made from its document, rendered by a swift-mustache template
/// (`Templates/`) that escapes every value for HTML.
package struct ConsolePages: Sendable {
    package init() {}

    package func overview(_ document: OverviewDocument, history: HistoryDocument) -> String {
        render(OverviewView(document, charts: ConsoleCharts.render(history)), "overview")
    }

    package func suites(_ document: SuiteListDocument) -> String { render(SuitesView(document), "suites") }
    package func suite(_ document: SuiteDocument) -> String { render(SuiteView(document), "suite") }
    package func run(_ document: RunDocument) -> String { render(RunView(document), "run") }
    package func deliveries(_ document: DeliveriesDocument) -> String { render(DeliveriesView(document), "deliveries") }

    /// A 404 or 503 page: `message` is runwatch's own words, never a request's text.
    package func problem(status: Int, message: String) -> String {
        render(ProblemView(status: status, message: message), "problem")
    }

    package var stylesheet: String { ConsoleStylesheet.css }

    private func render(_ view: Any, _ template: String) -> String {
        // Every name is registered (`ConsoleTemplates.all`); the tests render each page.
        ConsoleTemplates.library.render(view, withTemplate: template) ?? ""
    }
}
