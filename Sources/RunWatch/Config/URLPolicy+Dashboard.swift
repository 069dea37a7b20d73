import Foundation
import RunWatchCore

extension URLPolicy {
    /// The longest `cekura.dashboard_url`: with `/results/<id>` appended, a link stays
    /// within what a Slack message links (`SlackMessage.maxLinkLength`).
    package static let maxDashboardURLLength = 300

    /// Nil when `text` can be the base of dashboard links: an https URL with a host (http
    /// only on loopback, for tests), without query or fragment (paths are appended to it),
    /// short, and plain ASCII with no character that would end or split a Slack link.
    package static func dashboardProblem(_ text: String) -> String? {
        guard text.utf16.count <= maxDashboardURLLength else { return "must be at most \(maxDashboardURLLength) characters" }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return "is not an https URL with a host, e.g. https://dashboard.cekura.ai/<project>"
        }
        if scheme != "https", !(scheme == "http" && isLoopback(host)) {
            return "must be an https URL (plain http only for a loopback host)"
        }
        if url.query != nil || url.fragment != nil || text.contains("?") || text.contains("#") {
            return "must not have a query or fragment: runwatch appends /results/<result_id> to it"
        }
        return linkBaseCharacterProblem(text)
    }

    /// Nil when a link base holds no character that would end or split a Slack link
    /// (`<url|text>`): plain ASCII, no space, quote, backslash or `<>|`. Shared by
    /// `cekura.dashboard_url` and `console.public_url`.
    static func linkBaseCharacterProblem(_ text: String) -> String? {
        guard text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F || "<>|\"`\\".unicodeScalars.contains($0) }) else {
            return nil
        }
        return "must be plain ASCII without spaces, quotes or <>|` (percent-encode them)"
    }
}
