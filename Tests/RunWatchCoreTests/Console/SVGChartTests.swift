import Foundation
import RunWatchCore
import Testing

/// The console's server-rendered charts: well-formed SVG whatever the values, escaped
/// text, no inline style, a bounded size, and axes and limit lines where they belong.
@Suite struct SVGChartTests {
    typealias Layout = SVGChart.Layout
    /// 2026-12-03 17:00:00 UTC.
    static let start = Date(timeIntervalSince1970: 1_796_317_200)

    static func chart(
        _ values: [Double?], mark: SVGChart.Mark = .bars, title: String = "Requests", limit: SVGChart.Limit? = nil,
        more: [SVGChart.Series] = []
    ) -> SVGChart {
        SVGChart(
            id: "chart-test", title: title, summary: "what it shows", unit: "requests/min", start: start,
            series: [SVGChart.Series(name: "requests", values: values, mark: mark, color: "#4a78c2")] + more, limit: limit)
    }

    static func parse(_ svg: String) throws -> XMLTree.Node {
        let (tree, error) = XMLTree.parse(svg)
        return try #require(tree, "not well-formed XML: \(error ?? "")").root
    }

    static func all(_ node: XMLTree.Node) -> [XMLTree.Node] { [node] + node.children.flatMap(all) }

    static func texts(_ root: XMLTree.Node) -> [String] { all(root).filter { $0.name == "text" }.map(\.text) }

