import Foundation
import RunWatchCore
import Testing

/// The request gate, driven event by event on made-up instants: every rule of spacing,
/// Retry-After, backoff, key rejection and batch halving, without a network or a wait.
@Suite struct PollGateTests {
    let t0 = ContinuousClock.now
    static let settings = PollGate.Settings(
        requestsPerSecond: 2, batchSize: 100, backoff: BackoffPolicy(base: .seconds(1), cap: .seconds(60)),
        keyRejectedRetry: .seconds(300))

    func gate(watching ids: ClosedRange<RunID> = 1...10, settings: PollGate.Settings = Self.settings) -> PollGate {
        var gate = PollGate(settings: settings)
        gate.watch(Array(ids), at: t0)
        return gate
    }

    func at(_ seconds: Double) -> ContinuousClock.Instant { t0.addingTimeInterval(seconds) }

    // MARK: Spacing

    @Test func requestStartsAreSpacedByTheBudgetWithAMargin() {
        var gate = gate(watching: 1...300)
        #expect(gate.next(at: t0) == .poll(Array(1...100)))
        // 2 req/s with a 10% margin: 0.55 s between starts, whatever is due.
        #expect(gate.next(at: t0) == .wait(until: at(0.55)))
        #expect(gate.next(at: at(0.54)) == .wait(until: at(0.55)))
        #expect(gate.next(at: at(0.55)) == .poll(Array(101...200)))
        #expect(gate.next(at: at(1.1)) == .poll(Array(201...300)))
    }

    @Test func nothingDueMeansWaitForTheEarliestRunWithoutChargingTheBudget() {
        var gate = gate(watching: 1...2)
        #expect(gate.next(at: t0) == .poll([1, 2]))
        gate.reschedule(1, after: .seconds(15), at: t0)
        gate.reschedule(2, after: .seconds(5), at: t0)
        #expect(gate.next(at: at(1)) == .wait(until: at(5)))
        // No request was charged while waiting: at 5 s the gate is open at once.
        #expect(gate.next(at: at(5)) == .poll([2]))
    }

    @Test func anEmptyGateWaitsForWork() {
        var gate = PollGate(settings: Self.settings)
        #expect(gate.next(at: t0) == .wait(until: nil))
        gate.watch([7], at: at(3))
        #expect(gate.next(at: at(3)) == .poll([7]))
    }

    // MARK: Answers

    struct Sequence: Sendable, CustomTestStringConvertible {
        var name: String
        var events: [PollGate.Event]
        /// The gate's wait after each event, given unitRandom 0.5 (half the backoff ceiling).
        var waits: [Double?]
        var testDescription: String { name }
    }

    static let sequences: [Sequence] = [
        Sequence(
            name: "a lone 5xx is retried at the next start; a run of them backs off",
            events: [.failed(reason: "HTTP 503"), .failed(reason: "HTTP 502"), .failed(reason: "HTTP 500"), .failed(reason: "HTTP 500")],
            waits: [0, 0.5, 1, 2]),
        Sequence(
            name: "an answer resets the backoff",
            events: [.failed(reason: "HTTP 503"), .failed(reason: "HTTP 503"), .answered, .failed(reason: "HTTP 503")], waits: [0, 0.5, nil, 0]),
        Sequence(name: "429 waits exactly Retry-After", events: [.rateLimited(retryAfter: .seconds(30))], waits: [30]),
        Sequence(
            name: "429 without Retry-After backs off", events: [.rateLimited(retryAfter: nil), .rateLimited(retryAfter: nil)], waits: [0.5, 1]),
        Sequence(
            name: "429 after failures still waits Retry-After", events: [.failed(reason: "timeout"), .rateLimited(retryAfter: .seconds(7))],
            waits: [0, 7]),
        Sequence(
            name: "429 without Retry-After after a failure backs off further", events: [.failed(reason: "timeout"), .rateLimited(retryAfter: nil)],
            waits: [0, 1]),
        Sequence(
            name: "the backoff ceiling is capped", events: Array(repeating: .failed(reason: "HTTP 503"), count: 10),
            waits: [0, 0.5, 1, 2, 4, 8, 16, 30, 30, 30]),
        Sequence(
            name: "a single-id 400 with nothing else answered is a failure",
            events: [.refused(status: 400, detail: "bad"), .refused(status: 400, detail: "bad")],
            waits: [0, 0.5]),
    ]

