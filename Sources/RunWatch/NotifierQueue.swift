import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import Metrics
import NIOCore
import RunWatchCore
import ServiceLifecycle

/// Delivers one notifier's outbox messages, oldest first, until each is accepted.
///
/// Every notifier has its own queue (its own Service), so a slow or dead endpoint never
/// delays the others. A message leaves the outbox only after a 2xx; a crash before that
/// means a re-delivery with the same `webhook-id`, never a loss.
public final class NotifierQueue: Sendable {
    public struct Endpoint: Sendable {
        public var name: String
        public var kind: Configuration.Notifier.Kind
        public var url: Secret
        /// Standard Webhooks signing key, for `kind: webhook`.
        public var signingKey: Data?

        public init(name: String, kind: Configuration.Notifier.Kind, url: Secret, signingKey: Data?) {
            self.name = name
            self.kind = kind
            self.url = url
            self.signingKey = signingKey
        }
    }

    public let endpoint: Endpoint
    private let store: any RunStore
    private let http: HTTPClient
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let random: @Sendable () -> Double
    private let onChange: @Sendable () async -> Void
    private let heartbeat: Heartbeat
    let doorbell = Doorbell()
    private let backoff = BackoffPolicy(base: .seconds(1), cap: .seconds(600))
    private let maxAge: TimeInterval = 24 * 3600
    private let timeout: TimeAmount = .seconds(15)
    private let delivered: Counter
    private let failed: Counter

    public init(
        endpoint: Endpoint, store: any RunStore, http: HTTPClient, logger: Logger,
        now: @escaping @Sendable () -> Date, random: @escaping @Sendable () -> Double,
        heartbeat: Heartbeat = Heartbeat(), onChange: @escaping @Sendable () async -> Void
    ) {
        self.heartbeat = heartbeat
        self.endpoint = endpoint
        self.store = store
        self.http = http
        var logger = logger
        logger[metadataKey: "notifier"] = "\(endpoint.name)"
        self.logger = logger
        self.now = now
        self.random = random
        self.onChange = onChange
        delivered = Counter(label: "runwatch_deliveries_total", dimensions: [("notifier", endpoint.name), ("outcome", "delivered")])
        failed = Counter(label: "runwatch_deliveries_total", dimensions: [("notifier", endpoint.name), ("outcome", "failed")])
    }

    private var loopName: String { "notifier-\(endpoint.name)" }

    /// Delivers until graceful shutdown (after the message in hand) or cancellation.
    public func run() async {
        defer { heartbeat.retire(loopName) }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            heartbeat.beat(loopName, nextWithin: .seconds(60))
            let due: [OutboxMessage]
            do {
                due = try await store.dueDeliveries(notifier: endpoint.name, now: now(), limit: 32)
            } catch {
                logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
                await sleep(seconds: 5)
                continue
            }
            if due.isEmpty {
                let next = (try? await store.nextDeliveryDate(notifier: endpoint.name)) ?? nil
                let wait = next.map { max(0, $0.timeIntervalSince(now())) } ?? 3600
                await sleep(seconds: wait)
                continue
            }
            for message in due {
                if Task.isShuttingDownGracefully || Task.isCancelled { break }
                await deliver(message)
            }
            await onChange()
        }
    }

    private func sleep(seconds: Double) async {
        heartbeat.beat(loopName, nextWithin: .secondsDouble(seconds))
        await withGracefulShutdownHandler {
            await doorbell.wait(timeout: .secondsDouble(seconds))
        } onGracefulShutdown: {
            self.doorbell.ring()
        }
    }

    private func deliver(_ message: OutboxMessage) async {
        heartbeat.beat(loopName, nextWithin: .seconds(60))
        let attempts = message.attempts + 1
        let verdict = await send(message)
        let at = now()
        do {
            switch verdict {
            case .delivered:
                try await store.markDelivered(message.id, at: at)
                delivered.increment()
                logger.info("notification delivered", metadata: ["run_id": "\(message.runID)", "event": "\(message.event)", "attempts": "\(attempts)"])
            case .retry(let reason, let after):
                failed.increment()
                if at.timeIntervalSince(message.createdAt) > maxAge {
                    try await store.markDead(message.id, attempts: attempts, error: reason, at: at)
                    logger.error("notification given up after 24h; kept as a dead letter", metadata: ["run_id": "\(message.runID)", "error": "\(reason)"])
                    return
                }
                let wait = after ?? backoff.delay(attempt: attempts, unitRandom: random())
                try await store.markAttemptFailed(message.id, attempts: attempts, nextAttemptAt: at.addingTimeInterval(wait.secondsDouble), error: reason)
                logger.warning("notification not accepted; will retry", metadata: [
                    "run_id": "\(message.runID)", "error": "\(reason)", "attempts": "\(attempts)",
                    "retry_in_s": "\(String(format: "%.1f", wait.secondsDouble))",
                ])
            case .dead(let reason):
                failed.increment()
                try await store.markDead(message.id, attempts: attempts, error: reason, at: at)
                logger.error("notification refused by the endpoint; kept as a dead letter", metadata: ["run_id": "\(message.runID)", "error": "\(reason)"])
            }
        } catch {
            logger.error("cannot record delivery result; it will be retried", metadata: ["error": "\(error)"])
        }
    }

    private func send(_ message: OutboxMessage) async -> DeliveryVerdict {
        var request = HTTPClientRequest(url: endpoint.url.value)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "runwatch/\(RunWatchVersion.current)")
        if endpoint.kind == .webhook {
            let timestamp = Int(now().timeIntervalSince1970)
            request.headers.add(name: "webhook-id", value: message.idempotencyKey)
            request.headers.add(name: "webhook-timestamp", value: "\(timestamp)")
            if let key = endpoint.signingKey {
                let content = StandardWebhook.signedContent(id: message.idempotencyKey, timestamp: timestamp, body: message.payload)
                let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
                request.headers.add(name: "webhook-signature", value: "v1,\(Data(mac).base64EncodedString())")
            }
        }
        request.body = .bytes(ByteBuffer(bytes: message.payload))
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
            return DeliveryVerdict.classify(
                status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"),
                body: prefix, now: now(), retryAfterCap: .seconds(900))
        } catch {
            // The error text may contain the URL (a secret); say only what kind of failure.
            return .retry(reason: "connection failed: \(Self.redacted(error))", after: nil)
        }
    }

    static func redacted(_ error: any Error) -> String {
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
