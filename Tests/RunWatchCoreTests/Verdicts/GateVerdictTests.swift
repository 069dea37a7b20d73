import Foundation
import RunWatchCore
import Testing

/// The CI gate's decision table: when `runwatch wait` stops and with which exit code.
struct GateVerdictTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    /// A run that ended with `outcome` ("open:<status>" for one still running, "open" for
    /// one not answered yet).
    static func run(_ id: RunID, _ spec: String) -> RunResult {
        if spec == "open" { return RunResult(id: id, submittedAt: t0) }
        if spec.hasPrefix("open:") { return RunResult(id: id, status: RunStatus(rawValue: String(spec.dropFirst(5))), submittedAt: t0) }
        let outcome = RunOutcome(rawValue: spec)!
        let status: RunStatus =
            switch outcome {
            case .completed, .unsuccessful: .completed
            case .failed: .failed
            case .timeout: .timeout
            case .cancelled: .cancelled
            case .notFound: .notFound
            case .expired: .expired
            case .rejected: .rejected
            }
        return RunResult(
            id: id, status: status, success: outcome == .unsuccessful ? false : (outcome == .completed ? true : nil), outcome: outcome,
            submittedAt: t0, endedAt: t0)
    }

    static func reading(
        _ specs: [String], unseen: [RunID] = [], expanding: [ResultID] = [], empty: [ResultID] = [], missing: Bool = false,
        suiteAlone: Bool = false, completed: Bool = false
    )
        -> GateReading
    {
        let runs = specs.enumerated().map { run($0.offset + 1, $0.element) }
        return GateReading(
            groups: [SuiteReport(name: "s", instance: 1, startedAt: t0, completedAt: completed ? t0 : nil, runs: runs)], unseen: unseen,
            expanding: expanding, emptyResults: empty, suiteMissing: missing, awaitsSuiteVerdict: suiteAlone)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var reading: GateReading
        var timedOut: Bool
        /// nil: keep waiting.
        var exit: GateExit?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "all completed with success", reading: reading(["completed", "completed"]), timedOut: false, exit: .passed),
        Case(name: "one still running", reading: reading(["completed", "open:running"]), timedOut: false, exit: nil),
        Case(name: "one not answered yet", reading: reading(["completed", "open"]), timedOut: false, exit: nil),
        Case(name: "evaluating is not ended", reading: reading(["completed", "open:evaluating"]), timedOut: false, exit: nil),
        Case(name: "an unknown status is not ended", reading: reading(["open:transcribing"]), timedOut: false, exit: nil),
        Case(name: "an id not ingested yet", reading: reading(["completed"], unseen: [9]), timedOut: false, exit: nil),
        Case(name: "a result still expanding", reading: reading(["completed"], expanding: [8123]), timedOut: false, exit: nil),
        Case(name: "the suite not in the store yet", reading: reading([], missing: true), timedOut: false, exit: nil),
        // `--suite` alone: the daemon's verdict (completion after the quiet period) settles it.
        Case(
            name: "a suite alone, runs ended but not completed", reading: reading(["completed"], suiteAlone: true), timedOut: false,
            exit: nil),
        Case(
            name: "a suite alone, completed", reading: reading(["completed"], suiteAlone: true, completed: true), timedOut: false,
            exit: .passed),
        Case(
            name: "a suite alone, completed with a regression", reading: reading(["completed", "unsuccessful"], suiteAlone: true, completed: true),
            timedOut: false, exit: .regression),
        Case(
            name: "a suite alone, timed out before completion", reading: reading(["completed"], suiteAlone: true), timedOut: true,
            exit: .timedOut),
        Case(
            name: "runs given with a suite settle without its completion", reading: reading(["completed"]), timedOut: false,
            exit: .passed),
        Case(
            name: "a regression is not judged before every run ended", reading: reading(["unsuccessful", "open:running"]), timedOut: false,
            exit: nil),
        Case(name: "completed unsuccessfully", reading: reading(["completed", "unsuccessful"]), timedOut: false, exit: .regression),
        Case(name: "failed", reading: reading(["completed", "failed"]), timedOut: false, exit: .infrastructure),
        Case(name: "timeout", reading: reading(["timeout"]), timedOut: false, exit: .infrastructure),
        Case(name: "cancelled", reading: reading(["cancelled"]), timedOut: false, exit: .infrastructure),
        Case(name: "not_found", reading: reading(["not_found"]), timedOut: false, exit: .infrastructure),
        Case(name: "expired", reading: reading(["expired"]), timedOut: false, exit: .infrastructure),
        Case(name: "rejected", reading: reading(["rejected"]), timedOut: false, exit: .infrastructure),
        Case(
            name: "regression wins over infrastructure", reading: reading(["failed", "unsuccessful", "timeout"]), timedOut: false,
            exit: .regression),
        Case(name: "timed out with runs open", reading: reading(["completed", "open:running"]), timedOut: true, exit: .timedOut),
        Case(name: "timed out before ingest", reading: reading([], unseen: [1, 2]), timedOut: true, exit: .timedOut),
        Case(name: "timed out while expanding", reading: reading(["completed"], expanding: [5]), timedOut: true, exit: .timedOut),
        Case(
            name: "a known regression is not hidden by the timeout", reading: reading(["unsuccessful", "open:running"]), timedOut: true,
            exit: .regression),
        Case(
            name: "a known infrastructure failure is not hidden by the timeout", reading: reading(["cancelled", "open"]), timedOut: true,
            exit: .infrastructure),
        Case(name: "settled and timed out at once: the verdict", reading: reading(["completed"]), timedOut: true, exit: .passed),
        Case(name: "a result with no runs", reading: reading(["completed"], empty: [77]), timedOut: false, exit: .infrastructure),
        Case(name: "nothing to judge", reading: reading([]), timedOut: false, exit: .infrastructure),
    ]

    @Test(arguments: cases) func decides(_ c: Case) {
        #expect(GateVerdict.judge(c.reading, timedOut: c.timedOut)?.exit == c.exit)
    }

    @Test func exitCodesAreTheDocumentedOnes() {
        #expect(GateExit.allCases.map(\.rawValue) == [0, 1, 2, 3])
    }

    @Test func aRunInTwoGroupsCountsOnce() {
        let shared = Self.run(1, "unsuccessful")
        let reading = GateReading(groups: [
            SuiteReport(name: "a", instance: 1, startedAt: Self.t0, runs: [shared, Self.run(2, "completed")]),
            SuiteReport(name: "b", instance: 2, startedAt: Self.t0, runs: [shared]),
        ])
        #expect(reading.runs.map(\.id) == [1, 2])
        let verdict = GateVerdict.judge(reading, timedOut: false)
        #expect(verdict?.headline == "regression: 1 of 2 passed; 1 unsuccessful")
    }

    @Test func headlineNamesCountsOpenRunsAndEmptyResults() {
        let timedOut = GateVerdict.judge(Self.reading(["completed", "failed", "open:running"]), timedOut: true)
        #expect(timedOut?.headline == "infrastructure: 1 of 3 passed; 1 failed; 1 still open")
        let empty = GateVerdict.judge(Self.reading(["completed"], empty: [42]), timedOut: false)
        #expect(empty?.headline == "infrastructure: 1 of 1 passed; result(s) with no runs: 42")
        #expect(GateVerdict.judge(Self.reading([]), timedOut: false)?.headline == "infrastructure: 0 of 0 passed; nothing to judge (no runs)")
        #expect(
            GateVerdict.judge(Self.reading([], missing: true), timedOut: true)?.headline == "timed out: 0 of 0 passed; the suite is not in the store")
    }

    @Test func progressLineCountsByOutcomeAndStatus() {
        let reading = Self.reading(
            ["completed", "completed", "unsuccessful", "failed", "open:running", "open:running", "open"], unseen: [50], expanding: [7])
        let progress = GateProgress(reading)
        #expect(progress.total == 8)
        #expect(progress.ended == 4)
        #expect(progress.open == 4)
        #expect(
            progress.line(elapsed: .seconds(83))
                == "4/8 ended (2 passed, 1 unsuccessful, 1 failed) · open: 2 running, 1 submitted, 1 not ingested yet · 1 result(s) expanding · 1m23s"
        )
        #expect(GateProgress(Self.reading([])).line(elapsed: .zero) == "0/0 ended (0 passed) · 0s")
    }

    @Test func progressLineEscapesAHostileStatus() {
        let progress = GateProgress(Self.reading(["open:bad\nWATCHDOG=1"]))
        #expect(!progress.line(elapsed: .zero).contains("\n"))
    }

    @Test(arguments: [(0, "0s"), (59, "59s"), (60, "1m00s"), (187, "3m07s"), (3600, "1h00m"), (3720 + 59, "1h02m")])
    func clock(_ seconds: Int, _ text: String) {
        #expect(GateProgress.clock(.seconds(seconds)) == text)
    }
}
