import Foundation

/// Parses the durations the config file uses: `500ms`, `15s`, `5m`, `6h`, `7d`.
package enum DurationText {
    package enum ParseError: Error, Equatable, CustomStringConvertible {
        case invalid(String)
        package var description: String {
            switch self {
            case .invalid(let text):
                "'\(text)' is not a duration; write a number and a unit: 500ms, 15s, 5m, 6h, 7d"
            }
        }
    }

    package static func parse(_ text: String) throws(ParseError) -> Duration {
        let units: [(suffix: String, seconds: Double)] = [
            ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400),
        ]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            // "5ms" also ends with "s": only accept the unit whose prefix is a clean number.
            guard let value = Double(number), value.isFinite, value >= 0,
                number.allSatisfy({ $0.isNumber || $0 == "." })
            else { continue }
            return .secondsDouble(value * unit.seconds)
        }
        throw .invalid(text)
    }

    /// The shortest exact form, for showing configured values back to people.
    package static func format(_ duration: Duration) -> String {
        let ms = Int64((duration.secondsDouble * 1000).rounded())
        if ms % 86_400_000 == 0, ms > 0 { return "\(ms / 86_400_000)d" }
        if ms % 3_600_000 == 0, ms > 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0, ms > 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}
