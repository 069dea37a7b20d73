import Foundation
import RunWatch
import RunWatchCore
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The overview's three charts drawn from a history document: what each shows, over
/// which window, and that each is an SVG document the page can embed as it is.
@Suite struct ConsoleChartsTests {
    /// 2026-12-03 20:00:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_796_328_000)

    /// Six hours of minutes ending with the one before `now`, with `edit` applied to each
    /// (its offset from the end: 0 is the newest).
    static func history(budget: Double = 300, _ edit: (Int, inout ActivityHistory.Minute) -> Void = { _, _ in }) -> HistoryDocument {
        let minutes = (0..<360).map { index -> ActivityHistory.Minute in
            var minute = ActivityHistory.Minute(start: now.addingTimeInterval(Double(index - 360) * 60))
            edit(359 - index, &minute)
            return minute
        }
        return HistoryDocument(generatedAt: now, budgetRequestsPerMinute: budget, minutes: minutes)
    }

    /// An element of a parsed chart (Foundation's XMLParser: libxml2, sharing no code
    /// with the renderer).
    final class Element {
        let name: String
        let attributes: [String: String]
        var children: [Element] = []
        var text = ""

        init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }

        subscript(_ attribute: String) -> String? { attributes[attribute] }

        func all(_ name: String) -> [Element] { children.filter { $0.name == name } + children.flatMap { $0.all(name) } }
    }

    final class Collector: NSObject, XMLParserDelegate {
        var root: Element?
        var stack: [Element] = []

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let element = Element(name: name, attributes: attributes)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
    }

    static func document(_ chart: RenderedChart) throws -> Element {
        let collector = Collector()
        let parser = XMLParser(data: Data(chart.svg.utf8))
        parser.delegate = collector
        let parsed = parser.parse()
        try #require(parsed, "not well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
        return try #require(collector.root)
    }

    /// The three charts, or a failure (not a crash) when there are not three.
    static func render(_ history: HistoryDocument) throws -> [RenderedChart] {
        let charts = ConsoleCharts.render(history)
        try #require(charts.count == 3, "requests, detection delay, deliveries")
        return charts
    }

    static func elements(_ element: Element, _ name: String) -> [Element] { element.all(name) }

    static func desc(_ chart: RenderedChart) throws -> String {
        try #require(elements(try document(chart), "desc").first?.text)
    }

    @Test func threeChartsEachAWellFormedLabelledSVG() throws {
        let charts = try Self.render(Self.history { _, minute in minute.requests = 3 })
        #expect(charts.map(\.title) == ["API requests per minute", "Detection delay", "Delivery attempts per minute"])
        var ids: Set<String> = []
        for chart in charts {
            let root = try Self.document(chart)
            #expect(root.name == "svg")
            #expect(root["role"] == "img")
            #expect(Self.elements(root, "title").first?.text == chart.title)
            ids.formUnion(root["aria-labelledby"]?.split(separator: " ").map(String.init) ?? [])
        }
        #expect(ids.count == 6, "ids must be unique on the page")
    }

    @Test func theLastThreeHoursAreShown() throws {
        // A burst four hours ago is in the document, not on the page.
        let charts = try Self.render(
            Self.history { age, minute in
                minute.requests = age == 240 ? 1000 : (age < 180 ? 2 : 0)
            })
        let text = try Self.desc(charts[0])
        #expect(text.contains("from 17:00 to 20:00 UTC"), "\(text)")
        #expect(text.contains("360 requests, at most 2 in a minute"), "\(text)")
    }

    @Test func requestsAreDrawnAgainstTheBudgetWithThrottledOnesMarked() throws {
        let charts = try Self.render(
            Self.history(budget: 300) { age, minute in
                minute.requests = 10
                minute.throttled = age == 5 ? 4 : 0
            })
        let root = try Self.document(charts[0])
        let limit = try #require(Self.elements(root, "line").first { $0["class"] == "limit" })
        // 0…300 over y 212…28: the budget is the axis' top.
        #expect(limit["y1"] == "28")
        let bars = Self.elements(root, "path").filter { $0["class"] == "bars" }
        #expect(bars.map { $0["fill"] } == [ConsoleCharts.Colors.requests, ConsoleCharts.Colors.failed])
        #expect(bars.last?["d"]?.filter { $0 == "M" }.count == 1)
        let text = try Self.desc(charts[0])
        #expect(text.contains("against a budget of 300 per minute"))
        #expect(text.contains("4 answered 429 (throttled)"))
    }

    @Test func noBudgetNoLine() throws {
        for budget in [0, -1, Double.nan, .infinity] {
            let root = try Self.document(try Self.render(Self.history(budget: budget))[0])
            #expect(!Self.elements(root, "line").contains { $0["class"] == "limit" })
        }
    }

    @Test func detectionDelayShowsMeanAndMaxOnlyWhereRunsEnded() throws {
        let charts = try Self.render(
            Self.history { age, minute in
                guard age == 10 || age == 11 || age == 50 else { return }
                minute.detections = 2
                minute.detectionDelaySum = 6
                minute.detectionDelayMax = age == 50 ? 42 : 5
            })
        let root = try Self.document(charts[1])
        let lines = Self.elements(root, "path").filter { $0["class"] == "line" }
        let dots = Self.elements(root, "path").filter { $0["class"] == "dots" }
        let colors = [ConsoleCharts.Colors.meanDelay, ConsoleCharts.Colors.maxDelay]
        // Minutes 11 and 10 ago joined by a line, 50 ago a dot; none elsewhere.
        #expect(lines.map { $0["stroke"] } == colors)
        #expect(dots.map { $0["stroke"] } == colors)
        for line in lines { #expect(line["d"]?.filter { $0 == "M" }.count == 1) }
        for dot in dots { #expect(dot["d"]?.filter { $0 == "M" }.count == 1) }
        #expect(try Self.desc(charts[1]).contains("6 run ends noticed, at worst 42 seconds"))
    }

    @Test func deliveriesShowFailuresInsideTheirBars() throws {
        let charts = try Self.render(
            Self.history { age, minute in
                minute.deliveries = age < 3 ? 5 : 0
                minute.deliveryFailures = age == 0 ? 2 : 0
            })
        let root = try Self.document(charts[2])
        let bars = Self.elements(root, "path").filter { $0["class"] == "bars" }
        #expect(bars.map { $0["d"]?.filter { $0 == "M" }.count } == [3, 1])
        #expect(try Self.desc(charts[2]).contains("15 attempts, 2 not accepted"))
    }

    @Test func withoutHistoryTheChartsSaySo() throws {
        let charts = try Self.render(HistoryDocument(generatedAt: Self.now, budgetRequestsPerMinute: 300, minutes: []))
        #expect(charts.count == 3)
        for chart in charts {
            let root = try Self.document(chart)
            #expect(Self.elements(root, "text").contains { $0.text == "no data yet" })
        }
    }
}
