/// Links into runwatch's own console, made from `console.public_url` (the address people
/// reach it at, usually through a reverse proxy). Without it there are no links: the
/// console's listen address (often 127.0.0.1) is no use to someone reading Slack.
package struct ConsoleLinks: Sendable, Equatable {
    /// The configured base without a trailing slash; nil when not configured.
    package var base: String?

    package init(base: String? = nil) {
        self.base = DashboardLinks.normalizedBase(base)
    }

    package static let none = ConsoleLinks()

    /// One instance of a suite: tomorrow's instance of the same name gets its own page, so
    /// a summary's link keeps showing the night it was sent about.
    package func suite(_ name: String, instance: Int64?) -> String? {
        guard let base else { return nil }
        let path = "/suites/" + Self.segment(name)
        return base + path + (instance.map { "/\($0)" } ?? "")
    }

    package func run(_ id: RunID) -> String? {
        guard let base, id > 0 else { return nil }
        return "\(base)/runs/\(id)"
    }

    package var deliveries: String? { base.map { "\($0)/deliveries" } }

    /// The overview page (`/`).
    package var overview: String? { base.map { "\($0)/" } }

    /// Percent-encodes everything but unreserved characters (RFC 3986), so a suite name
    /// is one path segment whatever it holds, and a link stays plain ASCII.
    package static func segment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        // "." and ".." are unreserved but name a dot segment: encode them.
        if out == "." || out == ".." { return out.replacingDots() }
        return out
    }
}

extension String {
    fileprivate func replacingDots() -> String {
        String(repeating: "%2E", count: count)
    }
}
