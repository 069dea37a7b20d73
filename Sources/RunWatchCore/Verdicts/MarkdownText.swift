/// Untrusted text made literal in GitHub-flavoured Markdown. A scenario name or an error
/// from the API must not end a table row (line breaks, `|`), start a code span, inject
/// HTML (`<img src=…>`, `<details>`), links, emphasis, strikethrough or math, or
/// smuggle an entity: each such character is escaped, the rest is kept as written.
package enum MarkdownText {
    /// One line, capped at `limit` characters, with every character Markdown gives a
    /// meaning to escaped. Empty when there is nothing.
    package static func literal(_ text: String?, limit: Int) -> String {
        guard let line = VerdictText.oneLine(text, limit: limit) else { return "" }
        var out = ""
        out.reserveCapacity(line.utf8.count)
        // Per scalar, not per Character: a `|` or `<` followed by a combining mark is one
        // Character that equals neither, yet Markdown parsers read code points.
        for scalar in line.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            // Backslash escapes work for ASCII punctuation only; these are the ones that
            // start inline syntax (code, emphasis, links, images, strikethrough, math,
            // table cells) or escape another.
            case "\\", "`", "*", "_", "[", "]", "!", "~", "|", "$", "#", "{", "}":
                out += "\\"
                out.unicodeScalars.append(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A link destination in `<…>` form, with what could end it or a table cell
    /// percent-encoded. The URL is runwatch's own (configured base, numeric id); this
    /// only keeps an odd configured base from breaking the table.
    package static func destination(_ url: String) -> String {
        var out = ""
        for byte in url.utf8 {
            switch byte {
            case 0x21...0x7E where !"<>|\\`\"' ()".utf8.contains(byte): out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return "<\(out)>"
    }
}
