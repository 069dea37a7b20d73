import Foundation

/// Slack incoming webhooks: the URL is the credential; no headers of their own.
struct SlackTransport: SinkTransport {
    func headers(body: Data, key: String, endpoint: NotifierQueue.Endpoint, at: Date) -> [(name: String, value: String)] {
        []
    }
}
