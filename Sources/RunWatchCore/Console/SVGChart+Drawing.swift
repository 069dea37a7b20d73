import Foundation

/// The parts of an `SVGChart`: merging to the point limit, axes, bars and lines.
extension SVGChart {
    /// The y scale: 0 to a round top, with round ticks (1, 2 or 5 × 10ⁿ apart).
    package struct YAxis: Sendable {
        package var top: Double
        package var tick: Double

        package init(covering highest: Double) {
            guard highest > 0 else {
                (top, tick) = (1, 0.5)
                return
            }
            let raw = highest / 4
            let magnitude = pow(10, (log10(raw)).rounded(.down))
            let residual = raw / magnitude
            let nice: Double = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10
            tick = nice * magnitude
            // A hair below the ratio: 0.003 / 0.001 is 3.0000000000000004 in binary.
            top = max(tick, (highest / tick - 1e-9).rounded(.up) * tick)
        }

        package var ticks: [Double] {
            let count = Int((top / tick).rounded())
            return (0...max(1, count)).map { Double($0) * tick }
        }

        package func y(_ value: Double) -> Double {
            let fraction = top > 0 ? min(1, max(0, value / top)) : 0
            return Layout.plotBottom - fraction * (Layout.plotBottom - Layout.plotTop)
        }
    }

    /// The series with at most `maxPoints` points each: every `factor` neighbours become
    /// one point holding their largest value (nil when none has one).
    package static func merge(_ series: [Series], maxPoints: Int) -> (series: [Series], points: Int, factor: Int) {
        let longest = series.map(\.values.count).max() ?? 0
        let factor = max(1, (longest + maxPoints - 1) / maxPoints)
        let points = (longest + factor - 1) / factor
        let merged = series.map { line -> Series in
            var line = line
            let padded = line.values + Array(repeating: nil, count: points * factor - line.values.count)
            line.values = stride(from: 0, to: padded.count, by: factor).map { start in
                padded[start..<start + factor].compactMap { $0.map(clean) }.max()
            }
            return line
        }
        return (merged, points, factor)
    }

    /// Gridlines with the y ticks' values, the axis line, and the unit above the axis.
    static func frame(axis: YAxis, unit: String) -> String {
        var out = "<g stroke=\"#dddddd\" stroke-width=\"1\">"
        for value in axis.ticks {
            let y = coord(axis.y(value))
            out += "<line x1=\"\(coord(Layout.plotLeft))\" y1=\"\(y)\" x2=\"\(coord(Layout.plotRight))\" y2=\"\(y)\"/>"
        }
        out += "</g>"
        for value in axis.ticks {
            out += text(number(value), x: Layout.plotLeft - 6, y: axis.y(value) + 4, anchor: "end")
        }
        out += """
            <line x1="\(coord(Layout.plotLeft))" y1="\(coord(Layout.plotBottom))" x2="\(coord(Layout.plotRight))" \
            y2="\(coord(Layout.plotBottom))" stroke="#999999" stroke-width="1"/>
            """
        out += text(unit, x: Layout.plotRight, y: 16, anchor: "end")
        return out
    }

