import Foundation

/// runwatch never follows a redirect: a webhook would be re-sent as a GET without its
/// body (the alert lost behind a 200), and the API key would travel to whatever host the
/// `Location` names. A 3xx is reported instead, naming only the host of `Location`,
/// never the whole URL (its path or query may carry a token).
package enum RedirectAnswer {
    package static func isRedirect(_ status: Int) -> Bool { (300..<400).contains(status) }

    /// "host example.org", "a relative location (same host)", or "no Location".
    package static func target(of location: String?) -> String {
        guard let location, !location.isEmpty else { return "no Location" }
        guard let url = URL(string: location), let host = url.host, !host.isEmpty else {
            return location.hasPrefix("/") && !location.hasPrefix("//") ? "a location on the same host" : "an unreadable Location"
        }
        // Host names are short and plain; anything else is not worth echoing.
        let allowed = host.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-.:[]".unicodeScalars.contains($0))
        }
        guard allowed, host.count <= 253 else { return "an unreadable Location" }
        return "host \(host.lowercased())"
    }

    /// Why a notifier is disabled after a 3xx: its messages wait until the URL is fixed.
    package static func notifierReason(status: Int, location: String?) -> String {
        "answered \(status) (redirect to \(target(of: location))); runwatch does not follow redirects: configure the final URL and reload"
    }

    /// Why a bulk request failed after a 3xx.
    package static func apiReason(status: Int, location: String?) -> String {
        "the API answered \(status), a redirect to \(target(of: location)); runwatch does not follow redirects (the key would go with it): check api.base_url"
    }
}
