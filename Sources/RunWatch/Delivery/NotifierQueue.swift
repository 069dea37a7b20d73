import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import Metrics
import NIOCore
import RunWatchCore
import ServiceLifecycle
import Synchronization

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
        /// Sends under way at once.
        package var maxInFlight: Int
        /// One attempt, answer body included, ends after this.
        package var timeout: Duration

        package init(
            name: String, kind: Configuration.Notifier.Kind, url: Secret, signingKey: Data? = nil, bearerToken: Secret? = nil,
            groupWindow: Duration = .zero, maxAge: Duration = .seconds(86400), pace: Duration = .zero, maxInFlight: Int = 1,
            timeout: Duration = NotificationSender.defaultTimeout
        ) {
            self.name = name
            self.kind = kind
            self.url = url
            self.signingKey = signingKey
            self.bearerToken = bearerToken
            self.groupWindow = groupWindow
            self.maxAge = maxAge
            self.pace = pace
            self.maxInFlight = maxInFlight
            self.timeout = timeout
        }

        var planSettings: DeliveryPlan.Settings {
            let defaults = kind.sink.defaults
            return DeliveryPlan.Settings(
                groupWindow: defaults.digests ? groupWindow : .zero, pace: pace, maxAge: maxAge, maxInFlight: maxInFlight,
                digestLimit: defaults.digestCapacity)
        }
    }

    package typealias SendResult = NotificationSender.SendResult

    /// What one send achieved, and for which runs (for logs and the latency metric).
    private struct Finished: Sendable {
        var batch: DeliveryPlan.Batch
        var result: SendResult
        var sent: [Int64: Sent]
    }

    private struct Sent: Sendable {
        var runID: RunID
        var event: String
        var createdAt: Date
    }

    package let endpoint: Endpoint
    private let store: any RunStore
    private let http: HTTPClient
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let random: @Sendable () -> Double
    private let onChange: @Sendable () async -> Void
    private let onDisabled: @Sendable (String, String) async -> Void
    private let heartbeat: Heartbeat
    /// Delivery attempts for the console's chart; nil where nobody draws it.
    private let activity: ActivityRecorder?
    private let doorbell = Doorbell()
    /// Set when the poller recorded new messages; the loop then reads the outbox again.
    private let outboxChanged = Mutex(true)
    /// Results were recorded since the outbox depth was last reported.
    private let depthOwed = Mutex(false)
    /// Sends that ended, for the loop to feed to the plan.
    private let finished = Mutex([Finished]())
    private let deadLetters: Counter
    private let latency: Metrics.Timer

    private func count(_ outcome: String, _ messages: Int) {
        Counter(label: MetricNames.deliveries, dimensions: [("notifier", endpoint.name), ("outcome", outcome)]).increment(by: messages)
    }

    package init(
        endpoint: Endpoint, store: any RunStore, http: HTTPClient, logger: Logger,
        now: @escaping @Sendable () -> Date, random: @escaping @Sendable () -> Double,
        heartbeat: Heartbeat = Heartbeat(), onChange: @escaping @Sendable () async -> Void,
        onDisabled: @escaping @Sendable (String, String) async -> Void = { _, _ in }, activity: ActivityRecorder? = nil
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
        self.activity = activity
        deadLetters = Counter(label: MetricNames.deadLetters, dimensions: [("notifier", endpoint.name)])
        latency = Metrics.Timer(label: MetricNames.deliveryLatency, dimensions: [("notifier", endpoint.name)])
    }

    private var loopName: String { "notifier-\(endpoint.name)" }

    /// New messages may be in the outbox: read it again before the next decision.
    package func messagesArrived() {
        outboxChanged.withLock { $0 = true }
        doorbell.ring()
    }

    /// Delivers until graceful shutdown (after the sends in flight), cancellation, or the
    /// endpoint telling us it is gone (then the notifier stays off until a reload).
    ///
    /// Only runs the `DeliveryPlan`'s actions: reads the outbox into it, starts the sends
    /// it asks for (each in a child task, up to its `maxInFlight`), feeds it their results
    /// and writes the updates it returns, waiting on the monotonic clock in between.
    package func run() async {
        defer { heartbeat.retire(loopName) }
        var plan = DeliveryPlan(settings: endpoint.planSettings)
        var lastRead: ContinuousClock.Instant?
        var sawAll = true
        var lastDepthReport = ContinuousClock.now - .seconds(1)
        // Messages read ahead for the sends to come: one read per few dozen sends.
        var readAhead: [Int64: OutboxMessage] = [:]
        await withTaskGroup(of: Void.self) { group in
            loop: while true {
                heartbeat.beat(loopName, nextWithin: .seconds(60))
                await settle(takeFinished(), into: &plan)
                let stopping = Task.isShuttingDownGracefully || Task.isCancelled
                if stopping { break loop }
                // The outbox is read when told it changed, every 30 s anyway (`runwatch
                // outbox retry`, another process, cannot ring us), and at once when the
                // last read stopped at its limit and the plan has sent all it got.
                let reread =
                    outboxChanged.withLock { $0 } || lastRead.map { ContinuousClock.now - $0 > .seconds(30) } ?? true
                    || (!sawAll && plan.waiting == 0)
                if reread {
                    outboxChanged.withLock { $0 = false }
                    do {
                        sawAll = try await readOutbox(into: &plan)
                        lastRead = .now
                    } catch {
                        logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
                        outboxChanged.withLock { $0 = true }
                        await doorbell.waitUnlessShuttingDown(timeout: .seconds(5))
                        continue
                    }
                }
                var wake: ContinuousClock.Instant?
                decide: while true {
                    switch plan.next(at: .now) {
                    case .send(let batch):
                        if batch.ids.contains(where: { readAhead[$0] == nil }) {
                            readAhead = [:]
                            let ids = batch.ids + plan.upcoming(63)
                            // A failed read leaves the send to read for itself.
                            for message in (try? await store.messages(ids)) ?? [] { readAhead[message.id] = message }
                        }
                        let messages = batch.ids.compactMap { readAhead.removeValue(forKey: $0) }
                        group.addTask { await self.attempt(batch, messages.count == batch.ids.count ? messages : nil) }
                    case .wait(let until):
                        wake = until
                        break decide
                    case .stop:
                        break loop
                    case .record, .disable:
                        break decide  // only answers to `finished`
                    }
                }
                // The outbox depth (for `STATUS=`) at most ten times a second, not after
                // every answer: at a thousand deliveries a second the count would cost
                // more than the deliveries.
                var timeout = min(.seconds(30), wake.map { max(.zero, $0 - .now) } ?? .seconds(30))
                if depthOwed.withLock({ $0 }) {
                    if ContinuousClock.now - lastDepthReport >= .milliseconds(100) {
                        depthOwed.withLock { $0 = false }
                        lastDepthReport = .now
                        await onChange()
                    } else {
                        timeout = min(timeout, .milliseconds(100))
                    }
                }
                heartbeat.beat(loopName, nextWithin: timeout + .seconds(60))
                await doorbell.waitUnlessShuttingDown(timeout: timeout)
            }
            // Shutdown or disable: the sends in flight finish, and what they achieved is
            // recorded; the rest waits in the outbox.
            heartbeat.beat(loopName, nextWithin: .seconds(60))
            await group.waitForAll()
            await settle(takeFinished(), into: &plan)
            await onChange()
        }
    }

    /// Feeds finished sends to the plan, runs what it says (a plain-text resend, store
    /// writes in one transaction, disabling).
    private func settle(_ results: [Finished], into plan: inout DeliveryPlan) async {
        guard !results.isEmpty else { return }
        var updates: [DeliveryPlan.Update] = []
        var disabled: String?
        var resends: [DeliveryPlan.Batch] = []
        var sent: [Int64: Sent] = [:]
        let at = ContinuousClock.now
        for finished in results {
            let (batch, result) = (finished.batch, finished.result)
            sent.merge(finished.sent) { a, _ in a }
            if Task.isCancelled {
                // A reload cancelled the send: its answer is unknown, the message stays due.
                plan.abandoned(batch)
                continue
            }
            for action in plan.finished(batch, verdict: result.verdict, at: at, unitRandom: random()) {
                switch action {
                case .record(let more): updates += more
                case .disable(let reason): disabled = reason
                case .send(let again):
                    if case .invalidPayload(let reason) = result.verdict {
                        logger.warning(
                            "the endpoint refused the message's form; sending the plain-text version once", metadata: ["reason": "\(reason)"])
                    }
                    resends.append(again)
                case .wait, .stop: break
                }
            }
        }
        for batch in resends {
            // Not paced: the plain-text form replaces the refused send.
            await attempt(batch)
        }
        let wall = now()
        do {
            try await store.record(updates, at: wall)
            report(updates, sent: sent, at: wall)
        } catch is CancellationError {
            // A reload stopped this queue mid-write: nothing was recorded, and the new
            // queue reads the messages as pending (same idempotency keys).
            return
        } catch {
            // The store still lists them as pending: the next read brings them back, and
            // they go out again (same idempotency key).
            // Wait before that re-read: a store that keeps failing (disk full) must not
            // turn into a stream of duplicate sends.
            logger.error("cannot record delivery results; they will be retried", metadata: ["error": "\(error)"])
            outboxChanged.withLock { $0 = true }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(5)) }
        }
        depthOwed.withLock { $0 = true }
        if let disabled {
            logger.error(
                "notifier disabled until reload: the endpoint is gone, forbids us, or redirects (its messages wait in the outbox)",
                metadata: ["error": "\(disabled)"])
            await onDisabled(endpoint.name, disabled)
        }
    }

    /// Reads this notifier's pending messages into the plan (at most `limit`, soonest
    /// first). Returns whether that was all of them.
    private func readOutbox(into plan: inout DeliveryPlan, limit: Int = 5000) async throws -> Bool {
        let entries = try await store.pendingEntries(notifier: endpoint.name, limit: limit)
        let wall = now()
        let digests = endpoint.kind.sink.defaults.digests
        plan.outboxRead(
            entries.map { entry in
                DeliveryPlan.Entry(
                    id: entry.id, attempts: entry.attempts, digestible: digests && entry.isRunAlert,
                    age: .secondsDouble(wall.timeIntervalSince(entry.createdAt)), dueIn: .secondsDouble(entry.nextAttemptAt.timeIntervalSince(wall)))
            }, complete: entries.count < limit, at: .now)
        return entries.count < limit
    }

    private func takeFinished() -> [Finished] {
        finished.withLock { list in
            defer { list = [] }
            return list
        }
    }

    /// Stored as the attempt's reason when the store cannot be read (see the log for why).
    package static let outboxUnreadable = "cannot read the outbox (store error; see the daemon's log)"
    package static let historyUnreadable = "cannot read the run's history (store error; see the daemon's log)"

    /// One send, in a child task; its result goes to the loop.
    private func attempt(_ batch: DeliveryPlan.Batch, _ messages: [OutboxMessage]? = nil) async {
        let outcome = await send(batch, messages)
        finished.withLock { $0.append(outcome) }
        doorbell.ring()
    }

    private func send(_ batch: DeliveryPlan.Batch, _ readAhead: [OutboxMessage]?) async -> Finished {
        var messages = readAhead ?? []
        do {
            if readAhead == nil { messages = try await store.messages(batch.ids) }
        } catch {
            // The reason is stored and shown by the console and /api/v1: fixed words; the
            // store's error (SQL, maybe a path) goes to the log only.
            logger.warning("cannot read the outbox", metadata: ["error": "\(error)"])
            return Finished(
                batch: batch, result: SendResult(verdict: .retry(reason: Self.outboxUnreadable, after: nil), status: nil), sent: [:])
        }
        let sent = Dictionary(
            messages.map { ($0.id, Sent(runID: $0.runID, event: $0.event, createdAt: $0.createdAt)) }, uniquingKeysWith: { a, _ in a })
        guard let first = messages.first else {
            return Finished(batch: batch, result: SendResult(verdict: .dead(reason: "message no longer in the outbox"), status: nil), sent: sent)
        }
        let message: RenderedMessage
        do {
            message = try await render(messages, part: batch.part)
        } catch let error as UnreadableMessage {
            return Finished(batch: batch, result: SendResult(verdict: .dead(reason: error.description), status: nil), sent: sent)
        } catch {
            logger.warning("cannot read the run's history", metadata: ["error": "\(error)"])
            return Finished(
                batch: batch, result: SendResult(verdict: .retry(reason: Self.historyUnreadable, after: nil), status: nil), sent: sent)
        }
        let body = batch.plainText ? message.plainText ?? message.body : message.body
        let result = await send(body, key: first.idempotencyKey)
        activity?.record(.delivery(delivered: result.status.map { (200..<300).contains($0) } ?? false), at: now())
        return Finished(batch: batch, result: result, sent: sent)
    }

    /// Metrics and one log line per run, so `journalctl RUN_ID=…` finds digests too.
    private func report(_ updates: [DeliveryPlan.Update], sent: [Int64: Sent], at wall: Date) {
        func metadata(_ id: Int64) -> Logger.Metadata {
            guard let message = sent[id] else { return ["message_id": "\(id)"] }
            return ["message_id": "\(id)", "run_id": "\(message.runID)", "event": "\(message.event)"]
        }
        for update in updates {
            switch update {
            case .delivered(let id, _):
                count("delivered", 1)
                if let createdAt = sent[id]?.createdAt {
                    latency.recordNanoseconds(Int64(max(0, wall.timeIntervalSince(createdAt)) * 1e9))
                }
                logger.info("notification delivered", metadata: metadata(id))
            case .retry(let id, _, let after, let reason):
                count("retry", 1)
                // Retry-After is a floor, never a reason to retry faster than backoff.
                logger.warning(
                    "notification not accepted; will retry",
                    metadata: metadata(id).merging([
                        "error": "\(reason)", "retry_in": "\(after)",
                    ]) { a, _ in a })
            case .dead(let id, _, let reason, let expired):
                count("dead", 1)
                deadLetters.increment()
                let message =
                    expired
                    ? "notification given up after max_age; kept as a dead letter" : "notification refused by the endpoint; kept as a dead letter"
                logger.error("\(message)", metadata: metadata(id).merging(["error": "\(reason)"]) { a, _ in a })
            case .held:
                count("disabled", 1)
            }
        }
    }

    /// The message for one stored message, or several as one digest, rendered by the
    /// sink now. The same content (and, for an ended run, the same history) renders the
    /// same bytes on every attempt. Rows written before content was stored carry their
    /// rendered body, sent as it is.
    private func render(_ batch: [OutboxMessage], part: DigestPart?) async throws -> RenderedMessage {
        let sink = endpoint.kind.sink
        if batch.count > 1 || part != nil {
            let alerts = batch.compactMap { message -> RunAlert? in
                if message.isContent, case .alert(let alert)? = OutboxContent.decode(message.payload) { return alert }
                return message.alert.flatMap { try? JSONDecoder().decode(RunAlert.self, from: $0) }
            }
            // A digest marks every message it covers delivered: one it cannot show must
            // not be among them. The batch becomes dead letters (kept, with the reason,
            // for `runwatch outbox retry`), never a false "delivered".
            guard alerts.count == batch.count else { throw UnreadableMessage() }
            return sink.renderDigest(alerts, part: part)
        }
        let message = batch[0]
        guard message.isContent else {
            return RenderedMessage(body: message.payload, plainText: sink.plainText(of: message.payload))
        }
        switch OutboxContent.decode(message.payload) {
        case .alert(let alert)?:
            // Read when sent, not when the run ended: the poller need not read it, and
            // an ended run's history does not change any more.
            let history = sink.defaults.carriesHistory ? try await store.transitions(for: [alert.run.id])[alert.run.id] ?? [] : []
            return sink.render(alert, history: history)
        case .transition(let notice)?:
            return sink.render(notice)
        case .suite(let report, let part)?:
            return sink.render(report, part: part)
        case nil:
            throw UnreadableMessage()
        }
    }

    private struct UnreadableMessage: Error, CustomStringConvertible {
        var description: String { "the stored message cannot be read" }
    }

    package func send(_ body: Data, key: String) async -> SendResult {
        await NotificationSender(endpoint: endpoint, http: http, logger: logger, now: now).send(body, key: key)
    }
}
