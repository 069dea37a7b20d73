import Foundation

/// A chart of values over time as one inline `<svg>` element, for the console's pages.
///
/// Pure and self-contained: no script, no `style=` attribute (the console's CSP allows
/// only its own stylesheet), colours as presentation attributes, every text XML-escaped,
/// numbers written without a locale, and a fixed `viewBox` so the page scales it.
/// Accessible: `role="img"` labelled by its `<title>` and `<desc>`. Its size is bounded:
/// more than `maxPoints` points are merged (the largest value of each run of
/// neighbours, so a peak stays visible).
package struct SVGChart: Sendable, Equatable {
    package enum Mark: Sendable, Equatable {
        /// One bar per point; later series are drawn over earlier ones (a part of a
        /// total, such as throttled requests, shows inside its bar).
        case bars
        /// A line through the points; a point without a value breaks it.
        case line
    }

    package struct Series: Sendable, Equatable {
        package var name: String
        /// nil: nothing known at that point (no bar; a gap in a line). Values that are
        /// not finite count as 0, negative ones as 0 (these charts count and time).
        package var values: [Double?]
        package var mark: Mark
        /// A colour for `fill` / `stroke`, such as `#4a78c2`.
        package var color: String

        package init(name: String, values: [Double?], mark: Mark, color: String) {
            self.name = name
            self.values = values
            self.mark = mark
            self.color = color
        }
    }

    /// A horizontal line at a value, such as the request budget; the y axis always
    /// reaches it.
    package struct Limit: Sendable, Equatable {
        package var value: Double
        package var label: String

        package init(value: Double, label: String) {
            self.value = value
            self.label = label
        }
    }

    /// Unique on the page: the `<title>` and `<desc>` ids derive from it.
    package var id: String
    package var title: String
    /// What the chart shows, in words, for screen readers (`<desc>`).
    package var summary: String
    /// The y axis' unit, written above it (`requests/min`).
    package var unit: String
    /// The time of the first point; point `i` covers `start + i·step` to the next.
    package var start: Date
    package var step: TimeInterval
    package var series: [Series]
    package var limit: Limit?

    package init(
        id: String, title: String, summary: String, unit: String, start: Date, step: TimeInterval = 60, series: [Series],
        limit: Limit? = nil
    ) {
        self.id = id
        self.title = title
        self.summary = summary
        self.unit = unit
        self.start = start
        self.step = step
        self.series = series
        self.limit = limit
    }

    /// Points drawn at most: 360 bars are two units wide in the 720-unit-wide chart.
    package static let maxPoints = 360
    /// Values above this are drawn as this, so the axis arithmetic stays finite.
    static let valueCap = 1e300

    /// The geometry of the chart, in viewBox units.
    package enum Layout {
        package static let width = 720.0
        package static let height = 240.0
        package static let plotLeft = 56.0
        package static let plotRight = 708.0
        package static let plotTop = 28.0
        package static let plotBottom = 212.0
    }

    /// The `<svg>` element.
    package func render() -> String {
        let merged = Self.merge(series, maxPoints: Self.maxPoints)
        let count = merged.points
        let step = self.step.isFinite && self.step > 0 ? self.step * Double(merged.factor) : 60
        let values = merged.series.map { $0.values.map { $0.map(Self.clean) } }
        let highest = values.joined().compactMap { $0 }.max() ?? 0
        let axis = YAxis(covering: max(highest, limit.map { Self.clean($0.value) } ?? 0))

        let id = Self.safeID(id)
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(Layout.width)) \(Int(Layout.height))" \
            role="img" aria-labelledby="\(id)-title \(id)-desc">\
            <title id="\(id)-title">\(XMLText.content(title))</title>\
            <desc id="\(id)-desc">\(XMLText.content(summary))</desc>
            """
        out += Self.frame(axis: axis, unit: unit)
        out += Self.timeLabels(start: start, step: step, count: count)
        if count == 0 {
            out += Self.text(
                "no data yet", x: (Layout.plotLeft + Layout.plotRight) / 2, y: (Layout.plotTop + Layout.plotBottom) / 2, anchor: "middle")
        }
        for (index, line) in merged.series.enumerated() {
            switch line.mark {
            case .bars: out += Self.bars(values[index], count: count, axis: axis, color: line.color)
            case .line: out += Self.line(values[index], count: count, axis: axis, color: line.color)
            }
        }
        if let limit {
            let y = axis.y(Self.clean(limit.value))
            out += """
                <line class="limit" x1="\(Self.coord(Layout.plotLeft))" y1="\(Self.coord(y))" x2="\(Self.coord(Layout.plotRight))" \
                y2="\(Self.coord(y))" stroke="#7a7a7a" stroke-width="1.5" stroke-dasharray="6 4"/>
                """
        }
        out += legend()
        out += "</svg>"
        return out
    }

    /// A number as drawn: not finite, negative or below a millionth → 0, capped.
    static func clean(_ value: Double) -> Double {
        guard value.isFinite, value >= 1e-6 else { return 0 }
        return min(value, valueCap)
    }

    /// Letters, digits, `-` and `_` only (it goes into attribute values and ids).
    static func safeID(_ id: String) -> String {
        let kept = String(
            id.unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "-", "_": Character(scalar)
                default: "-"
                }
            })
        return kept.isEmpty ? "chart" : String(kept.prefix(64))
    }

    static func text(_ content: String, x: Double, y: Double, anchor: String = "start", fill: String = "#555") -> String {
        """
        <text x="\(coord(x))" y="\(coord(y))" text-anchor="\(anchor)" font-family="sans-serif" font-size="11" \
        fill="\(XMLText.attribute(fill))">\(XMLText.content(content))</text>
        """
    }

    /// Swatches and names above the plot, left to right.
    private func legend() -> String {
        var entries = series.map { ($0.name, $0.color, $0.mark == .line) }
        if let limit { entries.append((limit.label, "#7a7a7a", true)) }
        var x = Layout.plotLeft
        var out = ""
        for (name, color, isLine) in entries {
            let color = XMLText.attribute(color)
            out +=
                isLine
                ? "<line x1=\"\(Self.coord(x))\" y1=\"12\" x2=\"\(Self.coord(x + 12))\" y2=\"12\" stroke=\"\(color)\" stroke-width=\"2\"/>"
                : "<rect x=\"\(Self.coord(x))\" y=\"7\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            out += Self.text(name, x: x + 16, y: 16)
            // About 6.5 units per character at font-size 11.
            x += 16 + Double(name.count) * 6.5 + 14
        }
        return out
    }
}
