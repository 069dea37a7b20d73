import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import RunWatchCore

/// One POST of a notification to an endpoint, with the headers its sink's transport adds,
/// classified by its sink into a `DeliveryVerdict`. Used by the queues and by
/// `runwatch notify-test` and `doctor`. Never puts the URL or a secret into an error text.
package struct NotificationSender: Sendable {
    /// What one send achieved, for the one message or the whole digest sent.
    package struct SendResult: Sendable {
        package var verdict: DeliveryVerdict
        package var status: Int?
    }

    package let endpoint: NotifierQueue.Endpoint
    let http: HTTPClient
    let logger: Logger
    let now: @Sendable () -> Date
    let timeout: TimeAmount = .seconds(15)

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
            let response = try await http.execute(request, timeout: timeout)
            // The status decides; the body only explains. Keep its start for the log and
            // drain the rest: a large or broken body after a 2xx is still a delivery.
            var prefix = Data()
            do {
                for try await chunk in response.body where prefix.count < 4096 {
                    prefix.append(contentsOf: chunk.readableBytesView.prefix(4096 - prefix.count))
                }
            } catch {
                logger.debug("could not read the whole response body", metadata: ["error": "\(Self.redacted(error))"])
            }
            let verdict = endpoint.kind.sink.classify(
                status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"),
                body: prefix, now: now(), retryAfterCap: .seconds(900))
            return SendResult(verdict: verdict, status: Int(response.status.code))
        } catch {
            // The error text may contain the URL (a secret); say only what kind of failure.
            return SendResult(verdict: .retry(reason: "connection failed: \(Self.redacted(error))", after: nil), status: nil)
        }
    }

    package static func redacted(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return "connect timeout"
            case .deadlineExceeded, .readTimeout: return "timeout"
            case .remoteConnectionClosed: return "remote closed the connection"
            default: return "HTTP client error"
            }
        }
        return "\(type(of: error))"
    }
}
