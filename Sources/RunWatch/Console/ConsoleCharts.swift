import Foundation
import RunWatchCore

/// The overview's charts: inline SVG rendered on the server from the history document.
/// CONTRACT STUB: the charts helper fills this in (pure SVG rendering lives in the Core).
package struct RenderedChart: Sendable, Equatable {
    package var title: String
    /// A complete `<svg>` element; its text is escaped by the renderer, so the page embeds
    /// it unescaped (the one triple-mustache in the templates).
    package var svg: String

    package init(title: String, svg: String) {
        self.title = title
        self.svg = svg
    }
}

package enum ConsoleCharts {
    /// Requests per minute against the budget, detection delay, deliveries per minute.
    package static func render(_ history: HistoryDocument) -> [RenderedChart] { [] }
}
