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
/// Every notifier has its own queue, so a slow or dead endpoint never delays the others.
/// A message leaves the outbox only after a 2xx; a crash before that means a re-delivery
/// with the same `webhook-id`, never a loss. Slack queues group failures that end close
/// together into one digest and send at most one message per second.
package final class NotifierQueue: Sendable {
    package struct Endpoint: Sendable {
        package var name: String
        package var kind: Configuration.Notifier.Kind
        package var url: Secret
        /// Standard Webhooks signing key, for `kind: webhook`.
        package var signingKey: Data?
        package var bearerToken: Secret?
        package var groupWindow: Duration
        package var maxAge: Duration
        /// Least time between two sends (Slack allows about one per second per webhook).
        package var pace: Duration

        package init(
            name: String, kind: Configuration.Notifier.Kind, url: Secret, signingKey: Data? = nil, bearerToken: Secret? = nil,
            groupWindow: Duration = .zero, maxAge: Duration = .seconds(86400), pace: Duration = .zero
        ) {
            self.name = name
            self.kind = kind
            self.url = url
            self.signingKey = signingKey
            self.bearerToken = bearerToken
            self.groupWindow = groupWindow
            self.maxAge = maxAge
            self.pace = pace
        }
    }

    package typealias SendResult = WebhookSender.SendResult

    package let endpoint: Endpoint
    private let store: any RunStore
    private let http: HTTPClient
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let random: @Sendable () -> Double
    private let onChange: @Sendable () async -> Void
    private let onDisabled: @Sendable (String, String) async -> Void
    private let heartbeat: Heartbeat
    let doorbell = Doorbell()
    private let backoff = BackoffPolicy(base: .seconds(1), cap: .seconds(600))
    private let deadLetters: Counter
    private let latency: Metrics.Timer

    private func count(_ outcome: String, _ messages: Int) {
        Counter(label: MetricNames.deliveries, dimensions: [("notifier", endpoint.name), ("outcome", outcome)]).increment(by: messages)
    }

    package init(
        endpoint: Endpoint, store: any RunStore, http: HTTPClient, logger: Logger,
        now: @escaping @Sendable () -> Date, random: @escaping @Sendable () -> Double,
        heartbeat: Heartbeat = Heartbeat(), onChange: @escaping @Sendable () async -> Void,
        onDisabled: @escaping @Sendable (String, String) async -> Void = { _, _ in }
    ) {
        self.endpoint = endpoint
        self.store = store
        self.http = http
        var logger = logger
        logger[metadataKey: "notifier"] = "\(endpoint.name)"
        self.logger = logger
        self.now = now
        self.random = random
        self.heartbeat = heartbeat
        self.onChange = onChange
        self.onDisabled = onDisabled
        deadLetters = Counter(label: MetricNames.deadLetters, dimensions: [("notifier", endpoint.name)])
        latency = Metrics.Timer(label: MetricNames.deliveryLatency, dimensions: [("notifier", endpoint.name)])
    }

    private var loopName: String { "notifier-\(endpoint.name)" }

    /// Delivers until graceful shutdown (after the message in hand), cancellation, or the
    /// endpoint telling us it is gone (then the notifier stays off until a reload).
    package func run() async {
        defer { heartbeat.retire(loopName) }
        var lastSend = ContinuousClock.now - .seconds(3600)
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            heartbeat.beat(loopName, nextWithin: .seconds(60))
            let due: [OutboxMessage]
            do {
                due = try await store.dueDeliveries(notifier: endpoint.name, now: now(), limit: 500)
            } catch {
                logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
                await sleep(seconds: 5)
                continue
            }
            guard let first = due.first else {
                let next = (try? await store.nextDeliveryDate(notifier: endpoint.name)) ?? nil
                // At most 30 s: `runwatch outbox retry` (another process) cannot ring us.
                await sleep(seconds: min(30, next.map { max(0, $0.timeIntervalSince(now())) } ?? 30))
                continue
            }
            // A digest waits for the window to close, so the failures ending together
            // go out together.
            var batch = [first]
            if endpoint.groupWindow > .zero, first.alert != nil {
                let windowEnd = first.createdAt.addingTimeInterval(endpoint.groupWindow.secondsDouble)
                let wait = windowEnd.timeIntervalSince(now())
                if wait > 0, !Task.isShuttingDownGracefully {
                    await onChange()
                    await sleep(seconds: wait, interruptible: false)
                    continue
                }
                batch = due.filter { $0.alert != nil && $0.createdAt <= windowEnd }
                // Only alerts that decode can be in a digest (it marks all it covers as
                // delivered); if any does not, send the first one alone, as stored.
                if batch.contains(where: { $0.alert.flatMap { try? JSONDecoder().decode(RunAlert.self, from: $0) } == nil }) {
                    batch = [first]
                }
            }
            let pause = endpoint.pace - (ContinuousClock.now - lastSend)
            if pause > .zero { try? await Task.sleep(for: pause) }
            lastSend = ContinuousClock.now
            let keepGoing = await deliver(batch)
            await onChange()
            if !keepGoing { return }
        }
    }

    private func sleep(seconds: Double, interruptible: Bool = true) async {
        heartbeat.beat(loopName, nextWithin: .secondsDouble(seconds))
        if !interruptible {
            // New messages must not cut a digest window short; shutdown still does.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .secondsDouble(seconds)) }
            return
        }
        await doorbell.waitUnlessShuttingDown(timeout: .secondsDouble(seconds))
    }

    /// Sends one message, or several as one digest, and records the result for each.
    /// Returns false when the endpoint is gone and this queue should stop.
    private func deliver(_ batch: [OutboxMessage]) async -> Bool {
        heartbeat.beat(loopName, nextWithin: .seconds(60))
        let (body, fallbackText) = render(batch)
        var result = await send(body, key: batch[0].idempotencyKey)
        if case .invalidPayload(let reason) = result.verdict, let fallbackText {
            logger.warning("Slack refused the message's blocks; sending the plain-text version once", metadata: ["reason": "\(reason)"])
            result = await send(JSONValue.object(["text": .string(fallbackText)]).encoded(), key: batch[0].idempotencyKey)
            if case .invalidPayload(let again) = result.verdict { result.verdict = .dead(reason: again) }
        }
        let at = now()
        let ids = batch.map(\.id)
        let runs = batch.map { String($0.runID) }.joined(separator: ",")
        do {
            switch result.verdict {
            case .delivered:
                try await store.markDelivered(ids, at: at)
                count("delivered", batch.count)
                for message in batch { latency.recordNanoseconds(Int64(max(0, at.timeIntervalSince(message.createdAt)) * 1e9)) }
                // One line per run, so `journalctl RUN_ID=…` finds digests too.
                for message in batch {
                    logger.info(batch.count > 1 ? "notification delivered (in a digest of \(batch.count))" : "notification delivered", metadata: [
                        "run_id": "\(message.runID)", "event": "\(message.event)",
                    ])
                }
            case .retry(let reason, let after):
                // One wait for the whole batch, so a digest that failed is retried as one
                // digest, not split into messages with different backoffs.
                let attempt = (batch.map(\.attempts).max() ?? 0) + 1
                let wait = max(after ?? .zero, backoff.delay(attempt: attempt, unitRandom: random()), .seconds(1))
                for message in batch {
                    let attempts = message.attempts + 1
                    if at.timeIntervalSince(message.createdAt) > endpoint.maxAge.secondsDouble {
                        try await store.markDead(message.id, attempts: attempts, error: reason, at: at)
                        count("dead", 1)
                        deadLetters.increment()
                        logger.error("notification given up after max_age; kept as a dead letter", metadata: ["run_id": "\(message.runID)", "error": "\(reason)"])
                        continue
                    }
                    count("retry", 1)
                    try await store.markAttemptFailed(message.id, attempts: attempts, nextAttemptAt: at.addingTimeInterval(wait.secondsDouble), error: reason)
                }
                // Retry-After is a floor, never a reason to retry faster than backoff:
                // `Retry-After: 0` on every answer must not become a tight loop.
                logger.warning("notification not accepted; will retry", metadata: [
                    "run_id": "\(runs)", "error": "\(reason)", "retry_after": "\(after.map { "\($0)" } ?? "backoff")",
                ])
            case .dead(let reason), .invalidPayload(let reason):
                count("dead", batch.count)
                deadLetters.increment(by: batch.count)
                for message in batch {
                    try await store.markDead(message.id, attempts: message.attempts + 1, error: reason, at: at)
                }
                logger.error("notification refused by the endpoint; kept as a dead letter", metadata: ["run_id": "\(runs)", "error": "\(reason)"])
            case .disable(let reason):
                count("disabled", batch.count)
                for message in batch {
                    try await store.markAttemptFailed(message.id, attempts: message.attempts + 1, nextAttemptAt: at, error: reason)
                }
                logger.error("endpoint says it is gone or forbids us; notifier disabled until reload (its messages wait in the outbox)", metadata: ["error": "\(reason)"])
                await onDisabled(endpoint.name, reason)
                return false
            }
        } catch {
            logger.error("cannot record delivery result; it will be retried", metadata: ["error": "\(error)"])
        }
        return true
    }

    /// The bytes to send and, for Slack, the plain-text fallback.
    private func render(_ batch: [OutboxMessage]) -> (Data, String?) {
        if batch.count > 1 {
            let alerts = batch.compactMap { $0.alert.flatMap { try? JSONDecoder().decode(RunAlert.self, from: $0) } }
            let digest = SlackDigest.render(alerts)
            if case .object(let fields) = digest, case .string(let text)? = fields["text"] { return (digest.encoded(), text) }
            return (digest.encoded(), nil)
        }
        let payload = batch[0].payload
        guard endpoint.kind == .slack,
              let object = try? JSONSerialization.jsonObject(with: payload) as? [String: Any],
              let text = object["text"] as? String
        else { return (payload, nil) }
        return (payload, text)
    }

    package func send(_ body: Data, key: String) async -> SendResult {
        await WebhookSender(endpoint: endpoint, http: http, logger: logger, now: now).send(body, key: key)
    }
}
