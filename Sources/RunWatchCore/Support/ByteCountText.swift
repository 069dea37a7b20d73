/// Byte counts as people write them in the configuration and read them in messages:
/// `4096`, `4KiB`, `32MiB`, `1GiB` (binary units; `KB`/`MB`/`GB` mean the same here).
package enum ByteCountText {
    package struct ParseError: Error, Equatable, CustomStringConvertible {
        package var description: String
    }

    package static func format(_ bytes: Int) -> String {
        if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    package static func parse(_ text: String) throws(ParseError) -> Int {
        let trimmed = text.filter { $0 != " " }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let unit = trimmed.dropFirst(digits.count).lowercased()
        let scale: Int
        switch unit {
        case "", "b": scale = 1
        case "k", "kb", "kib": scale = 1 << 10
        case "m", "mb", "mib": scale = 1 << 20
        case "g", "gb", "gib": scale = 1 << 30
        default: throw ParseError(description: "'\(text)' is not a size; write e.g. 32MiB, 512KiB or 4096")
        }
        guard let value = Int(digits), value <= Int.max / scale else {
            throw ParseError(description: "'\(text)' is not a size; write e.g. 32MiB, 512KiB or 4096")
        }
        return value * scale
    }
}
