/// When each of one notifier's outbox messages goes out, with which others, and what an
/// endpoint's answer means for it.
///
/// A value type driven by events, like `PollGate`: the `NotifierQueue` feeds it what the
/// outbox holds and what each send achieved, and runs the actions it returns (the HTTP,
/// the store writes, the waiting). Time is a monotonic instant and randomness a number,
/// both inputs, so every rule is a table test that takes microseconds.
///
/// The rules:
/// - Oldest due message first; at most `maxInFlight` sends at once, and sends start at
///   least `pace` apart.
/// - Digests (sinks that have them, `groupWindow` > 0): the first due alert opens a window
///   of `groupWindow` from when it was recorded; when it closes, every due alert recorded
///   inside it goes out as one message. Nothing else is sent while a window is open, so
///   the order of messages stays the order of events. A digest holds at most
///   `digestLimit` alerts (what one message of the sink can name, every one of them):
///   the rest of the window follows in the next messages, paced like any other, each
///   marked with its `DigestPart`.
/// - A receiver's Retry-After holds every send of the notifier, not only the refused one.
/// - A retryable failure waits the largest of the receiver's Retry-After, a full-jitter
///   backoff on the batch's attempt count and `minimumRetryWait`: Retry-After is a floor,
///   never a reason to retry faster than backoff. A batch (a digest) is retried whole.
/// - A retryable failure more than `maxAge` after a message was recorded makes it dead.
/// - "Your blocks are invalid" gets the plain-text form once; refused again, it is dead.
/// - "Gone" or "forbidden" disables the notifier: that batch stays pending, nothing more
///   is started, and the driver stops once the sends in flight have finished.
///
/// Wall-clock time reaches the plan only as durations measured when a message is read
/// (its age, how long until its stored next attempt), turned into monotonic instants
/// once and kept while the process lives. A wall clock stepped back cannot stall a retry
/// or hold a digest window open; the stored wall time serves restarts and the CLI.
package struct DeliveryPlan: Sendable {
    package typealias Instant = ContinuousClock.Instant

    package struct Settings: Sendable, Equatable {
        /// Alerts recorded within this of the first due one go out as one digest; zero
        /// (or a sink without digests) sends each alone.
        package var groupWindow: Duration
        /// Least time between two send starts.
        package var pace: Duration
        /// A retryable failure this long after the message was recorded makes it dead.
        package var maxAge: Duration
        /// Sends that may be under way at once.
        package var maxInFlight: Int
        package var backoff: BackoffPolicy
        /// No retry sooner than this, whatever Retry-After and the jitter say.
        package var minimumRetryWait: Duration
        /// The most alerts one digest covers (the rest wait for the next): the sink's
        /// `digestCapacity`.
        package var digestLimit: Int

        package init(
            groupWindow: Duration = .zero, pace: Duration = .zero, maxAge: Duration = .seconds(86400), maxInFlight: Int = 1,
            backoff: BackoffPolicy = BackoffPolicy(base: .seconds(1), cap: .seconds(600)),
            minimumRetryWait: Duration = .seconds(1), digestLimit: Int = 500
        ) {
            self.groupWindow = groupWindow
            self.pace = pace
            self.maxAge = maxAge
            self.maxInFlight = max(1, maxInFlight)
            self.backoff = backoff
            self.minimumRetryWait = minimumRetryWait
            self.digestLimit = max(1, digestLimit)
        }
    }

    /// An outbox message as read from the store: no bytes, only what decides when it goes
    /// and with which others.
    package struct Entry: Sendable, Equatable {
        package var id: Int64
        package var attempts: Int
        /// It may share a digest with others (a run alert, for a sink with digests).
        package var digestible: Bool
        /// Wall-clock time since it was recorded, when it was read (negative after a
        /// clock step back counts as zero).
        package var age: Duration
        /// Wall-clock time until its stored next attempt, when it was read (≤ 0: due).
        package var dueIn: Duration

        package init(id: Int64, attempts: Int = 0, digestible: Bool = false, age: Duration = .zero, dueIn: Duration = .zero) {
            self.id = id
            self.attempts = attempts
            self.digestible = digestible
            self.age = age
            self.dueIn = dueIn
        }
    }

    /// Messages sent as one request: one message, or several as a digest.
    package struct Batch: Sendable, Equatable {
        package var ids: [Int64]
        /// Send the plain-text form (the endpoint refused the full one).
        package var plainText: Bool
        /// For a digest of a burst cut at `digestLimit`: which part it is; nil when the
        /// burst fit one message.
        package var part: DigestPart?

        package init(ids: [Int64], plainText: Bool = false, part: DigestPart? = nil) {
            self.ids = ids
            self.plainText = plainText
            self.part = part
        }
    }

    /// A change to one stored message.
    package enum Update: Sendable, Equatable {
        case delivered(id: Int64, attempts: Int)
        /// Not accepted; try again `after` from now.
        case retry(id: Int64, attempts: Int, after: Duration, reason: String)
        /// Given up: refused for good, or still failing after `max_age` (`expired`).
        case dead(id: Int64, attempts: Int, reason: String, expired: Bool)
        /// The notifier was disabled while sending it: pending, due again at once (for
        /// the next start or reload).
        case held(id: Int64, attempts: Int, reason: String)

        package var id: Int64 {
            switch self {
            case .delivered(let id, _), .retry(let id, _, _, _), .dead(let id, _, _, _), .held(let id, _, _): id
            }
        }
    }

    package enum Action: Sendable, Equatable {
        /// Start this send (the plan counts it as in flight until `finished`).
        case send(Batch)
        /// Nothing to start before `until` (nil: until messages arrive or a send finishes).
        case wait(until: Instant?)
        /// Write these to the store.
        case record([Update])
        /// The endpoint is gone or forbids us: report it; no more sends start.
        case disable(reason: String)
        /// Disabled and nothing in flight: the driver's work is done.
        case stop
    }

    private struct Message: Sendable, Equatable {
        var attempts: Int
        var digestible: Bool
        var recordedAt: Instant
        var dueAt: Instant
        var inFlight = false
    }

    /// Where a waiting message stands in line: soonest due first, then oldest id.
    private struct Place: Sendable, Comparable {
        var dueAt: Instant
        var id: Int64

        static func < (a: Place, b: Place) -> Bool { (a.dueAt, a.id) < (b.dueAt, b.id) }
    }

    package private(set) var settings: Settings
    private var messages: [Int64: Message] = [:]
    /// The messages not in flight, in reverse order of `Place` (the next one is last), so
    /// taking the next costs nothing however many wait.
    private var line: [Place] = []
    private var lastStart: Instant?
    /// The end of the endpoint's Retry-After: it asked the whole notifier to wait, not
    /// only the message it refused, so nothing starts before.
    private var heldUntil: Instant?
    package private(set) var inFlight = 0
    package private(set) var disabledReason: String?
    /// The last digest part sent when more of its window was left for the next message
    /// (its number, and the end of its window); nil when the last digest took all of it.
    private var continued: (part: Int, windowEnd: Instant)?

    package init(settings: Settings) {
        self.settings = settings
    }

    /// Messages the plan knows (due, waiting or in flight).
    package var count: Int { messages.count }

    /// Messages not in flight.
    package var waiting: Int { line.count }

    /// When `id` is due again, if the plan knows it (for tests and the console).
    package func dueAt(_ id: Int64) -> Instant? { messages[id]?.dueAt }

    /// The ids next in line (not in flight), soonest first, so a driver can fetch their
    /// bytes in one read instead of one per send.
    package func upcoming(_ limit: Int) -> [Int64] {
        line.suffix(limit).reversed().map(\.id)
    }

    // MARK: Events

    /// What the outbox holds for this notifier now (pending messages, soonest first).
    /// New ones take their times from the stored wall times, once; known ones keep their
    /// monotonic times (a clock step since must not move them); ones the store no longer
    /// lists as pending, and not in flight, are forgotten. With `complete` false the list
    /// was cut at a limit: known messages beyond it are kept.
    package mutating func outboxRead(_ entries: [Entry], complete: Bool = true, at now: Instant) {
        var listed = Set<Int64>()
        var added = false
        for entry in entries {
            listed.insert(entry.id)
            guard messages[entry.id] == nil else { continue }
            let message = Message(
                attempts: entry.attempts, digestible: entry.digestible,
                recordedAt: now - max(.zero, entry.age), dueAt: now + max(.zero, entry.dueIn))
            messages[entry.id] = message
            line.append(Place(dueAt: message.dueAt, id: entry.id))
            added = true
        }
        if complete, messages.count > listed.count {
            messages = messages.filter { listed.contains($0.key) || $0.value.inFlight }
            line.removeAll { messages[$0.id] == nil }
        }
        if added { line.sort(by: >) }
    }

    /// The next thing to do at `now`. Call until it returns `.wait` or `.stop`.
    package mutating func next(at now: Instant) -> Action {
        if disabledReason != nil { return inFlight == 0 ? .stop : .wait(until: nil) }
        guard inFlight < settings.maxInFlight else { return .wait(until: nil) }
        guard let place = line.last, let first = messages[place.id] else { return .wait(until: nil) }
        if first.dueAt > now { return .wait(until: first.dueAt) }
        if let lastStart, lastStart + settings.pace > now { return .wait(until: lastStart + settings.pace) }
        if let heldUntil, heldUntil > now { return .wait(until: heldUntil) }

        var ids = [place.id]
        var part: DigestPart?
        if settings.groupWindow > .zero, first.digestible {
            var windowEnd = first.recordedAt + settings.groupWindow
            // The rest of a cut window is not a new window: it goes at the next pace.
            let continuing = continued.flatMap { first.recordedAt <= $0.windowEnd ? $0 : nil }
            if let continuing { windowEnd = continuing.windowEnd }
            if windowEnd > now { return .wait(until: windowEnd) }
            let window = line.reversed()
                .filter { place in
                    guard let message = messages[place.id] else { return false }
                    return message.digestible && message.dueAt <= now && message.recordedAt <= windowEnd
                }
            ids = window.prefix(settings.digestLimit).map(\.id)
            // The rest of the window stays first in line: the next digest, one pace later.
            let more = window.count > ids.count
            if more || continuing != nil {
                part = DigestPart(number: (continuing?.part ?? 0) + 1, more: more)
            }
            continued = more ? part.map { ($0.number, windowEnd) } : nil
            let taken = Set(ids)
            line.removeAll { taken.contains($0.id) }
        } else {
            line.removeLast()
        }
        for id in ids { messages[id]?.inFlight = true }
        inFlight += 1
        lastStart = now
        return .send(Batch(ids: ids, part: part))
    }

    /// The send of `batch` ended with `verdict`. `unitRandom` in [0, 1) draws the jitter.
    package mutating func finished(_ batch: Batch, verdict: DeliveryVerdict, at now: Instant, unitRandom: Double) -> [Action] {
        let sent = batch.ids.compactMap { id in messages[id].map { (id, $0) } }
        switch verdict {
        case .delivered:
            return [.record(settle(batch) { id, message in .delivered(id: id, attempts: message.attempts + 1) })]

        case .invalidPayload(let reason):
            guard batch.plainText else {
                // Still in flight: the same batch goes again, now as plain text.
                var again = batch
                again.plainText = true
                return [.send(again)]
            }
            return [.record(settle(batch) { id, message in .dead(id: id, attempts: message.attempts + 1, reason: reason, expired: false) })]

        case .dead(let reason):
            return [.record(settle(batch) { id, message in .dead(id: id, attempts: message.attempts + 1, reason: reason, expired: false) })]

        case .retry(let reason, let after):
            // One wait for the whole batch, so a digest that failed is retried as one.
            let attempt = (sent.map(\.1.attempts).max() ?? 0) + 1
            let wait = max(after ?? .zero, settings.backoff.delay(attempt: attempt, unitRandom: unitRandom), settings.minimumRetryWait)
            inFlight -= 1
            if let after { heldUntil = max(heldUntil ?? now + after, now + after) }
            var updates: [Update] = []
            for (id, message) in sent {
                let attempts = message.attempts + 1
                if now - message.recordedAt > settings.maxAge {
                    messages[id] = nil
                    updates.append(.dead(id: id, attempts: attempts, reason: reason, expired: true))
                } else {
                    messages[id] = Message(attempts: attempts, digestible: message.digestible, recordedAt: message.recordedAt, dueAt: now + wait)
                    enqueue(Place(dueAt: now + wait, id: id))
                    updates.append(.retry(id: id, attempts: attempts, after: wait, reason: reason))
                }
            }
            return [.record(updates)]

        case .disable(let reason):
            let updates = settle(batch) { id, message in .held(id: id, attempts: message.attempts + 1, reason: reason) }
            let first = disabledReason == nil
            disabledReason = disabledReason ?? reason
            return first ? [.record(updates), .disable(reason: reason)] : [.record(updates)]
        }
    }

    /// The send of `batch` was abandoned (the queue was cancelled mid-send): nothing
    /// changes for its messages, which are due again at once.
    package mutating func abandoned(_ batch: Batch) {
        inFlight -= 1
        for id in batch.ids {
            guard let message = messages[id] else { continue }
            messages[id]?.inFlight = false
            enqueue(Place(dueAt: message.dueAt, id: id))
        }
    }

    /// Puts a message back in line where it belongs.
    private mutating func enqueue(_ place: Place) {
        // `line` is in descending order: the first index whose place is not after it.
        var low = 0
        var high = line.count
        while low < high {
            let middle = (low + high) / 2
            if line[middle] > place { low = middle + 1 } else { high = middle }
        }
        line.insert(place, at: low)
    }

    /// Ends the batch's flight and forgets its messages (they leave the pending set).
    private mutating func settle(_ batch: Batch, _ update: (Int64, Message) -> Update) -> [Update] {
        inFlight -= 1
        return batch.ids.compactMap { id in
            guard let message = messages.removeValue(forKey: id) else { return nil }
            return update(id, message)
        }
    }
}
