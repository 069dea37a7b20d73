import Foundation
import RunWatchCore

/// The edge half of a `NotificationSink`: what a request to this kind of endpoint
/// carries besides the body, `Content-Type` and `User-Agent` (identification, signing,
/// credentials). One type per sink folder; `NotifierKind.transport` registers them.
package protocol SinkTransport: Sendable {
    /// Headers for one attempt of the message `key` with `body`, sent at `at`.
    func headers(body: Data, key: String, endpoint: NotifierQueue.Endpoint, at: Date) -> [(name: String, value: String)]
}

extension NotifierKind {
    /// The one registration point of the edge halves (see `NotifierKind.sink`).
    package var transport: any SinkTransport {
        switch self {
        case .slack: SlackTransport()
        case .webhook: WebhookTransport()
        }
    }
}
