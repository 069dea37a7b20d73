import Foundation

/// What `runwatch wait` knows at one read of the store: the runs it follows, grouped into
/// suite reports (a run in several groups counts once), and what it is still waiting to
/// see before it can judge.
package struct GateReading: Sendable, Equatable {
    /// The runs by group: the `--suite` instance, each `--result`'s suite, and the ids given
    /// without a suite (see `GateReading.looseGroupName`).
    package var groups: [SuiteReport]
    /// Run ids asked for that the store does not hold yet (the daemon has not ingested them).
    package var unseen: [RunID]
    /// Results still being expanded into their runs (their run count is not stable yet).
    package var expanding: [ResultID]
    /// Results whose expansion is over without a single run: nothing can be judged for
    /// them, which counts against the gate like an infrastructure failure.
    package var emptyResults: [ResultID]
    /// `--suite` named a suite the store does not hold (yet).
    package var suiteMissing: Bool
    /// The wait follows `--suite` alone: no run ids or results of its own say when the set
    /// is whole (a suite may come in several files), so only the daemon's verdict (the
    /// instance's `completedAt`, after its quiet period) settles it.
    package var awaitsSuiteVerdict: Bool

    package init(
        groups: [SuiteReport] = [], unseen: [RunID] = [], expanding: [ResultID] = [], emptyResults: [ResultID] = [], suiteMissing: Bool = false,
        awaitsSuiteVerdict: Bool = false
    ) {
        self.groups = groups
        self.unseen = unseen
        self.expanding = expanding
        self.emptyResults = emptyResults
        self.suiteMissing = suiteMissing
        self.awaitsSuiteVerdict = awaitsSuiteVerdict
    }

    /// The name of the group of run ids given without `--suite` (JUnit's classname for them).
    package static let looseGroupName = "runwatch-wait"

    /// Every run once, by id.
    package var runs: [RunResult] {
        var seen: Set<RunID> = []
        return groups.flatMap(\.runs).filter { seen.insert($0.id).inserted }.sorted { $0.id < $1.id }
    }

    /// True when nothing more can change the verdict: every run ended, every id is in the
    /// store, every result expanded, the suite found (and, followed alone, completed).
    package var settled: Bool {
        unseen.isEmpty && expanding.isEmpty && !suiteMissing && !suiteIncomplete && groups.allSatisfy { $0.runs.allSatisfy(\.ended) }
    }

    /// A suite followed alone that the daemon has not completed yet: more runs may join it.
    package var suiteIncomplete: Bool {
        awaitsSuiteVerdict && groups.contains { $0.completedAt == nil }
    }
}
