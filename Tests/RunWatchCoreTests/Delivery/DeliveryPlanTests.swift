import Foundation
import RunWatchCore
import Testing

/// The delivery plan's rules as timelines: instants are an origin plus seconds, answers
/// are verdicts, nothing waits.
@Suite struct DeliveryPlanTests {
    let t0 = ContinuousClock.now
    typealias Plan = DeliveryPlan

    func at(_ seconds: Double) -> ContinuousClock.Instant { t0.addingTimeInterval(seconds) }

    func plan(_ settings: Plan.Settings, _ entries: [Plan.Entry], at seconds: Double = 0) -> Plan {
        var plan = Plan(settings: settings)
        plan.outboxRead(entries, at: at(seconds))
        return plan
    }

    /// Every action `next` returns at `seconds`, up to the first wait or stop.
    func drain(_ plan: inout Plan, at seconds: Double) -> [Plan.Action] {
        var actions: [Plan.Action] = []
        while true {
            let action = plan.next(at: at(seconds))
            actions.append(action)
            if case .send = action { continue }
            return actions
        }
    }

    static let retry = DeliveryVerdict.retry(reason: "HTTP 503", after: nil)

    // MARK: Order, in flight, pacing

    @Test func oldestDueFirstAndAtMostMaxInFlight() {
        var plan = plan(.init(maxInFlight: 2), [.init(id: 3), .init(id: 1), .init(id: 2, dueIn: .seconds(5))])
        #expect(drain(&plan, at: 0) == [.send(.init(ids: [1])), .send(.init(ids: [3])), .wait(until: nil)])
        #expect(plan.inFlight == 2)
        #expect(plan.finished(.init(ids: [1]), verdict: .delivered, at: at(0.1), unitRandom: 0) == [.record([.delivered(id: 1, attempts: 1)])])
        #expect(drain(&plan, at: 0.1) == [.wait(until: at(5))], "a slot is free, but 2 is not due yet")
        #expect(drain(&plan, at: 5) == [.send(.init(ids: [2])), .wait(until: nil)])
    }

    @Test(arguments: [
        // (pace, asked at, expected after the first send)
        (1.0, 0.0, "wait 1.0"),
        (1.0, 0.4, "wait 1.0"),
        (1.0, 1.0, "send"),
        (0.0, 0.0, "send"),
    ])
    func sendsStartAtLeastPaceApart(pace: Double, asked: Double, expected: String) {
        var plan = plan(.init(pace: .secondsDouble(pace), maxInFlight: 4), [.init(id: 1), .init(id: 2)])
        #expect(plan.next(at: at(0)) == .send(.init(ids: [1])))
        let action = plan.next(at: at(asked))
        switch expected {
        case "send": #expect(action == .send(.init(ids: [2])))
        default: #expect(action == .wait(until: at(pace)))
        }
    }

    @Test func aReceiversRetryAfterHoldsEveryMessageNotOnlyTheRefusedOne() {
        var plan = plan(.init(maxInFlight: 4), [.init(id: 1), .init(id: 2), .init(id: 3)])
        #expect(plan.next(at: at(0)) == .send(.init(ids: [1])))
        _ = plan.finished(.init(ids: [1]), verdict: .retry(reason: "HTTP 429", after: .seconds(30)), at: at(0.1), unitRandom: 0)
        // 2 and 3 are due, slots are free, but the receiver asked the notifier to wait.
        #expect(plan.next(at: at(1)) == .wait(until: at(30.1)))
        #expect(plan.next(at: at(30.1)) == .send(.init(ids: [2])))
    }

    @Test func nothingKnownMeansWaitForNews() {
        var plan = Plan(settings: .init())
        #expect(plan.next(at: at(0)) == .wait(until: nil))
    }

    // MARK: Digest windows

