import Foundation
import RunWatchCore

/// Cekura results being expanded into runs.
package protocol ResultLedger: Sendable {
    /// Results still `expanding` whose next read is due at `now`, earliest first.
    func dueResults(at now: Date, limit: Int) async throws -> [ExpandingResult]

    /// When the earliest expanding result is due (nil: none is expanding).
    func nextResultRead() async throws -> Date?

    /// Records one read in one transaction: the runs it found that are new to the store
    /// (with the routing of the result's submission), their membership of the result's
    /// suite and of the result, and the result's progress. Returns the runs to start
    /// watching, like `ingest`. A result no longer in the store (forgotten) records nothing.
    func recordResultRead(_ read: ResultReadRecord) async throws -> Ingested

    /// Every result not yet stable (expanding, gave up or not found), newest first, for
    /// `runwatch status` and `show`.
    func resultsOverview(limit: Int) async throws -> [ResultOverview]

    /// One result, whatever its state, and the runs it was found to have (nil: unknown id).
    func result(_ id: ResultID) async throws -> (ResultOverview, [RunID])?
}

/// A result due for a read, with what is known of it.
package struct ExpandingResult: Sendable, Equatable {
    package var id: ResultID
    package var runCount: Int
    package var stableReads: Int
    package var reads: Int
    package var submittedAt: Date
    package var nextReadAt: Date

    package init(id: ResultID, runCount: Int, stableReads: Int, reads: Int, submittedAt: Date, nextReadAt: Date) {
        self.id = id
        self.runCount = runCount
        self.stableReads = stableReads
        self.reads = reads
        self.submittedAt = submittedAt
        self.nextReadAt = nextReadAt
    }
}

/// One read of a result, decided (`ResultExpansion`), ready to commit.
package struct ResultReadRecord: Sendable, Equatable {
    package var id: ResultID
    package var at: Date
    /// The run ids the read found (all of them, not only the new ones); empty for a failed read.
    package var runIDs: [RunID]
    package var decision: ResultExpansion.Decision

    package init(id: ResultID, at: Date, runIDs: [RunID], decision: ResultExpansion.Decision) {
        self.id = id
        self.at = at
        self.runIDs = runIDs
        self.decision = decision
    }
}

/// A result as `runwatch status` shows it.
package struct ResultOverview: Sendable, Equatable, Codable {
    package var id: ResultID
    package var state: String
    package var runCount: Int
    package var reads: Int
    package var lastError: String?
}
