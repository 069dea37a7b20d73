import Foundation

/// Small reads of rendered HTML for page tests: counts and attribute values. Not a
/// parser: the pages are our own, and the browser test reads the real DOM.
struct HTMLProbe {
    let html: String

    init(_ html: String) { self.html = html }

    func count(_ needle: String) -> Int {
        html.components(separatedBy: needle).count - 1
    }

    func contains(_ needle: String) -> Bool { html.contains(needle) }

    /// The values of `attribute` on every element that has it, in order.
    func values(of attribute: String) -> [String] {
        let pattern = try! Regex("\\s\(attribute)=\"([^\"]*)\"")
        return html.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) }
    }

    /// The text inside `<open…>` up to `close`, for the first match of `open`.
    func inner(_ open: String, until close: String) -> String? {
        guard let start = html.range(of: open) else { return nil }
        guard let tagEnd = html[start.upperBound...].firstIndex(of: ">") else { return nil }
        let rest = html[html.index(after: tagEnd)...]
        guard let end = rest.range(of: close) else { return nil }
        return String(rest[..<end.lowerBound])
    }

    /// Every `href` value.
    var hrefs: [String] { values(of: "href") }
}