    @Test func theFirstAlertOpensAWindowAndEveryAlertInsideItGoesInOneDigest() {
        let settings = Plan.Settings(groupWindow: .seconds(10), pace: .seconds(1))
        // Read at 0: alert 1 was recorded 2 s ago, so its window closes at 8.
        var plan = plan(settings, [.init(id: 1, digestible: true, age: .seconds(2)), .init(id: 2, digestible: true, age: .seconds(1))])
        #expect(drain(&plan, at: 0) == [.wait(until: at(8))])
        plan.outboxRead(
            [
                .init(id: 1, digestible: true), .init(id: 2, digestible: true),
                .init(id: 3, digestible: true), .init(id: 4, digestible: true),
            ], at: at(5))
        #expect(drain(&plan, at: 7.9) == [.wait(until: at(8))], "new alerts do not cut the window short")
        #expect(drain(&plan, at: 8) == [.send(.init(ids: [1, 2, 3, 4])), .wait(until: nil)])
        // 5 is recorded while the digest is in flight: it opens the next window.
        plan.outboxRead([.init(id: 1), .init(id: 2), .init(id: 3), .init(id: 4), .init(id: 5, digestible: true)], at: at(8.5))
        #expect(
            plan.finished(.init(ids: [1, 2, 3, 4]), verdict: .delivered, at: at(8.6), unitRandom: 0) == [
                .record((1...4).map { .delivered(id: $0, attempts: 1) })
            ])
        #expect(drain(&plan, at: 8.6) == [.wait(until: at(9))], "paced")
        #expect(drain(&plan, at: 9) == [.wait(until: at(18.5))])
        #expect(drain(&plan, at: 18.5) == [.send(.init(ids: [5])), .wait(until: nil)], "alone in its window: sent alone")
    }

    @Test func noDigestsWithAZeroWindowOrForMessagesThatAreNotAlerts() {
        var off = plan(.init(groupWindow: .zero, maxInFlight: 1), [.init(id: 1, digestible: true), .init(id: 2, digestible: true)])
        #expect(off.next(at: at(0)) == .send(.init(ids: [1])))
        var notice = plan(.init(groupWindow: .seconds(10)), [.init(id: 1), .init(id: 2, digestible: true)])
        #expect(notice.next(at: at(0)) == .send(.init(ids: [1])), "a transition notice goes alone, at once")
    }

    @Test func aDigestIsCappedAndTheRestFollowsNumbered() {
        let entries = (1...7).map { Plan.Entry(id: Int64($0), digestible: true, age: .seconds(20)) }
        var plan = plan(.init(groupWindow: .seconds(10), digestLimit: 5), entries)
        #expect(plan.next(at: at(0)) == .send(.init(ids: [1, 2, 3, 4, 5], part: DigestPart(number: 1, more: true))))
        _ = plan.finished(.init(ids: [1, 2, 3, 4, 5]), verdict: .delivered, at: at(0.1), unitRandom: 0)
        #expect(plan.next(at: at(0.1)) == .send(.init(ids: [6, 7], part: DigestPart(number: 2, more: false))))
        _ = plan.finished(.init(ids: [6, 7]), verdict: .delivered, at: at(0.2), unitRandom: 0)
        // The next burst fits one message: no part.
        plan.outboxRead([.init(id: 8, digestible: true, age: .seconds(20)), .init(id: 9, digestible: true, age: .seconds(20))], at: at(1))
        #expect(plan.next(at: at(1)) == .send(.init(ids: [8, 9])))
    }

    @Test func aNewWindowAfterACutOneIsNotNumberedAsItsPart() {
        let entries = (1...3).map { Plan.Entry(id: Int64($0), digestible: true, age: .seconds(20)) }
        var plan = plan(.init(groupWindow: .seconds(10), digestLimit: 2), entries)
        #expect(plan.next(at: at(0)) == .send(.init(ids: [1, 2], part: DigestPart(number: 1, more: true))))
        _ = plan.finished(.init(ids: [1, 2]), verdict: .delivered, at: at(0.1), unitRandom: 0)
        // 3 left the outbox meanwhile (`runwatch forget`); 4 and 5 end later, in a window of their own.
        plan.outboxRead([.init(id: 4, digestible: true), .init(id: 5, digestible: true)], at: at(30))
        #expect(plan.next(at: at(30)) == .wait(until: at(40)))
        #expect(plan.next(at: at(40)) == .send(.init(ids: [4, 5])))
    }

    /// A burst sent with Slack's pace: the messages together list every alert exactly
    /// once, none holds more than the limit, the parts are numbered in order with "more"
    /// on all but the last, and sends start at least the pace apart.
    @Test(arguments: [
        (88, 147), (500, 147), (147, 147), (148, 147), (1, 147), (10, 3), (500, SlackDigest.capacity),
    ])
    func aBurstIsCutIntoMessagesThatListEachAlertOnce(burst: Int, limit: Int) {
        // Recorded over the first 9 s of the window, oldest first (the last just before it closes).
        let entries = (1...burst).map { Plan.Entry(id: Int64($0), digestible: true, age: .seconds(9 - 9 * Double($0) / Double(burst))) }
        var plan = plan(.init(groupWindow: .seconds(10), pace: .seconds(1), digestLimit: limit), entries)
        var clock = 0.0
        var batches: [(at: Double, batch: Plan.Batch)] = []
        var steps = 0
        while plan.count > 0, batches.count <= burst, steps < 10 * burst + 10 {
            steps += 1
            switch plan.next(at: at(clock)) {
            case .send(let batch):
                batches.append((clock, batch))
                _ = plan.finished(batch, verdict: .delivered, at: at(clock + 0.05), unitRandom: 0)
                clock += 0.05
            case .wait(let until?):
                // Just past the instant: a Double cannot always name it exactly.
                let offset = until - t0
                clock = Double(offset.components.seconds) + Double(offset.components.attoseconds) / 1e18 + 1e-6
            default:
                Issue.record("the plan stalled")
                return
            }
        }
        let sent = batches.flatMap(\.batch.ids)
        #expect(sent.sorted() == (1...Int64(burst)).map { $0 }, "every alert exactly once")
        #expect(batches.allSatisfy { $0.batch.ids.count <= limit })
        let expected = (burst + limit - 1) / limit
        #expect(batches.count == expected)
        if expected > 1 {
            #expect(batches.map { $0.batch.part?.number } == (1...expected).map { $0 })
            #expect(batches.map { $0.batch.part?.more } == (1...expected).map { $0 < expected })
        } else {
            #expect(batches.allSatisfy { $0.batch.part == nil })
        }
        for (earlier, later) in zip(batches, batches.dropFirst()) {
            // The rest of a cut window goes one pace later: it does not open a window of its own.
            #expect(later.at - earlier.at >= 0.999 && later.at - earlier.at < 1.01, "paced: \(earlier.at) → \(later.at)")
        }
    }

    @Test func aFailedDigestIsRetriedWhole() {
        var plan = plan(
            .init(groupWindow: .seconds(10)),
            [
                .init(id: 1, attempts: 2, digestible: true, age: .seconds(30)), .init(id: 2, digestible: true, age: .seconds(30)),
            ])
        #expect(plan.next(at: at(0)) == .send(.init(ids: [1, 2])))
        // Attempt 3 for the batch (its most tried message): ceiling 4 s, half of it.
        #expect(
            plan.finished(.init(ids: [1, 2]), verdict: Self.retry, at: at(1), unitRandom: 0.5) == [
                .record([
                    .retry(id: 1, attempts: 3, after: .seconds(2), reason: "HTTP 503"),
                    .retry(id: 2, attempts: 1, after: .seconds(2), reason: "HTTP 503"),
                ])
            ])
        #expect(plan.next(at: at(2.9)) == .wait(until: at(3)))
        #expect(plan.next(at: at(3)) == .send(.init(ids: [1, 2])))
    }

    // MARK: Retry waits

    @Test(
        arguments: [
            // (attempts before, Retry-After, random, expected wait in seconds)
            (0, nil, 0.0, 1.0),  // backoff 0 → the 1 s floor
            (0, nil, 0.9, 1.0),  // ceiling 1 s × 0.9 < 1 s floor
            (3, nil, 0.5, 4.0),  // attempt 4: ceiling 8 s
            (3, 0.0, 0.5, 4.0),  // Retry-After: 0 cannot make it retry faster than backoff
            (0, 30.0, 0.5, 30.0),  // Retry-After is a floor
            (3, 2.0, 0.75, 6.0),  // backoff longer than Retry-After wins
            (20, nil, 1.0, 600.0),  // capped at 10 min
        ] as [(Int, Double?, Double, Double)])
    func retryWaitIsTheLargestOfRetryAfterBackoffAndOneSecond(attempts: Int, retryAfter: Double?, random: Double, wait: Double) {
        var plan = plan(.init(), [.init(id: 1, attempts: attempts)])
        #expect(plan.next(at: at(0)) == .send(.init(ids: [1])))
        let verdict = DeliveryVerdict.retry(reason: "HTTP 429", after: retryAfter.map(Duration.secondsDouble))
        #expect(
            plan.finished(.init(ids: [1]), verdict: verdict, at: at(0.5), unitRandom: random) == [
                .record([.retry(id: 1, attempts: attempts + 1, after: .secondsDouble(wait), reason: "HTTP 429")])
            ])
        #expect(plan.dueAt(1) == at(0.5 + wait))
        #expect(plan.next(at: at(0.5 + wait - 0.001)) == .wait(until: at(0.5 + wait)))
        #expect(plan.next(at: at(0.5 + wait)) == .send(.init(ids: [1])))
    }

    @Test func aStoredNextAttemptIsHonouredAfterARestart() {
        var plan = plan(.init(), [.init(id: 1, attempts: 4, dueIn: .seconds(12))])
        #expect(plan.next(at: at(0)) == .wait(until: at(12)))
    }

    // MARK: max_age

    @Test(arguments: [(3599.0, false), (3600.5, true)])
    func aRetryableFailureAfterMaxAgeIsADeadLetter(age: Double, dead: Bool) {
        var plan = plan(.init(maxAge: .seconds(3600)), [.init(id: 1, attempts: 9, age: .secondsDouble(age))])
        #expect(plan.next(at: at(0)) == .send(.init(ids: [1])))
        let actions = plan.finished(.init(ids: [1]), verdict: Self.retry, at: at(0), unitRandom: 0)
        if dead {
            #expect(actions == [.record([.dead(id: 1, attempts: 10, reason: "HTTP 503", expired: true)])])
            #expect(plan.count == 0)
        } else {
            guard case .record(let updates) = actions.first, case .retry = updates.first else {
                Issue.record("expected a retry, got \(actions)")
                return
            }
        }
    }

    @Test func maxAgeCountsOnTheMonotonicClockOnceRead() {
        var plan = plan(.init(maxAge: .seconds(60)), [.init(id: 1, age: .seconds(50))])
        #expect(plan.next(at: at(0)) == .send(.init(ids: [1])))
        _ = plan.finished(.init(ids: [1]), verdict: Self.retry, at: at(1), unitRandom: 0)
        // The wall clock stepped back an hour: the stored age looks negative now.
        plan.outboxRead([.init(id: 1, attempts: 1, age: .seconds(-3549), dueIn: .seconds(3601))], at: at(1.5))
        #expect(plan.next(at: at(2)) == .send(.init(ids: [1])), "the retry is due on the monotonic clock")
        #expect(
            plan.finished(.init(ids: [1]), verdict: Self.retry, at: at(11), unitRandom: 0) == [
                .record([.dead(id: 1, attempts: 2, reason: "HTTP 503", expired: true)])
            ])
    }

    // MARK: Refusals, disable

    @Test func invalidBlocksGetThePlainTextOnceThenADeadLetter() {
        var plan = plan(.init(), [.init(id: 1)])
        #expect(plan.next(at: at(0)) == .send(.init(ids: [1])))
        let refused = DeliveryVerdict.invalidPayload(reason: "HTTP 400: invalid_blocks")
        #expect(plan.finished(.init(ids: [1]), verdict: refused, at: at(0.1), unitRandom: 0) == [.send(.init(ids: [1], plainText: true))])
        #expect(plan.inFlight == 1, "the plain-text send replaces the refused one")
        #expect(
            plan.finished(.init(ids: [1], plainText: true), verdict: refused, at: at(0.2), unitRandom: 0) == [
                .record([.dead(id: 1, attempts: 1, reason: "HTTP 400: invalid_blocks", expired: false)])
            ])
    }

    @Test func aRefusalIsADeadLetterAtOnce() {
        var plan = plan(.init(), [.init(id: 1)])
        _ = plan.next(at: at(0))
        #expect(
            plan.finished(.init(ids: [1]), verdict: .dead(reason: "HTTP 422"), at: at(0), unitRandom: 0) == [
                .record([.dead(id: 1, attempts: 1, reason: "HTTP 422", expired: false)])
            ])
        #expect(plan.next(at: at(0)) == .wait(until: nil))
    }

    @Test func goneDisablesTheNotifierAfterTheSendsInFlight() {
        var plan = plan(.init(maxInFlight: 2), [.init(id: 1), .init(id: 2), .init(id: 3)])
        #expect(drain(&plan, at: 0) == [.send(.init(ids: [1])), .send(.init(ids: [2])), .wait(until: nil)])
        #expect(
            plan.finished(.init(ids: [1]), verdict: .disable(reason: "HTTP 410"), at: at(0.1), unitRandom: 0) == [
                .record([.held(id: 1, attempts: 1, reason: "HTTP 410")]), .disable(reason: "HTTP 410"),
            ])
        #expect(plan.next(at: at(0.1)) == .wait(until: nil), "2 is still in flight")
        #expect(plan.finished(.init(ids: [2]), verdict: .delivered, at: at(0.2), unitRandom: 0) == [.record([.delivered(id: 2, attempts: 1)])])
        #expect(plan.next(at: at(0.2)) == .stop, "3 waits in the outbox for a reload")
    }

    // MARK: Reads of the outbox, clock steps

    @Test func knownMessagesKeepTheirMonotonicTimesWhenTheWallClockStepsBack() {
        var plan = plan(.init(), [.init(id: 1)])
        _ = plan.next(at: at(0))
        _ = plan.finished(.init(ids: [1]), verdict: Self.retry, at: at(0), unitRandom: 0)  // due at 1
        // NTP stepped the wall clock back an hour: the stored next attempt looks an hour
        // away. The plan keeps its own deadline.
        plan.outboxRead([.init(id: 1, attempts: 1, dueIn: .seconds(3601))], at: at(0.5))
        #expect(plan.next(at: at(0.5)) == .wait(until: at(1)))
        #expect(plan.next(at: at(1)) == .send(.init(ids: [1])))
    }

    @Test func aWallClockStepForwardDoesNotExpireOrRushKnownMessages() {
        var plan = plan(.init(maxAge: .seconds(600)), [.init(id: 1, digestible: true)])
        plan.outboxRead([.init(id: 1, digestible: true, age: .seconds(7200))], at: at(1))
        var digests = Plan(settings: .init(groupWindow: .seconds(10)))
        digests.outboxRead([.init(id: 1, digestible: true)], at: at(0))
        digests.outboxRead([.init(id: 1, digestible: true, age: .seconds(7200))], at: at(1))
        #expect(digests.next(at: at(1)) == .wait(until: at(10)), "the window is where it was")
        _ = plan.next(at: at(1))
        guard case .record(let updates) = plan.finished(.init(ids: [1]), verdict: Self.retry, at: at(2), unitRandom: 0).first,
            case .retry = updates.first
        else {
            Issue.record("a wall step forward must not make a 2-second-old message dead")
            return
        }
    }

    @Test func messagesTheStoreNoLongerListsAreForgottenUnlessInFlight() {
        var plan = plan(.init(maxInFlight: 2), [.init(id: 1), .init(id: 2), .init(id: 3, dueIn: .seconds(60))])
        _ = plan.next(at: at(0))  // 1 in flight
        plan.outboxRead([.init(id: 2)], at: at(1))
        #expect(plan.count == 2, "1 is in flight, 2 is listed, 3 is gone (e.g. forgotten)")
        plan.outboxRead([], complete: false, at: at(2))
        #expect(plan.count == 2, "a read cut at its limit forgets nothing")
    }

    @Test func anAbandonedSendIsDueAgainAtOnce() {
        var plan = plan(.init(), [.init(id: 1)])
        _ = plan.next(at: at(0))
        plan.abandoned(.init(ids: [1]))
        #expect(plan.inFlight == 0)
        #expect(plan.next(at: at(0)) == .send(.init(ids: [1])))
    }
}
