import Foundation

/// A secret value that never prints itself, so it cannot reach a log by accident.
package struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    package let value: String
    package init(_ value: String) { self.value = value }
    package var description: String { "<redacted>" }
    package var debugDescription: String { "<redacted>" }
}

/// Where secrets come from. Order for the API key: `api.api_key_file`, then the systemd
/// credential `cekura-api-key` (`$CREDENTIALS_DIRECTORY`), then `$CEKURA_API_KEY`.
package struct SecretsError: Error, CustomStringConvertible, Equatable {
    package var message: String
    package var description: String { message }
}

package enum SecretSource {
    package static let apiKeyCredential = "cekura-api-key"

    package static func apiKey(configuration: Configuration, environment: [String: String]) throws(SecretsError) -> Secret {
        if let file = configuration.api.apiKeyFile {
            return try read(file, what: "api.api_key_file", environment: environment)
        }
        if let directory = environment["CREDENTIALS_DIRECTORY"] {
            let path = (directory as NSString).appendingPathComponent(apiKeyCredential)
            if FileManager.default.fileExists(atPath: path) {
                return try read(path, what: "credential \(apiKeyCredential)")
            }
        }
        if let value = environment["CEKURA_API_KEY"]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
            try refuseControlCharacters(value, what: "$CEKURA_API_KEY")
            return Secret(value)
        }
        throw SecretsError(
            message: "no Cekura API key: set api.api_key_file, provide the systemd credential '\(apiKeyCredential)', or set CEKURA_API_KEY")
    }

    /// Reads a secret file: its content, without surrounding whitespace. A file named by a
    /// bare name (no '/') is looked up in `$CREDENTIALS_DIRECTORY` first.
    package static func read(
        _ path: String, what: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SecretsError) -> Secret {
        var resolved = path
        if !path.contains("/"), let directory = environment["CREDENTIALS_DIRECTORY"] {
            resolved = (directory as NSString).appendingPathComponent(path)
        }
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw SecretsError(message: "\(what): cannot read '\(resolved)'")
        }
        let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw SecretsError(message: "\(what): '\(resolved)' is empty") }
        try refuseControlCharacters(value, what: "\(what): '\(resolved)'")
        return Secret(value)
    }

    /// Secrets go into HTTP headers and URLs. A line break inside one (two keys pasted
    /// into one file, a Windows line ending in the middle) would make a header the HTTP
    /// client refuses — and its error text quotes the header value into the journal. So
    /// it is refused here, when loaded, naming where it came from and never the value.
    package static func refuseControlCharacters(_ value: String, what: String) throws(SecretsError) {
        guard let index = value.unicodeScalars.firstIndex(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return }
        let position = value.unicodeScalars.distance(from: value.unicodeScalars.startIndex, to: index) + 1
        throw SecretsError(
            message: "\(what) holds a control character (a line break or similar) inside the value, at character \(position) "
                + "of \(value.unicodeScalars.count); a secret must be one line")
    }
}
