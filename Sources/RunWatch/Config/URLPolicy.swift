import Foundation

/// Where runwatch sends a secret (the API key, a webhook's URL, signature and token):
/// only over `https`, except to this machine (127.0.0.0/8, ::1, `localhost`), where
/// plain `http` cannot be read on the way (local test receivers, a local proxy).
package enum URLPolicy {
    /// Nil when `text` is an acceptable endpoint; otherwise what is wrong, without
    /// quoting the URL (a Slack webhook URL is itself a secret).
    package static func problem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return "is not an https URL with a host"
        }
        switch scheme {
        case "https": return nil
        case "http" where isLoopback(host): return nil
        case "http": return "uses http: runwatch sends secrets only over https (plain http is allowed for loopback hosts only)"
        default: return "is not an https URL (scheme '\(scheme.prefix(16))')"
        }
    }

    /// 127.0.0.0/8, ::1 and `localhost` (with or without the brackets of an IPv6 host).
    package static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare.lowercased() == "localhost" { return true }
        if bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && UInt8(part) != nil }
    }
}