    /// `HH:MM` at round times (about six labels), and `UTC` under the y axis.
    static func timeLabels(start: Date, step: TimeInterval, count: Int) -> String {
        let first = start.timeIntervalSince1970
        guard count > 0, first.isFinite, abs(first) < 1e15 else { return "" }
        let span = step * Double(count)
        let every = [1.0, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map { $0 * 60 }.first { span / $0 <= 6 } ?? span
        let y = Layout.plotBottom + 16
        // Left of where a label at the plot's first instant reaches (about 15 units).
        var out = text("UTC", x: Layout.plotLeft - 24, y: y, anchor: "end")
        var label = (first / every).rounded(.up) * every
        let width = Layout.plotRight - Layout.plotLeft
        while label < first + span {
            let x = Layout.plotLeft + (label - first) / span * width
            out +=
                "<line x1=\"\(coord(x))\" y1=\"\(coord(Layout.plotBottom))\" x2=\"\(coord(x))\" y2=\"\(coord(Layout.plotBottom + 4))\" stroke=\"#999999\"/>"
            out += text(clock(label), x: x, y: y, anchor: "middle")
            label += every
        }
        return out
    }

    /// `HH:MM` of a time in seconds since 1970, in UTC, without a formatter or locale.
    package static func clock(_ seconds: Double) -> String {
        let minute = Int64((seconds / 60).rounded(.down))
        let ofDay = ((minute % 1440) + 1440) % 1440
        let (hours, minutes) = (ofDay / 60, ofDay % 60)
        return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }

    /// One `<path>` of rectangles: one per point above 0.
    static func bars(_ values: [Double?], count: Int, axis: YAxis, color: String) -> String {
        guard count > 0 else { return "" }
        let slot = (Layout.plotRight - Layout.plotLeft) / Double(count)
        let width = slot > 3 ? slot * 0.8 : slot
        var d = ""
        for (index, value) in values.enumerated() {
            guard let value, value > 0 else { continue }
            let x = Layout.plotLeft + Double(index) * slot + (slot - width) / 2
            d += "M\(coord(x)) \(coord(Layout.plotBottom))V\(coord(axis.y(value)))h\(coord(width))V\(coord(Layout.plotBottom))Z"
        }
        guard !d.isEmpty else { return "" }
        return "<path class=\"bars\" fill=\"\(XMLText.attribute(color))\" d=\"\(d)\"/>"
    }

    /// One `<path>` through the points' centres; a missing point starts a new piece. A
    /// point with no neighbour is drawn as a dot (a second, wider path), so a sparse series
    /// still shows.
    static func line(_ values: [Double?], count: Int, axis: YAxis, color: String) -> String {
        guard count > 0 else { return "" }
        let slot = (Layout.plotRight - Layout.plotLeft) / Double(count)
        var d = ""
        var dots = ""
        for (index, value) in values.enumerated() {
            guard let value else { continue }
            let point = "\(coord(Layout.plotLeft + (Double(index) + 0.5) * slot)) \(coord(axis.y(value)))"
            let joinsPrevious = index > 0 && values[index - 1] != nil
            let joinsNext = index + 1 < values.count && values[index + 1] != nil
            if joinsPrevious {
                d += "L\(point)"
            } else if joinsNext {
                d += "M\(point)"
            } else {
                // A zero-length piece: the round cap draws it as a dot.
                dots += "M\(point)l0 0"
            }
        }
        let stroke = XMLText.attribute(color)
        var out = ""
        if !d.isEmpty {
            out += """
                <path class="line" fill="none" stroke="\(stroke)" stroke-width="2" stroke-linejoin="round" \
                stroke-linecap="round" d="\(d)"/>
                """
        }
        if !dots.isEmpty {
            out += "<path class=\"dots\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"5\" stroke-linecap=\"round\" d=\"\(dots)\"/>"
        }
        return out
    }

    /// A coordinate with one decimal, no locale (the viewBox is 720 wide: enough).
    static func coord(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int64((min(max(value, -1e6), 1e6) * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = tenths.magnitude
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }

    /// A tick value for people: `0`, `0.25`, `40`, `1.5k`, `20M`, `5e299`; no locale, at most 3 decimals.
    package static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e15 {
            let exponent = Int(log10(magnitude).rounded(.down))
            return decimal(value / pow(10, Double(exponent)), places: 1) + "e\(exponent)"
        }
        for (unit, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] where magnitude >= unit {
            return decimal(value / unit, places: 1) + suffix
        }
        return decimal(value, places: 3)
    }

    /// `value` rounded to `places` decimals, trailing zeros dropped (|value| < 10¹⁵).
    private static func decimal(_ value: Double, places: Int) -> String {
        let scale = pow(10, Double(places))
        let scaled = Int64((value * scale).rounded())
        let sign = scaled < 0 ? "-" : ""
        let whole = scaled.magnitude / UInt64(scale)
        var fraction = String(scaled.magnitude % UInt64(scale))
        fraction = String(repeating: "0", count: places - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return sign + "\(whole)" + (fraction.isEmpty ? "" : ".\(fraction)")
    }
}
