import Crypto
import Foundation
import RunWatchCore

/// Standard Webhooks headers: `webhook-id` (the idempotency key, the same on every
/// retry), `webhook-timestamp` (this attempt), `webhook-signature` (HMAC-SHA256 over
/// `id.timestamp.body`, when a signing key is set), and an optional bearer token.
struct WebhookTransport: SinkTransport {
    func headers(body: Data, key: String, endpoint: NotifierQueue.Endpoint, at: Date) -> [(name: String, value: String)] {
        let timestamp = Int(at.timeIntervalSince1970)
        var headers: [(name: String, value: String)] = [("webhook-id", key), ("webhook-timestamp", "\(timestamp)")]
        if let signingKey = endpoint.signingKey {
            let content = StandardWebhook.signedContent(id: key, timestamp: timestamp, body: body)
            let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: signingKey))
            headers.append(("webhook-signature", "v1,\(Data(mac).base64EncodedString())"))
        }
        if let token = endpoint.bearerToken {
            headers.append(("Authorization", "Bearer \(token.value)"))
        }
        return headers
    }
}