    /// Every number in the drawing's coordinates and path data.
    static func numbers(_ root: XMLTree.Node) -> [Double] {
        let names: Set = ["x", "y", "x1", "x2", "y1", "y2", "width", "height", "d"]
        return all(root).flatMap { node in
            node.attributes.filter { names.contains($0.key) }.flatMap { _, value in
                value.split { !("0123456789.-e+".contains($0)) }.compactMap { Double($0) }
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var values: [Double?]
        var mark: SVGChart.Mark
        var limit: Double?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty", values: [], mark: .bars, limit: nil),
        Case(name: "all zero", values: Array(repeating: 0, count: 180), mark: .bars, limit: 300),
        Case(name: "one point", values: [3], mark: .line, limit: nil),
        Case(name: "gaps", values: [1, nil, nil, 4, nil, 2], mark: .line, limit: 5),
        Case(name: "not finite", values: [.nan, .infinity, -.infinity, -4, 2], mark: .bars, limit: .nan),
        Case(name: "huge", values: [1e308, .greatestFiniteMagnitude, 1], mark: .line, limit: .greatestFiniteMagnitude),
        Case(name: "tiny", values: [.leastNonzeroMagnitude, 0.004, 0.001], mark: .line, limit: nil),
        Case(name: "360 points", values: (0..<360).map { Double($0 % 17) }, mark: .bars, limit: 10),
        Case(name: "100000 points", values: (0..<100_000).map { Double($0 % 1000) }, mark: .bars, limit: 500),
        Case(name: "100000 line points", values: (0..<100_000).map { $0 % 7 == 0 ? nil : Double($0) }, mark: .line, limit: 500),
    ]

    @Test(arguments: cases)
    func everyChartIsWellFormedAccessibleAndStyleFree(_ c: Case) throws {
        let chart = Self.chart(c.values, mark: c.mark, limit: c.limit.map { SVGChart.Limit(value: $0, label: "budget") })
        let svg = chart.render()
        let root = try Self.parse(svg)
        #expect(root.name == "svg")
        #expect(root["viewBox"] == "0 0 720 240")
        #expect(root["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root["role"] == "img")
        #expect(root["aria-labelledby"] == "chart-test-title chart-test-desc")
        #expect(root.first("title")?["id"] == "chart-test-title")
        #expect(root.first("title")?.text == "Requests")
        #expect(root.first("desc")?["id"] == "chart-test-desc")
        for node in Self.all(root) {
            #expect(node["style"] == nil, "inline style on <\(node.name)>: the console's CSP refuses it")
            #expect(!["script", "foreignObject", "image", "a"].contains(node.name))
        }
        let numbers = Self.numbers(root)
        #expect(numbers.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 720 }, "drawn outside the viewBox")
        #expect(svg.utf8.count < 48_000, "\(svg.utf8.count) bytes")
        #expect(!svg.contains("nan") && !svg.contains("inf"))
        #expect(Self.texts(root).allSatisfy { !$0.contains("+") }, "numbers as people write them")
    }

    @Test func titlesNamesAndSummariesAreEscaped() throws {
        let hostile = "<script>alert('x')</script> & \"co\" \u{1B}]"
        var chart = Self.chart([1, 2], title: hostile, limit: SVGChart.Limit(value: 3, label: hostile))
        chart.summary = hostile
        chart.unit = hostile
        chart.series[0].name = hostile
        chart.series[0].color = "\"><script>"
        let svg = chart.render()
        #expect(!svg.contains("<script"))
        let root = try Self.parse(svg)
        let shown = hostile.replacingOccurrences(of: "\u{1B}", with: "\u{FFFD}")
        #expect(root.first("title")?.text == shown)
        #expect(root.first("desc")?.text == shown)
        #expect(Self.texts(root).filter { $0 == shown }.count == 3, "unit, series name and limit label")
        #expect(Self.all(root).contains { $0["fill"] == "\"><script>" })
    }

    @Test func anIDIsReducedToWhatAnAttributeAndAnIDReferenceCanHold() throws {
        var chart = Self.chart([1])
        chart.id = "a b\"<c>"
        let root = try Self.parse(chart.render())
        #expect(root["aria-labelledby"] == "a-b--c--title a-b--c--desc")
    }

    struct LimitCase: Sendable, CustomTestStringConvertible {
        var values: [Double?]
        var limit: Double
        var y: String
        var testDescription: String { "\(values) limit \(limit) → y \(y)" }
    }

    /// The plot runs from y 212 (0) up to y 28 (the axis' top).
    @Test(arguments: [
        LimitCase(values: [10, 50], limit: 100, y: "28"),
        LimitCase(values: [10, 100], limit: 60, y: "101.6"),
        LimitCase(values: [10, 100], limit: 0, y: "212"),
        LimitCase(values: [0, 0], limit: 300, y: "28"),
        LimitCase(values: [400, 0], limit: 300, y: "74"),
    ])
    func theLimitLineIsAtItsValue(_ c: LimitCase) throws {
        let root = try Self.parse(Self.chart(c.values, limit: SVGChart.Limit(value: c.limit, label: "budget")).render())
        let line = try #require(Self.all(root).first { $0["class"] == "limit" })
        #expect(line["y1"] == c.y)
        #expect(line["y2"] == c.y)
        #expect(line["x1"] == "56")
        #expect(line["x2"] == "708")
        #expect(Self.texts(root).contains("budget"))
    }

    @Test func noLimitNoLine() throws {
        let root = try Self.parse(Self.chart([1, 2]).render())
        #expect(!Self.all(root).contains { $0["class"] == "limit" })
    }

    @Test func anEmptyChartSaysSoAndDrawsNoData() throws {
        let root = try Self.parse(Self.chart([]).render())
        #expect(Self.texts(root).contains("no data yet"))
        #expect(!Self.all(root).contains { ["bars", "line", "dots"].contains($0["class"] ?? "") })
    }

    @Test func anAllZeroChartHasAnAxisFromZeroToOneAndNoBars() throws {
        let root = try Self.parse(Self.chart(Array(repeating: 0, count: 60)).render())
        #expect(!Self.all(root).contains { $0["class"] == "bars" })
        #expect(Self.texts(root).starts(with: ["0", "0.5", "1"]))
        #expect(!Self.texts(root).contains("no data yet"))
    }

    @Test func barsStandOnTheAxisAndReachTheirValue() throws {
        // 0..40 in ticks of 10: a value of 20 reaches halfway, y 120.
        let root = try Self.parse(Self.chart([0, 20, 37, 0]).render())
        let bars = try #require(Self.all(root).first { $0["class"] == "bars" })
        let d = try #require(bars["d"])
        #expect(d.components(separatedBy: "M").count - 1 == 2, "one rectangle per value above 0: \(d)")
        #expect(d.contains("V120h"))
        #expect(Self.texts(root).starts(with: ["0", "10", "20", "30", "40"]))
    }

    @Test func laterBarSeriesAreDrawnOverEarlierOnes() throws {
        let chart = Self.chart(
            [10, 10], more: [SVGChart.Series(name: "throttled", values: [0, 5], mark: .bars, color: "#d9534f")])
        let root = try Self.parse(chart.render())
        let paths = Self.all(root).filter { $0["class"] == "bars" }
        #expect(paths.map { $0["fill"] } == ["#4a78c2", "#d9534f"])
    }

    @Test func aLineBreaksWhereAPointHasNoValueAndLonePointsAreDots() throws {
        let root = try Self.parse(Self.chart([1, 2, nil, 4, nil, nil, 6, 7, 8], mark: .line).render())
        let line = try #require(Self.all(root).first { $0["class"] == "line" })
        #expect(line["fill"] == "none")
        #expect(line["d"]?.filter { $0 == "M" }.count == 2, "1–2 and 6–8")
        #expect(line["d"]?.filter { $0 == "L" }.count == 3)
        let dots = try #require(Self.all(root).first { $0["class"] == "dots" })
        #expect(dots["d"]?.filter { $0 == "M" }.count == 1, "4 alone")
        #expect(dots["stroke-linecap"] == "round")
    }

    @Test func aSeriesOfLonePointsIsOnlyDots() throws {
        let root = try Self.parse(Self.chart([1, nil, 3, nil, 5], mark: .line).render())
        #expect(!Self.all(root).contains { $0["class"] == "line" })
        #expect(Self.all(root).first { $0["class"] == "dots" }?["d"]?.filter { $0 == "M" }.count == 3)
    }

    @Test func threeHoursOfMinutesAreLabelledEveryHalfHourInUTC() throws {
        let root = try Self.parse(Self.chart(Array(repeating: 1, count: 180)).render())
        let texts = Self.texts(root)
        #expect(texts.contains("UTC"))
        #expect(texts.filter { $0.contains(":") } == ["17:00", "17:30", "18:00", "18:30", "19:00", "19:30"])
    }

    @Test func labelsSitAtRoundTimesEvenWhenTheWindowDoesNot() throws {
        var chart = Self.chart(Array(repeating: 1, count: 60))
        chart.start = Self.start.addingTimeInterval(7 * 60)
        let texts = Self.texts(try Self.parse(chart.render()))
        #expect(texts.filter { $0.contains(":") } == ["17:10", "17:20", "17:30", "17:40", "17:50", "18:00"])
    }

    @Test func moreThanTheLimitOfPointsKeepsEachGroupsPeak() {
        let values: [Double?] = (0..<720).map { $0 == 301 ? 99 : ($0 % 2 == 0 ? nil : 1) }
        let merged = SVGChart.merge([SVGChart.Series(name: "s", values: values, mark: .bars, color: "#000")], maxPoints: 360)
        #expect(merged.points == 360)
        #expect(merged.factor == 2)
        #expect(merged.series[0].values.count == 360)
        #expect(merged.series[0].values[150] == 99)
        #expect(merged.series[0].values.allSatisfy { $0 == 1 || $0 == 99 })
    }

    struct TickCase: Sendable, CustomTestStringConvertible {
        var highest: Double
        var top: Double
        var tick: Double
        var testDescription: String { "\(highest) → 0…\(top) by \(tick)" }
    }

    @Test(arguments: [
        TickCase(highest: 0, top: 1, tick: 0.5), TickCase(highest: 1, top: 1, tick: 0.5), TickCase(highest: 37, top: 40, tick: 10),
        TickCase(highest: 300, top: 300, tick: 100), TickCase(highest: 301, top: 400, tick: 100),
        TickCase(highest: 3000, top: 3000, tick: 1000), TickCase(highest: 7, top: 8, tick: 2),
        TickCase(highest: 0.003, top: 0.003, tick: 0.001),
    ])
    func theYAxisEndsAtARoundNumber(_ c: TickCase) {
        let axis = SVGChart.YAxis(covering: c.highest)
        #expect(abs(axis.top - c.top) < 1e-12)
        #expect(abs(axis.tick - c.tick) < 1e-12)
        #expect(axis.ticks.count <= 6)
    }

    @Test(
        arguments: [
            (0.0, "0"), (0.5, "0.5"), (0.25, "0.25"), (1.0 / 3, "0.333"), (40, "40"), (999, "999"), (1500, "1.5k"), (2e6, "2M"),
            (3e9, "3G"), (4.5e12, "4.5T"), (1e15, "1e15"), (5e299, "5e299"), (-2.5e20, "-2.5e20"), (.nan, "0"), (.infinity, "0"),
        ] as [(Double, String)])
    func numbersAreWrittenWithoutALocale(_ value: Double, _ text: String) {
        #expect(SVGChart.number(value) == text)
    }

    @Test(arguments: [(0.0, "00:00"), (59.0, "00:00"), (60.0, "00:01"), (-60.0, "23:59"), (1_796_317_200.0 + 3599, "17:59")] as [(Double, String)])
    func clockTimesAreUTC(_ seconds: Double, _ text: String) {
        #expect(SVGChart.clock(seconds) == text)
    }
}
