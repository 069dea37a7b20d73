import Foundation
import RunWatchCore

/// What `runwatch wait` (and JUnit, summaries) read: runs by id, suite or result, as
/// `RunResult`s. Read-only; safe from another process while the daemon runs. Every read
/// is one read transaction over primary keys and indexes, cheap enough for dozens of CI
/// jobs each reading every second.
package protocol RunResults: Sendable {
    /// The runs of these ids the store holds (an id it does not hold is left out).
    func runResults(_ ids: [RunID], links: DashboardLinks) async throws -> [RunResult]
    /// An instance of suite `name`: `instance` when given, else the latest (open or not).
    func suiteResults(named name: String, instance: Int64?, links: DashboardLinks) async throws -> SuiteResults?
    /// A result's expansion state and the runs known for it; nil for a result not in the store.
    func resultRuns(_ id: ResultID, links: DashboardLinks) async throws -> ResultRuns?
    /// What one `runwatch wait` follows, in one read transaction (so its verdict never mixes
    /// two moments of the store).
    func waitReading(_ query: WaitQuery, links: DashboardLinks) async throws -> WaitQuery.Answer
}

/// One instance of a suite and its runs.
package struct SuiteResults: Sendable, Equatable {
    package var report: SuiteReport
    /// Results of the instance still being expanded: more runs may join.
    package var expanding: [ResultID]
}

/// A submitted Cekura result and its runs.
package struct ResultRuns: Sendable, Equatable {
    package var id: ResultID
    /// The store's expansion state (`expanding` while the run count is not stable).
    package var state: String
    /// The suite instance its runs join.
    package var suite: Int64?
    package var runs: [RunResult]

    package var expanding: Bool { state == "expanding" }
}

/// What a `runwatch wait` asks the store for.
package struct WaitQuery: Sendable, Equatable {
    package var runIDs: [RunID]
    package var resultIDs: [ResultID]
    package var suite: String?
    /// The suite instance the wait follows once known (see `Answer.suiteInstance`).
    package var suiteInstance: Int64?
    /// When the wait started. With `suite` alone, instances the daemon completed before
    /// then are not followed (they are an earlier night's); nil: any instance.
    package var startedAt: Date?

    package init(
        runIDs: [RunID] = [], resultIDs: [ResultID] = [], suite: String? = nil, suiteInstance: Int64? = nil, startedAt: Date? = nil
    ) {
        self.runIDs = runIDs
        self.resultIDs = resultIDs
        self.suite = suite
        self.suiteInstance = suiteInstance
        self.startedAt = startedAt
    }

    /// `--suite` alone: no ids or results say when the set is whole.
    package var suiteAlone: Bool { suite != nil && runIDs.isEmpty && resultIDs.isEmpty }

    /// Where things stand before any read succeeded: everything asked for is still open.
    package var unread: GateReading {
        GateReading(unseen: runIDs, expanding: resultIDs, suiteMissing: suite != nil, awaitsSuiteVerdict: suiteAlone)
    }

    package struct Answer: Sendable, Equatable {
        package var reading: GateReading
        /// The instance of `suite` read: the pinned one, else the one holding the first
        /// given run id (or result), else (the suite alone) the latest instance that is open
        /// or was completed at or after `startedAt`. The wait pins it for later reads, so
        /// a new instance opened meanwhile (tomorrow's `nightly`) is not followed instead.
        package var suiteInstance: Int64?
    }
}
