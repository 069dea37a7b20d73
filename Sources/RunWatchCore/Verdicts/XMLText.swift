/// Text made safe for an XML 1.0 document. Scenario names, personalities and error texts
/// come from the API: one `&` or `<` would break the whole report, and a control character
/// XML 1.0 forbids (NUL, ESC, U+FFFE, …) makes every conforming parser refuse the file,
/// so a CI job would lose all its test results to one odd error message.
package enum XMLText {
    /// The replacement for a character XML 1.0 cannot carry: visible, so the reader sees
    /// that something was there.
    static let replacement: Character = "\u{FFFD}"

    /// Character data: `&`, `<` and `>` as entities (`>` too, so `]]>` cannot appear),
    /// forbidden characters replaced. Line breaks and tabs stay.
    package static func content(_ text: String) -> String { escape(text, inAttribute: false) }

    /// An attribute value inside double quotes: also both quotes, and line breaks and tabs
    /// as character references (a parser would otherwise normalise them to spaces).
    package static func attribute(_ text: String) -> String { escape(text, inAttribute: true) }

    private static func escape(_ text: String, inAttribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#13;"  // a bare CR would be read back as a line feed
            case "\"" where inAttribute: out += "&quot;"
            case "'" where inAttribute: out += "&apos;"
            case "\n" where inAttribute: out += "&#10;"
            case "\t" where inAttribute: out += "&#9;"
            default: out.unicodeScalars.append(allowed(scalar) ? scalar : replacement.unicodeScalars.first!)
            }
        }
        return out
    }

    /// XML 1.0's `Char` production, without the C1 controls and DEL it discourages (some
    /// parsers and viewers choke on them). Swift strings never hold lone surrogates:
    /// invalid UTF-16 or UTF-8 from the API was already replaced when it was decoded.
    package static func allowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: true
        case 0x20..<0x7F: true
        case 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
