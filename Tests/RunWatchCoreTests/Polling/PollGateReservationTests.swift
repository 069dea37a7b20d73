import Foundation
import RunWatchCore
import Testing

/// Result reads take their start from the poll gate: one budget, one Retry-After, and a
/// waiting reservation is not starved by poll workers.
@Suite struct PollGateReservationTests {
    let t0 = ContinuousClock.now
    static let settings = PollGate.Settings(
        requestsPerSecond: 2, batchSize: 100, backoff: BackoffPolicy(base: .seconds(1), cap: .seconds(60)), keyRejectedRetry: .seconds(300))

    func at(_ seconds: Double) -> ContinuousClock.Instant { t0.addingTimeInterval(seconds) }

    @Test func aReservationIsChargedToTheSameSpacingAsPolls() {
        var gate = PollGate(settings: Self.settings)
        gate.watch(Array(1...300), at: t0)
        #expect(gate.reserve(at: t0) == .granted)
        // 0.55 s between starts, whichever kind of request took the last one.
        #expect(gate.next(at: t0) == .wait(until: at(0.55)))
        #expect(gate.next(at: at(0.55)) == .poll(Array(1...100)))
        #expect(gate.reserve(at: at(0.6)) == .wait(until: at(1.1)))
        #expect(gate.reserve(at: at(1.1)) == .granted)
        #expect(gate.reserve(at: at(1.2)) == .wait(until: at(1.65)))
    }

    @Test func aWaitingReservationGetsTheNextSlotBeforePollWorkers() {
        var gate = PollGate(settings: Self.settings)
        gate.watch(Array(1...300), at: t0)
        #expect(gate.next(at: t0) == .poll(Array(1...100)))
        #expect(gate.reserve(at: at(0.1)) == .wait(until: at(0.55)))
        // A worker waking when the gate opens leaves the slot to the reservation...
        #expect(gate.next(at: at(0.55)) == .wait(until: at(1.1)))
        #expect(gate.reserve(at: at(0.56)) == .granted)
        // ...and polls at the slot after it.
        #expect(gate.next(at: at(1.11)) == .poll(Array(101...200)))
    }

    @Test func anAbandonedClaimHoldsPollsBackOneSpacingAtMost() {
        var gate = PollGate(settings: Self.settings)
        gate.watch(Array(1...300), at: t0)
        #expect(gate.next(at: t0) == .poll(Array(1...100)))
        #expect(gate.reserve(at: at(0.1)) == .wait(until: at(0.55)))
        // The reserving caller never came back (shutdown): polls go on after one spacing.
        #expect(gate.next(at: at(1.1)) == .poll(Array(101...200)))
    }

    @Test func aRateLimitOnAResultReadClosesTheGateForPollsAndReservationsAlike() {
        var gate = PollGate(settings: Self.settings)
        gate.watch(Array(1...10), at: t0)
        #expect(gate.reserve(at: t0) == .granted)
        let action = gate.handle(.rateLimited(retryAfter: .seconds(30)), for: [], at: at(0.2), unitRandom: 0.5)
        #expect(action == .backOff(until: at(30.2), wait: .seconds(30), reason: "rate limited (429)"))
        #expect(gate.next(at: at(10)) == .wait(until: at(30.2)))
        #expect(gate.reserve(at: at(10)) == .wait(until: at(30.2)))
        #expect(gate.condition == .backingOff(until: at(30.2), reason: "rate limited (429)"))
        // The waiting read goes first when the gate opens; the runs kept their place and
        // are polled at the next slot.
        #expect(gate.next(at: at(30.2)) == .wait(until: at(30.75)))
        #expect(gate.reserve(at: at(30.2)) == .granted)
        #expect(gate.next(at: at(30.75)) == .poll(Array(1...10)))
    }

    @Test func aKeyPauseHoldsReservationsToo() {
        var gate = PollGate(settings: Self.settings)
        gate.watch([1], at: t0)
        #expect(gate.next(at: t0) == .poll([1]))
        _ = gate.handle(.keyRejected(status: 401, detail: "Invalid API key."), for: [1], at: at(0.1), unitRandom: 0)
        #expect(gate.reserve(at: at(1)) == .wait(until: at(300.1)))
    }
}
