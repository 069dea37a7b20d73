import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// runwatch's own HTTP clients, one per role, configured explicitly instead of
/// `HTTPClient.shared` (which follows redirects and has no read timeout):
///
/// - redirects are never followed (a 3xx is an answer, reported by the caller);
/// - a connect timeout, and a read timeout (no byte for that long fails the request);
/// - no automatic decompression (a small gzip body cannot inflate past the body caps).
///
/// The total deadline, body included, is per request (`HTTPClient.boundedExchange`).
/// The daemon, `doctor` and `notify-test` all build their clients here.
package final class OutboundHTTP: Sendable {
    /// Bulk requests to the Cekura API.
    package let api: HTTPClient
    /// Deliveries to Slack and webhook receivers.
    package let notifiers: HTTPClient
    /// Whether `shutdown()` shuts the clients down (false for a client a test injected).
    private let owned: Bool
    private let shutDown = Mutex(false)

    package static let connectTimeout: Duration = .seconds(10)
    /// No byte from a receiver for this long fails the attempt (well inside its deadline).
    package static let notifierReadTimeout: Duration = .seconds(15)

    /// `apiReadTimeout`: the API's `request_timeout` at start (an idle gap that long
    /// fails the request; the total deadline follows reloads, this timeout restarts).
    package init(apiReadTimeout: Duration) {
        api = Self.makeClient(read: apiReadTimeout)
        notifiers = Self.makeClient(read: Self.notifierReadTimeout)
        owned = true
    }

    /// One client a caller owns, for every role (tests).
    package init(injected client: HTTPClient) {
        api = client
        notifiers = client
        owned = false
    }

    package static func makeClient(read: Duration) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: timeAmount(connectTimeout), read: timeAmount(read)),
            decompression: .disabled)
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(Int64(min(duration.secondsDouble, 86400) * 1e9))
    }

    /// Closes every connection; requests still under way fail. Once only.
    package func shutdown() async {
        guard owned,
            shutDown.withLock({ done in
                defer { done = true }
                return !done
            })
        else { return }
        try? await api.shutdown()
        try? await notifiers.shutdown()
    }

    deinit {
        // A daemon prepared and never run (a benchmark timing `prepare`) still closes its
        // clients; AsyncHTTPClient insists on it.
        guard owned, !shutDown.withLock({ $0 }) else { return }
        api.shutdown { _ in }
        notifiers.shutdown { _ in }
    }
}

/// Shuts the daemon's HTTP clients down when the group shuts down. First in the group, so
/// graceful shutdown (which runs in reverse) reaches it after the poller and the delivery
/// queues have finished their last request.
struct OutboundHTTPService: Service {
    let http: OutboundHTTP

    func run() async throws {
        try? await gracefulShutdown()
        await http.shutdown()
    }
}
