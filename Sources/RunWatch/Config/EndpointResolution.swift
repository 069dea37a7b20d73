import Foundation
import RunWatchCore

extension NotifierQueue.Endpoint {
    /// Reads the notifier's secrets (URL, signing secret, bearer token). Throws
    /// `Daemon.StartError` naming the notifier and the file.
    package static func resolve(_ notifier: Configuration.Notifier, environment: [String: String]) throws -> NotifierQueue.Endpoint {
        let url: Secret
        do {
            if let value = notifier.url {
                try SecretSource.refuseControlCharacters(value, what: "notifier '\(notifier.name)' url")
                url = Secret(value)
            } else if let file = notifier.urlFile {
                url = try SecretSource.read(file, what: "notifier '\(notifier.name)' url_file", environment: environment)
                // Checked when read (at start and on reload), like a `url` in the file.
                if let problem = URLPolicy.problem(url.value) {
                    throw Daemon.StartError(description: "notifier '\(notifier.name)' url_file: the URL in '\(file)' \(problem)")
                }
            } else {
                throw Daemon.StartError(description: "notifier '\(notifier.name)': set url or url_file")
            }
            var key: Data?
            if let file = notifier.secretFile {
                let secret = try SecretSource.read(file, what: "notifier '\(notifier.name)' secret_file", environment: environment)
                guard let bytes = StandardWebhook.keyBytes(fromSecret: secret.value) else {
                    throw Daemon.StartError(description: "notifier '\(notifier.name)' secret_file: not a whsec_<base64> secret")
                }
                key = bytes
            }
            let token = try notifier.bearerTokenFile.map {
                try SecretSource.read($0, what: "notifier '\(notifier.name)' bearer_token_file", environment: environment)
            }
            return NotifierQueue.Endpoint(
                name: notifier.name, kind: notifier.kind, url: url, signingKey: key, bearerToken: token,
                groupWindow: notifier.groupWindow, maxAge: notifier.maxAge, pace: notifier.minInterval, maxInFlight: notifier.maxInFlight,
                timeout: notifier.timeout)
        } catch let error as SecretsError {
            throw Daemon.StartError(description: error.description)
        }
    }

}
