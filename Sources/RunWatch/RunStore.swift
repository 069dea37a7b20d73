import Foundation
import RunWatchCore

/// The one narrow interface between the daemon and its durable state.
///
/// SQLite (`SQLiteRunStore`) is the embedded default; a shared PostgreSQL for several
/// instances is planned, so nothing outside the store knows SQL. Every method is one
/// transaction: what it returns has been committed.
public protocol RunStore: Sendable {
    /// Adds runs not yet known and merges labels into known ones. Returns the ids that
    /// were new.
    func ingest(_ submission: SpoolSubmission, at: Date) async throws -> [RunID]

    /// Runs that have not ended, with what was last seen of them.
    func activeRuns() async throws -> [RunID: TrackedRun]

    /// Labels and notifier restrictions for these runs, for routing alerts.
    func routing(for ids: [RunID]) async throws -> [RunID: RunRouting]

    /// The recorded transitions of these runs, oldest first.
    func transitions(for ids: [RunID]) async throws -> [RunID: [Transition]]

    /// Records one poll answer — changed states, transitions and the notifications they
    /// cause — in a single transaction, so an alert exists iff its transition does.
    /// Returns the ids no longer in the store (forgotten meanwhile): stop watching them.
    @discardableResult
    func record(_ record: PollRecord) async throws -> Set<RunID>

    /// Deletes runs and everything recorded about them. Returns the ids that existed.
    func forget(_ ids: [RunID]) async throws -> [RunID]

    /// Deletes ended runs (and their history and finished deliveries) that ended before
    /// `cutoff`, except those with deliveries still pending. Returns how many runs went.
    func prune(endedBefore cutoff: Date) async throws -> Int

    /// Remembers the API's state for `runwatch status` (written when it changes).
    func noteAPIState(_ state: String, error: String?, at: Date) async throws

    /// Pending outbox messages per notifier.
    func pendingByNotifier() async throws -> [String: Int]

    /// Remembers that a notifier is disabled (reason) or enabled again (nil).
    func noteNotifier(_ name: String, disabled reason: String?, at: Date) async throws

    /// Outbox messages for `notifier` whose next attempt is due at `now`, oldest first.
    func dueDeliveries(notifier: String, now: Date, limit: Int) async throws -> [OutboxMessage]

    /// When the next undelivered message of `notifier` falls due, if any.
    func nextDeliveryDate(notifier: String) async throws -> Date?

    func markDelivered(_ messageID: Int64, at: Date) async throws
    func markAttemptFailed(_ messageID: Int64, attempts: Int, nextAttemptAt: Date, error: String) async throws
    func markDead(_ messageID: Int64, attempts: Int, error: String, at: Date) async throws

    /// Several messages went out as one (a Slack digest): record the result for all.
    func markDelivered(_ messageIDs: [Int64], at: Date) async throws

    /// Messages not yet delivered (pending and dead), oldest first, for `runwatch outbox`.
    func undelivered(limit: Int) async throws -> [OutboxMessage]

    /// Puts dead letters back in the queue, due now, with a fresh `max_age`. nil: all.
    /// Returns how many.
    func retryDead(_ messageID: Int64?, at: Date) async throws -> Int

    func summary() async throws -> StoreSummary
    func history(of id: RunID) async throws -> RunHistory?
}

public struct RunRouting: Sendable, Equatable {
    public var labels: [String: String]
    /// nil: every notifier whose events match.
    public var notifiers: [String]?

    public init(labels: [String: String] = [:], notifiers: [String]? = nil) {
        self.labels = labels
        self.notifiers = notifiers
    }
}

/// The result of one bulk answer, ready to commit.
public struct PollRecord: Sendable {
    public var at: Date
    /// Every run the request asked about (to notice runs forgotten meanwhile).
    public var polled: [RunID]
    /// Only updates that are news (`RunUpdate.isNews`).
    public var updates: [RunUpdate]
    public var messages: [OutboxDraft]

    public init(at: Date, polled: [RunID] = [], updates: [RunUpdate], messages: [OutboxDraft]) {
        self.at = at
        self.polled = polled
        self.updates = updates
        self.messages = messages
    }
}

/// A notification to enqueue: rendered once, delivered (and retried) byte for byte.
public struct OutboxDraft: Sendable, Equatable {
    public var notifier: String
    public var runID: RunID
    public var event: String
    public var idempotencyKey: String
    public var payload: Data
    /// The structured `RunAlert` (JSON), for Slack digests rendered at send time.
    public var alert: Data?

    public init(notifier: String, runID: RunID, event: String, idempotencyKey: String, payload: Data, alert: Data? = nil) {
        self.notifier = notifier
        self.runID = runID
        self.event = event
        self.idempotencyKey = idempotencyKey
        self.payload = payload
        self.alert = alert
    }
}

public struct OutboxMessage: Sendable, Equatable {
    public var id: Int64
    public var notifier: String
    public var runID: RunID
    public var event: String
    public var idempotencyKey: String
    public var payload: Data
    public var alert: Data?
    public var attempts: Int
    public var createdAt: Date
    public var state: String = "pending"
    public var lastError: String?
}

public struct StoreSummary: Sendable, Equatable, Codable {
    /// Runs by last seen status; runs not yet seen by the API count as `submitted`.
    public var runsByStatus: [String: Int]
    public var active: Int
    public var oldestActiveSubmittedAt: Date?
    public var outboxPending: Int
    public var outboxDead: Int
    public var delivered: Int
    /// What the daemon last said of the API: `ok`, `backing off until …`, `key rejected`.
    public var apiState: String?
    public var lastAPIError: String?
    public var lastAPIErrorAt: Date?
    /// Notifiers the daemon stopped because their endpoint is gone, with the reason.
    public var disabledNotifiers: [String: String] = [:]
}

public struct RunHistory: Sendable, Equatable {
    public struct Delivery: Sendable, Equatable {
        public var notifier: String
        public var event: String
        public var attempts: Int
        public var state: String
        public var lastError: String?
    }

    public var id: RunID
    public var status: String?
    public var success: Bool?
    /// What the API last said of a run that ended badly (nil otherwise).
    public var snapshot: RunSnapshot?
    public var labels: [String: String]
    public var submittedAt: Date
    public var transitions: [Transition]
    public var deliveries: [Delivery]
}
