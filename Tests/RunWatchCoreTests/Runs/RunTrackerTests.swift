import Foundation
import RunWatchCore
import Testing

@Suite struct RunTrackerTests {
    let t0 = Date(timeIntervalSince1970: 1_784_000_000)
    let policy = WatchPolicy(
        pollInterval: .seconds(15), statusIntervals: ["in_queue": .seconds(60)], successGrace: .seconds(300),
        notFoundAfter: 3, notFoundMinAge: .seconds(600), deadline: .seconds(3600))

    func run(_ status: RunStatus? = nil, success: Bool? = nil, submitted: Double = 0) -> TrackedRun {
        TrackedRun(state: RunState(status: status, success: success), submittedAt: t0.addingTimeInterval(submitted))
    }

    @Test func aTerminalStatusEndsTheRunAtOnce() {
        let (next, update) = RunTracker.observe(RunSnapshot(id: 1, status: .failed), run: run(.running), at: t0, policy: policy)
        #expect(update.ended)
        #expect(update.outcome == .failed)
        #expect(update.transition?.to == .failed)
        #expect(next.state == RunState(status: .failed))
    }

    @Test func completedWithNullSuccessWaitsForTheGraceThenCountsAsCompleted() {
        var tracked = run(.evaluating)
        var (next, update) = RunTracker.observe(RunSnapshot(id: 1, status: .completed), run: tracked, at: t0, policy: policy)
        #expect(!update.ended)
        #expect(update.outcome == nil)
        #expect(update.transition?.to == .completed, "the status change is recorded at once")
        #expect(next.awaitingSuccessSince == t0)
        tracked = next

        (next, update) = RunTracker.observe(RunSnapshot(id: 1, status: .completed), run: tracked, at: t0.addingTimeInterval(299), policy: policy)
        #expect(!update.ended)
        #expect(!update.isNews)
        tracked = next

        (next, update) = RunTracker.observe(RunSnapshot(id: 1, status: .completed), run: tracked, at: t0.addingTimeInterval(300), policy: policy)
        #expect(update.ended)
        #expect(update.outcome == .completed)
        #expect(update.transition == nil)
        #expect(update.isNews)
    }

    @Test func successSettlingToFalseDuringTheGraceAlerts() {
        let (first, _) = RunTracker.observe(RunSnapshot(id: 1, status: .completed), run: run(.evaluating), at: t0, policy: policy)
        let (_, update) = RunTracker.observe(
            RunSnapshot(id: 1, status: .completed, success: false), run: first, at: t0.addingTimeInterval(20), policy: policy)
        #expect(update.ended)
        #expect(update.outcome == .unsuccessful)
        #expect(update.transition == nil)
        #expect(update.isNews)
    }

    @Test func unknownStatusesAreNeverTerminal() {
        let (_, update) = RunTracker.observe(RunSnapshot(id: 1, status: .unknown("transcribing")), run: run(.running), at: t0, policy: policy)
        #expect(!update.ended)
        #expect(update.outcome == nil)
        #expect(update.transition?.to == .unknown("transcribing"))
    }

    @Test func aRunMissingFromEnoughAnswersAndOldEnoughEndsAsNotFound() {
        var tracked = run(.running, submitted: -700)
        for expectedMisses in 1...2 {
            let (next, update) = RunTracker.absent(1, run: tracked, at: t0, policy: policy)
            #expect(update == nil)
            #expect(next.misses == expectedMisses)
            tracked = next
        }
        let (_, update) = RunTracker.absent(1, run: tracked, at: t0, policy: policy)
        #expect(update?.ended == true)
        #expect(update?.outcome == .notFound)
        #expect(update?.transition == Transition(runID: 1, from: .running, to: .notFound, at: t0))
    }

    @Test func aYoungRunIsNeverNotFound() {
        var tracked = run(nil, submitted: -60)
        for _ in 0..<50 {
            let (next, update) = RunTracker.absent(1, run: tracked, at: t0, policy: policy)
            #expect(update == nil)
            tracked = next
        }
    }

    @Test func beingSeenResetsTheMissCount() {
        let (missed, _) = RunTracker.absent(1, run: run(.running, submitted: -700), at: t0, policy: policy)
        let (seen, _) = RunTracker.observe(RunSnapshot(id: 1, status: .running), run: missed, at: t0, policy: policy)
        #expect(seen.misses == 0)
    }

    @Test func aRunPastItsDeadlineExpires() {
        let old = run(.inQueue, submitted: -3600)
        let (_, update) = RunTracker.observe(RunSnapshot(id: 1, status: .inQueue), run: old, at: t0, policy: policy)
        #expect(update.ended)
        #expect(update.outcome == .expired)
        #expect(update.current.status == .expired)
        let (_, absent) = RunTracker.absent(1, run: run(nil, submitted: -3601), at: t0, policy: policy)
        #expect(absent?.outcome == .expired)
        // A run that ends at the deadline ends as what it is, not expired.
        let (_, ending) = RunTracker.observe(RunSnapshot(id: 1, status: .timeout), run: old, at: t0, policy: policy)
        #expect(ending.outcome == .timeout)
    }

    @Test func perStatusCadence() {
        #expect(policy.interval(for: .inQueue) == .seconds(60))
        #expect(policy.interval(for: .running) == .seconds(15))
        #expect(policy.interval(for: nil) == .seconds(15))
    }

    @Test(arguments: [
        (100, 100, 1.0, 15.0, 15.0),
        (2000, 100, 2.0, 15.0, 15.0),
        (2000, 100, 1.0, 15.0, 20.0),
        (100_000, 100, 2.0, 15.0, 500.0),
        (101, 100, 0.1, 15.0, 20.0),
        (0, 100, 1.0, 15.0, 15.0),
    ])
    func sweepPeriodStretchesOnlyWhenTheBudgetIsShort(active: Int, batch: Int, rps: Double, interval: Double, expected: Double) {
        #expect(
            SweepBudget.effectivePeriod(active: active, batchSize: batch, requestsPerSecond: rps, pollInterval: .secondsDouble(interval))
                == .secondsDouble(expected))
    }

    @Test func localEndsAreStoredButNeverReadFromTheAPI() {
        #expect(RunStatus(stored: "not_found") == .notFound)
        #expect(RunStatus(stored: "expired") == .expired)
        #expect(RunStatus(rawValue: "expired") == .unknown("expired"))
        #expect(RunStatus.notFound.isTerminal && !RunStatus.notFound.isKnown)
        #expect(RunOutcome.notFound.eventType == "run.not_found")
        #expect(RunOutcome(terminal: .expired, success: nil) == .expired)
        #expect(RunStatus(stored: "rejected") == .rejected)
        #expect(RunStatus(rawValue: "rejected") == .unknown("rejected"))
        #expect(RunOutcome.rejected.eventType == "run.rejected" && RunOutcome.rejected.isFailure)
    }

    @Test func aRunTheAPIRefusesEndsAsRejectedWithItsReason() {
        let (next, update) = RunTracker.reject(1, run: run(.running, submitted: -60), reason: "the API refused it", at: t0)
        #expect(update.ended)
        #expect(update.outcome == .rejected)
        #expect(update.transition == Transition(runID: 1, from: .running, to: .rejected, at: t0))
        #expect(update.snapshot.errorMessage == "the API refused it")
        #expect(next.state.status == .rejected)
    }
}
