import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import RunWatchCore

/// One POST of a notification to an endpoint, with the headers its sink's transport adds,
/// classified by its sink into a `DeliveryVerdict`. Used by the queues and by
/// `runwatch notify-test` and `doctor`. Never puts the URL or a secret into an error text.
///
/// A receiver is an untrusted peer: the whole attempt (head and body) has a deadline,
/// only the first 4 KiB of its answer are read before the connection is closed, and a
/// redirect is never followed: it disables the notifier with a reason naming the
/// `Location` host (its messages wait in the outbox until the URL is fixed).
package struct NotificationSender: Sendable {
    /// What one send achieved, for the one message or the whole digest sent.
    package struct SendResult: Sendable {
        package var verdict: DeliveryVerdict
        package var status: Int?
    }

    /// The status decides; the body only explains, so its start is enough.
    package static let answerLimit = 4096
    package static let defaultTimeout: Duration = .seconds(15)

    package let endpoint: NotifierQueue.Endpoint
    let http: HTTPClient
    let logger: Logger
    let now: @Sendable () -> Date

    package init(endpoint: NotifierQueue.Endpoint, http: HTTPClient, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.endpoint = endpoint
        self.http = http
        self.logger = logger
        self.now = now
    }

    package func send(_ body: Data, key: String) async -> SendResult {
        var request = HTTPClientRequest(url: endpoint.url.value)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "runwatch/\(RunWatchVersion.current)")
        for header in endpoint.kind.transport.headers(body: body, key: key, endpoint: endpoint, at: now()) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.boundedExchange(request, deadline: endpoint.timeout, limit: Self.answerLimit, overflow: .truncate)
            if RedirectAnswer.isRedirect(response.status) {
                let reason = RedirectAnswer.notifierReason(status: response.status, location: response.headers.first(name: "Location"))
                return SendResult(verdict: .disable(reason: reason), status: response.status)
            }
            let verdict = endpoint.kind.sink.classify(
                status: response.status, retryAfter: response.headers.first(name: "Retry-After"),
                body: response.body, now: now(), retryAfterCap: .seconds(900))
            return SendResult(verdict: verdict, status: response.status)
        } catch {
            // The error text may contain the URL (a secret); say only what kind of failure.
            return SendResult(verdict: .retry(reason: "request failed: \(HTTPErrorText.describe(error))", after: nil), status: nil)
        }
    }
}
