import Foundation

/// The parts of a Standard Webhooks signature that are pure string work; the HMAC
/// itself is computed at the edge with swift-crypto.
package enum StandardWebhook {
    /// `whsec_<base64>` → the key bytes. Secrets without the prefix are taken as base64
    /// too, as the spec's reference libraries do.
    package static func keyBytes(fromSecret secret: String) -> Data? {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst("whsec_".count)) : secret
        guard let key = Data(base64Encoded: encoded), !key.isEmpty else { return nil }
        return key
    }

    /// The signed content: `id.timestamp.body`.
    package static func signedContent(id: String, timestamp: Int, body: Data) -> Data {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        return content
    }
}
