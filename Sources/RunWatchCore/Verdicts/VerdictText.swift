/// Untrusted API strings (scenario names, personalities, errors) as one bounded line for a
/// report a person reads: a test name in a CI page, a cell of a Markdown table.
package enum VerdictText {
    /// Control characters (C0, DEL, C1), line and paragraph separators and bidirectional
    /// controls become spaces (a line break would end a table row; a right-to-left
    /// override would make a name read as another), noncharacters become U+FFFD, runs of
    /// whitespace collapse to one
    /// space, ends are trimmed, and the result is capped at `limit` characters.
    /// nil when nothing is left: callers fall back to the run id.
    package static func oneLine(_ text: String?, limit: Int) -> String? {
        guard let text else { return nil }
        var out = ""
        var pendingSpace = false
        var count = 0
        for scalar in text.unicodeScalars {
            if isBlank(scalar) {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out += " "
                count += 1
                pendingSpace = false
            }
            // Noncharacters (U+FFFE, U+FFFF, …) are no text: XML forbids some of them.
            out.unicodeScalars.append(scalar.properties.isNoncharacterCodePoint ? "\u{FFFD}" : scalar)
            count += 1
            // Bounded work for a hostile megabyte: stop well past the cap (characters can
            // be several scalars each; `capped` then cuts at a character and adds "…").
            if count > 4 * limit + 16 {
                out += "…"
                break
            }
        }
        guard !out.isEmpty else { return nil }
        return UntrustedText.capped(out, to: limit)
    }

    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x20, 0x7F...0xA0, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: true
        default: scalar.properties.isWhitespace
        }
    }
}
