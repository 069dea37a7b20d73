/// Text that comes from a peer runwatch does not trust (the API, a receiver, a producer):
/// capped in length wherever it is stored, logged, shown or sent, and, for people, with
/// control characters escaped so one string cannot forge lines, colours or direction in
/// a terminal or the journal.
package enum UntrustedText {
    /// At most `limit` characters; longer text keeps its start and ends with "…".
    package static func capped(_ text: String, to limit: Int) -> String {
        guard limit > 0 else { return "" }
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    /// One line for a person: C0 and C1 control characters, DEL, line and paragraph
    /// separators and bidirectional controls are written as escapes (`\n`, `\t`,
    /// `\u{1B}`), and the result is capped to `limit` characters.
    package static func printable(_ text: String, limit: Int = 300) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            let piece = escaped(scalar)
            if count + piece.count > limit {
                out += "…"
                return out
            }
            out += piece
            count += piece.count
        }
        return out
    }

    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x5C: return "\\\\"
        case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
            return "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        default: return String(Character(scalar))
        }
    }
}
