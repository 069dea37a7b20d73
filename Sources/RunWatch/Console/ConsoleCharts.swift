import Foundation
import RunWatchCore

/// The overview's charts: inline SVG rendered on the server from the history document.
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

/// Three charts of the last `shownMinutes` of the history: requests per minute against
/// the budget (throttled ones marked), detection delay per minute (mean and max), and
/// deliveries per minute (failures marked).
///
/// The daemon keeps six hours (`/api/v1/history` has them all, for scripts); the page
/// shows the last three, so that each minute is a bar about three units wide in the
/// 720-unit chart and an overnight failure is still found in the JSON.
package enum ConsoleCharts {
    package static let shownMinutes = 180

    package enum Colors {
        package static let requests = "#4a78c2"
        package static let failed = "#d9534f"
        package static let deliveries = "#3a9a5b"
        package static let meanDelay = "#4a78c2"
        package static let maxDelay = "#e08a2c"
    }

    /// Requests per minute against the budget, detection delay, deliveries per minute.
    package static func render(_ history: HistoryDocument) -> [RenderedChart] {
        let minutes = Array(history.minutes.suffix(shownMinutes))
        let start = minutes.first?.start ?? history.generatedAt
        let span = span(minutes)
        return [
            requests(minutes, budget: history.budgetRequestsPerMinute, start: start, span: span),
            detections(minutes, start: start, span: span),
            deliveries(minutes, start: start, span: span),
        ]
    }

    static func requests(_ minutes: [ActivityHistory.Minute], budget: Double, start: Date, span: String) -> RenderedChart {
        let total = minutes.reduce(0) { $0 + $1.requests }
        let throttled = minutes.reduce(0) { $0 + $1.throttled }
        let peak = minutes.map(\.requests).max() ?? 0
        let budget = budget.isFinite && budget > 0 ? budget : 0
        let title = "API requests per minute"
        var summary = "\(title) \(span): \(total) requests, at most \(peak) in a minute"
        summary += budget > 0 ? ", against a budget of \(SVGChart.number(budget)) per minute" : ""
        summary += throttled > 0 ? "; \(throttled) answered 429 (throttled)." : "; none throttled."
        let chart = SVGChart(
            id: "chart-requests", title: title, summary: summary, unit: "requests/min", start: start,
            series: [
                .init(name: "requests", values: minutes.map { Double($0.requests) }, mark: .bars, color: Colors.requests),
                .init(name: "throttled (429)", values: minutes.map { Double($0.throttled) }, mark: .bars, color: Colors.failed),
            ],
            limit: budget > 0 ? SVGChart.Limit(value: budget, label: "budget \(SVGChart.number(budget))/min") : nil)
        return RenderedChart(title: title, svg: chart.render())
    }

    static func detections(_ minutes: [ActivityHistory.Minute], start: Date, span: String) -> RenderedChart {
        let count = minutes.reduce(0) { $0 + $1.detections }
        let worst = minutes.filter { $0.detections > 0 }.map(\.detectionDelayMax).max()
        let title = "Detection delay"
        let summary =
            count == 0
            ? "\(title) \(span): no run ended."
            : "\(title) \(span): \(count) run ends noticed, at worst \(SVGChart.number(worst ?? 0)) seconds after the previous answer about the run."
        let chart = SVGChart(
            id: "chart-detection", title: title, summary: summary, unit: "seconds", start: start,
            series: [
                .init(name: "mean", values: minutes.map(\.detectionDelayMean), mark: .line, color: Colors.meanDelay),
                .init(name: "max", values: minutes.map { $0.detections > 0 ? $0.detectionDelayMax : nil }, mark: .line, color: Colors.maxDelay),
            ])
        return RenderedChart(title: title, svg: chart.render())
    }

    static func deliveries(_ minutes: [ActivityHistory.Minute], start: Date, span: String) -> RenderedChart {
        let total = minutes.reduce(0) { $0 + $1.deliveries }
        let failures = minutes.reduce(0) { $0 + $1.deliveryFailures }
        let title = "Delivery attempts per minute"
        let summary = "\(title) \(span): \(total) attempts, \(failures) not accepted (no 2xx answer)."
        let chart = SVGChart(
            id: "chart-deliveries", title: title, summary: summary, unit: "attempts/min", start: start,
            series: [
                .init(name: "attempts", values: minutes.map { Double($0.deliveries) }, mark: .bars, color: Colors.deliveries),
                .init(name: "not accepted", values: minutes.map { Double($0.deliveryFailures) }, mark: .bars, color: Colors.failed),
            ])
        return RenderedChart(title: title, svg: chart.render())
    }

    /// "from 17:00 to 20:00 UTC", for the charts' descriptions.
    static func span(_ minutes: [ActivityHistory.Minute]) -> String {
        guard let first = minutes.first, let last = minutes.last else { return "(no history)" }
        let end = last.start.addingTimeInterval(60).timeIntervalSince1970
        return "from \(SVGChart.clock(first.start.timeIntervalSince1970)) to \(SVGChart.clock(end)) UTC"
    }
}
