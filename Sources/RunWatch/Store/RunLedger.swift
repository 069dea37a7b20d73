import Foundation
import RunWatchCore

/// Which runs are watched, what was last seen of them, and every transition.
package protocol RunLedger: Sendable {
    /// Adds runs not yet known and merges labels into known ones. Returns the ids that
    /// were new, and the routing of known runs it changed.
    func ingest(_ submission: SpoolSubmission, at: Date) async throws -> Ingested

    /// Runs that have not ended, with what was last seen of them and their routing.
    func activeRuns() async throws -> [RunID: TrackedRun]

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
}

/// What one spool submission changed: new runs to watch, all routed as the submission
/// says, and known runs whose labels or notifiers it changed.
package struct Ingested: Sendable, Equatable {
    package var newIDs: [RunID]
    package var routing: RunRouting
    package var rerouted: [RunID: RunRouting]

    package init(newIDs: [RunID] = [], routing: RunRouting = RunRouting(), rerouted: [RunID: RunRouting] = [:]) {
        self.newIDs = newIDs
        self.routing = routing
        self.rerouted = rerouted
    }

    package var isEmpty: Bool { newIDs.isEmpty && rerouted.isEmpty }

    /// Several submissions, in order (a later one's routing of a run wins).
    package mutating func append(_ other: Ingested) {
        // New runs of different submissions may be routed differently: keep each run's.
        for (id, routing) in other.rerouted { rerouted[id] = routing }
        if newIDs.isEmpty { routing = other.routing }
        if other.routing == routing {
            newIDs += other.newIDs
        } else {
            for id in other.newIDs { rerouted[id] = other.routing }
            newIDs += other.newIDs
        }
    }
}

/// The result of one bulk answer, ready to commit.
package struct PollRecord: Sendable {
    package var at: Date
    /// Every run the request asked about (to notice runs forgotten meanwhile).
    package var polled: [RunID]
    /// Only updates that are news (`RunUpdate.isNews`).
    package var updates: [RunUpdate]
    package var messages: [OutboxDraft]

    package init(at: Date, polled: [RunID] = [], updates: [RunUpdate], messages: [OutboxDraft]) {
        self.at = at
        self.polled = polled
        self.updates = updates
        self.messages = messages
    }
}

/// A notification to enqueue: rendered once, delivered (and retried) byte for byte.
