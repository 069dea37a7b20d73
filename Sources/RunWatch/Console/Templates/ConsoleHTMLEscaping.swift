import Mustache

/// The console's HTML escaping, installed in every console template (pages and partials).
/// swift-mustache's own HTML escaper looks up whole Characters: `"` followed by a combining
/// mark (U+0301) is one Character that is not `"`, so the quote went out raw and a suite
/// name could add attributes. This one escapes per Unicode scalar, whatever follows.
package struct ConsoleHTMLContentType: MustacheContentType {
    /// The name templates select it by (`{{% CONTENT_TYPE: CONSOLE_HTML}}`).
    package static let name = "CONSOLE_HTML"

    package init() {}

    package func escapeText(_ text: String) -> String { Self.escape(text) }

    /// `& < > " '` as entities, each scalar on its own.
    package static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