    @Test(arguments: sequences)
    func answerSequences(_ sequence: Sequence) {
        // A generous budget, so the spacing (11 ms) never hides a wait under test.
        var fast = Self.settings
        fast.requestsPerSecond = 100
        var gate = gate(watching: 1...1, settings: fast)
        var now = t0
        for (event, expected) in zip(sequence.events, sequence.waits) {
            guard case .poll(let batch) = gate.next(at: now) else {
                Issue.record("no request at \(now - t0)")
                return
            }
            let action = gate.handle(event, for: batch, at: now, unitRandom: 0.5)
            if let expected {
                // The first failure backs off the gate; the batch is then polled alone, so
                // the failures after it back off that batch (the only one here) the same way.
                let until: ContinuousClock.Instant
                let wait: Duration
                switch action {
                case .backOff(let u, let w, _), .holdBack(let u, let w, _): (until, wait) = (u, w)
                default:
                    Issue.record("expected a backoff, got \(action)")
                    return
                }
                #expect(wait == .secondsDouble(expected))
                // The gate opens after the wait, and never before the budget's spacing.
                #expect(until == max(now + .secondsDouble(expected), now + fast.spacing))
                // Nothing starts before the wait is over, and the batch is due right then.
                #expect(gate.next(at: until - .milliseconds(1)) == .wait(until: until))
                now = until
            } else {
                #expect(action == .apply)
                #expect(gate.condition == .ok)
                gate.reschedule(1, after: .seconds(1), at: now)
                now = now + .seconds(1)
            }
        }
    }

    @Test func aRefusedBatchKeepsItsPlaceAtTheFront() {
        var gate = gate(watching: 1...250)
        guard case .poll(let batch) = gate.next(at: t0) else {
            Issue.record("no request")
            return
        }
        #expect(batch == Array(1...100))
        _ = gate.handle(.failed(reason: "HTTP 503"), for: batch, at: t0, unitRandom: 1)
        // 1 s later (ceiling 1 s × 1.0) the same runs go first, not 101…200.
        #expect(gate.next(at: at(1)) == .poll(Array(1...100)))
    }

