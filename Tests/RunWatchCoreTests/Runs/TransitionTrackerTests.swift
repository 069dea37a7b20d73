import Foundation
import RunWatchCore
import Testing

@Suite struct TransitionTrackerTests {
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    struct Case: Sendable, CustomTestStringConvertible {
        var previous: RunState
        var seen: RunStatus
        var success: Bool?
        var transition: Bool
        var outcome: RunOutcome?
        var testDescription: String { "\(previous.status?.rawValue ?? "new") → \(seen) (success \(success.map(String.init) ?? "nil"))" }
    }

    static let cases: [Case] = [
        Case(previous: RunState(), seen: .pending, transition: true, outcome: nil),
        Case(previous: RunState(status: .pending), seen: .pending, transition: false, outcome: nil),
        Case(previous: RunState(status: .pending), seen: .running, transition: true, outcome: nil),
        Case(previous: RunState(status: .running), seen: .evaluating, transition: true, outcome: nil),
        Case(previous: RunState(status: .evaluating), seen: .completed, success: true, transition: true, outcome: .completed),
        Case(previous: RunState(status: .evaluating), seen: .completed, success: false, transition: true, outcome: .unsuccessful),
        Case(previous: RunState(status: .running), seen: .failed, success: false, transition: true, outcome: .failed),
        Case(previous: RunState(status: .pending), seen: .timeout, transition: true, outcome: .timeout),
        Case(previous: RunState(status: .inQueue), seen: .cancelled, transition: true, outcome: .cancelled),
        // First sight already ended: still an outcome, the run ended and nobody was told.
        Case(previous: RunState(), seen: .failed, transition: true, outcome: .failed),
        // Unknown values are transitions but never outcomes.
        Case(previous: RunState(status: .running), seen: .unknown("transcribing"), transition: true, outcome: nil),
        Case(previous: RunState(status: .unknown("transcribing")), seen: .evaluating, transition: true, outcome: nil),
    ]

    /// Status-level only: an ended run is no longer tracked, so these never reach the
    /// outcome rules; they pin that an unchanged status is not a transition.
    static let afterTheEnd: [Case] = [
        Case(previous: RunState(status: .failed), seen: .failed, transition: false, outcome: nil),
        Case(previous: RunState(status: .completed, success: true), seen: .failed, transition: true, outcome: nil),
    ]

    @Test(arguments: cases + afterTheEnd)
    func transition(_ c: Case) {
        let update = TransitionTracker.observe(RunSnapshot(id: 5, status: c.seen, success: c.success), previous: c.previous, at: at)
        #expect(update.current == RunState(status: c.seen, success: c.success))
        if c.transition {
            #expect(update.transition == Transition(runID: 5, from: c.previous.status, to: c.seen, at: at))
        } else {
            #expect(update.transition == nil)
        }
    }

    /// The one definition of "the outcome is decided": `RunTracker`, on the observation
    /// that first shows the end (with `success` known, so no grace applies here).
    @Test(arguments: cases)
    func outcome(_ c: Case) {
        let run = TrackedRun(state: c.previous, submittedAt: at)
        let (_, update) = RunTracker.observe(RunSnapshot(id: 5, status: c.seen, success: c.success), run: run, at: at, policy: WatchPolicy())
        #expect(update.outcome == c.outcome)
        #expect(update.ended == (c.outcome != nil))
    }

    @Test func everyPathThroughTheKnownStatusesEndsWithOneOutcome() {
        // For every ordered pair of known statuses, walking a → b decides an outcome iff a
        // or b is terminal, exactly once: an ended run leaves the watch list.
        for a in RunStatus.known {
            for b in RunStatus.known {
                var outcomes: [RunOutcome] = []
                var run = TrackedRun(submittedAt: at)
                for status in [a, b] {
                    let (next, update) = RunTracker.observe(
                        RunSnapshot(id: 1, status: status, success: true), run: run, at: at, policy: WatchPolicy())
                    if let outcome = update.outcome { outcomes.append(outcome) }
                    if update.ended { break }
                    run = next
                }
                #expect(outcomes.count == ((a.isTerminal || b.isTerminal) ? 1 : 0), "\(a) → \(b)")
            }
        }
    }
}
