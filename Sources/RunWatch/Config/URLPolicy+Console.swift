import Foundation
import RunWatchCore

extension URLPolicy {
    /// The longest `console.public_url`: with `/runs/<id>` appended a link always stays
    /// within what a Slack message links (`SlackMessage.maxLinkLength`); with
    /// `/suites/<name>/<instance>` (a suite name percent-encodes to at most 384 bytes) a
    /// long name can exceed it, and Slack messages then leave that link out.
    package static let maxConsoleURLLength = 300

    /// Nil when `text` can be the base of console links: http or https with a host (the
    /// console is often reached over an internal network, so plain http is the operator's
    /// call), without query or fragment (paths are appended), plain ASCII with no character
    /// that would end or split a Slack link.
    package static func consolePublicURLProblem(_ text: String) -> String? {
        guard text.utf16.count <= maxConsoleURLLength else { return "must be at most \(maxConsoleURLLength) characters" }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
            scheme == "https" || scheme == "http"
        else {
            return "is not an http(s) URL with a host, e.g. https://runwatch.example.com"
        }
        if url.user != nil || url.password != nil || text.contains("@") {
            return "must not carry a user or password: it is shown in every message that links to the console"
        }
        if url.query != nil || url.fragment != nil || text.contains("?") || text.contains("#") {
            return "must not have a query or fragment: runwatch appends /suites/<name> and /runs/<id> to it"
        }
        return linkBaseCharacterProblem(text)
    }
}
