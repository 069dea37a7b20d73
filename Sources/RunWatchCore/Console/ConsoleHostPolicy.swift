/// Which `Host` header the console answers. A page on an attacker's site can re-point its
/// own name at 127.0.0.1 (DNS rebinding) and read the console as same-origin; its requests
/// then carry the attacker's name as `Host`. The console answers only the loopback names,
/// the host it listens on and `console.public_url`'s host, on any port (the port proves
/// nothing: the attacker picks it), and refuses the rest with 421.
package struct ConsoleHostPolicy: Sendable, Equatable {
    /// Lowercased host names and addresses, IPv6 without brackets.
    package var names: Set<String>

    package static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "::1"]

    /// `listenHost` as in `console_listen` (a wildcard bind names no host); `publicURL` as
    /// in `console.public_url`.
    package init(listenHost: String? = nil, publicURL: String? = nil) {
        var names = Self.loopbackNames
        if let listenHost, let host = Self.hostName(listenHost), host != "0.0.0.0", host != "::" { names.insert(host) }
        if let publicURL, let host = Self.urlHost(publicURL) { names.insert(host) }
        self.names = names
    }

    /// Whether a request with this `Host` header is answered. A request without one (an
    /// HTTP/1.0 client; never a browser) is answered: rebinding needs a browser.
    package func allows(hostHeader: String?) -> Bool {
        guard let hostHeader else { return true }
        guard let host = Self.hostName(Self.strippingPort(hostHeader)) else { return false }
        return names.contains(host)
    }

    /// `name:port`, `[v6]:port`, `name`, `[v6]` → the host part.
    static func strippingPort(_ text: String) -> String {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return text }
            return String(text[...close])
        }
        guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return text }
        return String(text[..<colon])
    }

    /// Lowercased, brackets and one trailing dot removed; nil when empty.
    static func hostName(_ text: String) -> String? {
        var host = Substring(text.lowercased())
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        if host.hasSuffix(".") { host = host.dropLast() }
        return host.isEmpty ? nil : String(host)
    }

    /// The host of an `http(s)://host[:port]/…` URL.
    static func urlHost(_ url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        var rest = url[scheme.upperBound...]
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return hostName(strippingPort(String(rest)))
    }
}