    @Test func aRefusedBatchGoesAheadOfRunsThatFellDueWhileItWasInFlight() {
        var settings = Self.settings
        settings.batchSize = 2
        var gate = gate(watching: 1...2, settings: settings)
        #expect(gate.next(at: t0) == .poll([1, 2]))
        gate.watch([3, 4], at: at(0.5))
        #expect(
            gate.handle(.failed(reason: "HTTP 502"), for: [1, 2], at: at(1), unitRandom: 0.5)
                == .backOff(until: at(1), wait: .zero, reason: "HTTP 502"))
        #expect(gate.next(at: at(1)) == .poll([1, 2]))
        #expect(gate.next(at: at(1.55)) == .poll([3, 4]))
    }

    @Test func aBatchThatAlwaysFailsDoesNotHoldTheOthersBack() {
        // One run the API chokes on: its batch fails every time, the others answer.
        var fast = Self.settings
        fast.requestsPerSecond = 100
        fast.batchSize = 10
        var gate = gate(watching: 1...50, settings: fast)
        var now = t0
        var polled: Set<RunID> = []
        for _ in 0..<60 {
            guard case .poll(let batch) = gate.next(at: now) else {
                if case .wait(let until?) = gate.next(at: now) { now = max(now, until) }
                continue
            }
            polled.formUnion(batch)
            let event: PollGate.Event = batch.contains(1) ? .failed(reason: "HTTP 500") : .answered
            if gate.handle(event, for: batch, at: now, unitRandom: 0.5) == .apply {
                for id in batch { gate.reschedule(id, after: .seconds(1), at: now) }
            }
            now = now + .milliseconds(20)
        }
        #expect(polled == Set(1...50), "every run is asked about despite the failing batch")
    }

    @Test func aReloadDoesNotCutTheServersRetryAfterShortNorTheSpacing() {
        var gate = gate(watching: 1...3)
        guard case .poll(let batch) = gate.next(at: t0) else {
            Issue.record("no request")
            return
        }
        _ = gate.handle(.rateLimited(retryAfter: .seconds(60)), for: batch, at: at(0.1), unitRandom: 0.5)
        gate.reconfigure(Self.settings, at: at(1))
        #expect(gate.next(at: at(1)) == .wait(until: at(60.1)))
        // After a lone 5xx, a reload ends the backoff but not the spacing from the last start.
        var other = self.gate(watching: 1...3)
        guard case .poll(let first) = other.next(at: t0) else {
            Issue.record("no request")
            return
        }
        _ = other.handle(.failed(reason: "HTTP 503"), for: first, at: at(0.05), unitRandom: 0.5)
        _ = other.handle(.failed(reason: "HTTP 503"), for: first, at: at(0.06), unitRandom: 0.9)
        other.reconfigure(Self.settings, at: at(0.1))
        #expect(other.next(at: at(0.1)) == .wait(until: at(0.55)))
    }

    @Test func anAnswerInFlightDuringAPauseDoesNotEndIt() {
        var gate = gate(
            watching: 1...20,
            settings: PollGate.Settings(
                requestsPerSecond: 100, batchSize: 10, backoff: Self.settings.backoff, keyRejectedRetry: .seconds(300)))
        guard case .poll(let a) = gate.next(at: t0), case .poll(let b) = gate.next(at: at(0.02)) else {
            Issue.record("expected two requests")
            return
        }
        #expect(gate.handle(.keyRejected(status: 401, detail: "no"), for: a, at: at(0.1), unitRandom: 0.5) == .pause(until: at(300.1), first: true))
        // The other worker's request, sent before the 401, comes back fine.
        #expect(gate.handle(.answered, for: b, at: at(0.2), unitRandom: 0.5) == .apply)
        #expect(gate.condition == .keyRejected(until: at(300.1)))
        guard case .poll(let again) = gate.next(at: at(300.1)) else {
            Issue.record("no retry")
            return
        }
        #expect(
            gate.handle(.keyRejected(status: 401, detail: "no"), for: again, at: at(300.2), unitRandom: 0.5) == .pause(until: at(600.2), first: false)
        )
    }

    @Test func halvingOutlivesAReloadThatKeepsTheBatchSize() {
        var gate = gate(watching: 1...10)
        guard case .poll(let batch) = gate.next(at: t0) else {
            Issue.record("no request")
            return
        }
        _ = gate.handle(.batchTooBig(status: 414, detail: "URI too long"), for: batch, at: t0, unitRandom: 0.5)
        gate.reconfigure(Self.settings, at: at(1))
        #expect(gate.batchSize == 5)
    }

    @Test func keyRejectionPausesLogsOnceAndAReloadResumesAtOnce() {
        var gate = gate(watching: 1...3)
        guard case .poll(let batch) = gate.next(at: t0) else {
            Issue.record("no request")
            return
        }
        #expect(
            gate.handle(.keyRejected(status: 401, detail: "Invalid API key"), for: batch, at: t0, unitRandom: 0.5)
                == .pause(until: at(300), first: true))
        #expect(gate.condition == .keyRejected(until: at(300)))
        #expect(gate.next(at: at(299)) == .wait(until: at(300)))
        guard case .poll(let again) = gate.next(at: at(300)) else {
            Issue.record("no retry")
            return
        }
        #expect(
            gate.handle(.keyRejected(status: 403, detail: "forbidden"), for: again, at: at(300), unitRandom: 0.5)
                == .pause(until: at(600), first: false))
        // The operator fixed the key and reloaded: tried now, not in 5 minutes.
        gate.reconfigure(Self.settings, at: at(301))
        #expect(gate.condition == .ok)
        #expect(gate.next(at: at(301)) == .poll([1, 2, 3]))
    }

    @Test func tooBigBatchesHalveForGoodAndRetryAtOnce() {
        var gate = gate(watching: 1...100)
        var now = t0
        var sizes: [Int] = []
        // An API that accepts at most 30 ids: 100 → 50 → 25, then answers.
        while case .poll(let batch) = gate.next(at: now) {
            sizes.append(batch.count)
            if batch.count > 30 {
                let action = gate.handle(.batchTooBig(status: 414, detail: "URI too long"), for: batch, at: now, unitRandom: 0.5)
                #expect(action == .halve(to: batch.count / 2))
            } else {
                #expect(gate.handle(.answered, for: batch, at: now, unitRandom: 0.5) == .apply)
                for id in batch { gate.finish(id) }
            }
            now = now + Self.settings.spacing
        }
        #expect(sizes == [100, 50, 25, 25, 25, 25])
        #expect(gate.batchSize == 25)
        #expect(gate.consecutiveFailures == 0, "a refused batch is not a failure of the API")
    }

    @Test func aReloadTakesTheNewBatchSizeAndBudget() {
        var gate = gate(watching: 1...10)
        guard case .poll(let batch) = gate.next(at: t0) else {
            Issue.record("no request")
            return
        }
        _ = gate.handle(.batchTooBig(status: 400, detail: "too many"), for: batch, at: t0, unitRandom: 0.5)
        #expect(gate.batchSize == 5)
        var faster = Self.settings
        faster.requestsPerSecond = 10
        faster.batchSize = 50
        gate.reconfigure(faster, at: at(1))
        // The operator's new batch size is tried (the API may have changed); spacing is new.
        #expect(gate.batchSize == 50)
        #expect(gate.next(at: at(1)) == .poll(Array(1...10)))
        gate.watch([11], at: at(1))
        #expect(gate.next(at: at(1.1)) == .wait(until: at(1.11)))
    }

    @Test func theStoreFailingIsNotTheAPIsFault() {
        var gate = gate(watching: 1...2)
        guard case .poll(let batch) = gate.next(at: t0) else {
            Issue.record("no request")
            return
        }
        #expect(gate.handle(.answered, for: batch, at: t0, unitRandom: 0.5) == .apply)
        gate.retryLater(batch, after: .seconds(15), at: t0)
        #expect(gate.consecutiveFailures == 0)
        #expect(gate.next(at: at(1)) == .wait(until: at(15)))
        #expect(gate.next(at: at(15)) == .poll([1, 2]))
    }

    @Test func aShorterWaitNeverShortensALongerOneInForce() {
        // Two workers: one got a 429 with 60 s, the other a 503 a moment later.
        var gate = gate(
            watching: 1...200,
            settings: PollGate.Settings(
                requestsPerSecond: 100, batchSize: 100, backoff: Self.settings.backoff, keyRejectedRetry: .seconds(300)))
        guard case .poll(let first) = gate.next(at: t0), case .poll(let second) = gate.next(at: at(0.02)) else {
            Issue.record("expected two requests")
            return
        }
        _ = gate.handle(.rateLimited(retryAfter: .seconds(60)), for: first, at: at(0.1), unitRandom: 0.5)
        let action = gate.handle(.failed(reason: "HTTP 503"), for: second, at: at(0.2), unitRandom: 0.5)
        #expect(action == .backOff(until: at(60.1), wait: .zero, reason: "HTTP 503"))
        #expect(gate.next(at: at(30)) == .wait(until: at(60.1)))
    }

    // MARK: Clocks

    @Test func theGateNeverReadsTheWallClock() {
        // Two gates fed the same monotonic instants make the same decisions whatever the
        // wall clock did meanwhile (NTP stepping it back an hour stalls nothing): the gate
        // has no input that could see it. This pins that the API takes only instants.
        var a = gate(watching: 1...50)
        var b = gate(watching: 1...50)
        var now = t0
        for step in 0..<200 {
            let stepA = a.next(at: now)
            #expect(stepA == b.next(at: now))
            if case .poll(let batch) = stepA {
                let event: PollGate.Event = step % 7 == 3 ? .failed(reason: "HTTP 503") : .answered
                #expect(a.handle(event, for: batch, at: now, unitRandom: 0.3) == b.handle(event, for: batch, at: now, unitRandom: 0.3))
                for id in batch {
                    a.reschedule(id, after: .seconds(2), at: now)
                    b.reschedule(id, after: .seconds(2), at: now)
                }
            }
            now = now + .milliseconds(137)
        }
    }

    @Test func aLateWakeUpTakesTheMostOverdueFirst() {
        // A process suspended (or a VM paused) for an hour wakes up: every run is overdue,
        // the most overdue go first, and the spacing still holds from the wake-up on.
        var gate = gate(watching: 1...3)
        guard case .poll(let batch) = gate.next(at: t0) else {
            Issue.record("no request")
            return
        }
        _ = gate.handle(.answered, for: batch, at: t0, unitRandom: 0.5)
        gate.reschedule(3, after: .seconds(5), at: t0)
        gate.reschedule(1, after: .seconds(10), at: t0)
        gate.reschedule(2, after: .seconds(15), at: t0)
        var settings = Self.settings
        settings.batchSize = 1
        gate.reconfigure(settings, at: t0)
        #expect(gate.next(at: at(3600)) == .poll([3]))
        #expect(gate.next(at: at(3600)) == .wait(until: at(3600.55)))
        #expect(gate.next(at: at(3600.55)) == .poll([1]))
    }
}
