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
        // An ended run seen again (should not happen: polling stops) reports nothing new.
        Case(previous: RunState(status: .failed), seen: .failed, transition: false, outcome: nil),
        Case(previous: RunState(status: .completed, success: true), seen: .failed, transition: true, outcome: nil),
    ]

    @Test(arguments: cases)
    func observation(_ c: Case) {
        let update = TransitionTracker.observe(RunSnapshot(id: 5, status: c.seen, success: c.success), previous: c.previous, at: at)
        #expect(update.current == RunState(status: c.seen, success: c.success))
        #expect(update.outcome == c.outcome)
        if c.transition {
            #expect(update.transition == Transition(runID: 5, from: c.previous.status, to: c.seen, at: at))
        } else {
            #expect(update.transition == nil)
        }
    }

    @Test func everyPathThroughTheKnownStatusesEndsWithOneOutcome() {
        // For every ordered pair of known statuses, walking a → b yields an outcome iff b
        // is terminal and a is not, and exactly one along any walk that ends.
        for a in RunStatus.known {
            for b in RunStatus.known {
                let first = TransitionTracker.observe(RunSnapshot(id: 1, status: a), previous: RunState(), at: at)
                let second = TransitionTracker.observe(RunSnapshot(id: 1, status: b), previous: first.current, at: at)
                let outcomes = [first.outcome, second.outcome].compactMap { $0 }
                #expect(outcomes.count == ((a.isTerminal || b.isTerminal) ? 1 : 0), "\(a) → \(b)")
            }
        }
    }
}
