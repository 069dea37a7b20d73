import Foundation
import RunWatchCore
import Testing

/// One bad id must not hold back the rest: the gate against a made-up API that fails every
/// request naming a poison id, driven like the `Poller` drives it, on made-up instants.
@Suite struct PollGateBisectionTests {
    let t0 = ContinuousClock.now
    /// 100 req/s (11 ms spacing), batches of 50, every run asked about again 1 s after an answer.
    static let settings = PollGate.Settings(
        requestsPerSecond: 100, batchSize: 50, backoff: BackoffPolicy(base: .seconds(1), cap: .seconds(60)),
        keyRejectedRetry: .seconds(300))
    static let interval: Duration = .seconds(1)

    /// What the made-up API does with a request for `batch`.
    typealias API = (_ batch: [RunID]) -> PollGate.Event

    static func poisoned(by poison: Set<RunID>, with event: PollGate.Event) -> API {
        { batch in batch.contains(where: poison.contains) ? event : .answered }
    }

    static let refused = PollGate.Event.refused(status: 400, detail: "run_ids: Invalid pk")
    static let serverError = PollGate.Event.failed(reason: "HTTP 500: <html>Server Error</html>")

    /// The `Poller`'s part, recorded.
    struct Drive {
        var gate: PollGate
        var now: ContinuousClock.Instant
        var requests: [[RunID]] = []
        var actions: [PollGate.Action] = []
        var rejected: [RunID: String] = [:]
        /// When each run was last answered, and the longest gap between two answers.
        var answeredAt: [RunID: ContinuousClock.Instant] = [:]
        var longestGap: [RunID: Duration] = [:]

        /// Runs the gate for `seconds` of made-up time against `api`.
        mutating func run(for seconds: Double, against api: API) {
            let end = now + .secondsDouble(seconds)
            while now < end {
                switch gate.next(at: now) {
                case .wait(let until):
                    now = min(until ?? end, end)
                case .poll(let batch):
                    requests.append(batch)
                    let action = gate.handle(api(batch), for: batch, at: now, unitRandom: 0.5)
                    actions.append(action)
                    switch action {
                    case .apply:
                        for id in batch {
                            if let last = answeredAt[id] { longestGap[id] = max(longestGap[id] ?? .zero, now - last) }
                            answeredAt[id] = now
                            gate.reschedule(id, after: PollGateBisectionTests.interval, at: now)
                        }
                    case .reject(let id, let reason):
                        rejected[id] = reason
                        gate.finish(id)
                    default:
                        break
                    }
                }
            }
        }

        func requests(naming id: RunID) -> Int { requests.filter { $0.contains(id) }.count }
        var globalWaits: [Duration] {
            actions.compactMap { if case .backOff(_, let wait, _) = $0 { wait } else { nil } }
        }
    }

    func drive(watching ids: ClosedRange<RunID> = 1...100, settings: PollGate.Settings = Self.settings) -> Drive {
        var gate = PollGate(settings: settings)
        gate.watch(Array(ids), at: t0)
        return Drive(gate: gate, now: t0)
    }

    // MARK: One bad id

    struct Poison: Sendable, CustomTestStringConvertible {
        var ids: Set<RunID>
        var event: PollGate.Event
        var testDescription: String { "\(ids.sorted()) failing with \(event)" }
    }

    @Test(arguments: [
        Poison(ids: [37], event: refused),
        Poison(ids: [37], event: serverError),
        Poison(ids: [12, 77], event: refused),
        Poison(ids: [12, 30], event: refused),
        Poison(ids: [12, 30], event: serverError),
    ])
    func theBadIDsAreFoundWhileEveryOtherRunIsPolledEverySweep(_ poison: Poison) {
        var drive = drive()
        drive.run(for: 60, against: Self.poisoned(by: poison.ids, with: poison.event))

        #expect(Set(drive.rejected.keys) == poison.ids, "each bad id, and only it, ends")
        // log2(50) ≈ 6 splits, after the ordinary request, then the strikes alone. A 400 splits
        // at once; a 5xx splits once an ordinary request was answered since, which can take
        // one more request per step (seen: 9–10 for a 400, 17 for a 5xx).
        let steps = 1 + 6
        let refused = poison.event == Self.refused
        let bound = (refused ? steps + 1 : 2 * steps) + PollGate.strikesToReject(refused: refused)
        for id in poison.ids {
            #expect(drive.requests(naming: id) <= bound, "run \(id) isolated in about log2 steps")
        }
        let others = Set(1...100).subtracting(poison.ids)
        for id in others {
            // Asked about again 1 s after each answer; bisecting costs a few 11 ms starts.
            #expect(drive.longestGap[id].map { $0 <= .milliseconds(1200) } == true, "run \(id) was polled every sweep")
        }
        #expect(drive.gate.batchSize == 50, "one bad id does not shrink everyone's batches")
        #expect(drive.globalWaits.allSatisfy { $0 == .zero }, "the bad id never closed the gate for everyone")
        #expect(drive.gate.suspects.batches == 0)
        #expect(drive.gate.condition == .ok)
        // Afterwards the others are asked about in full batches again: all overdue after a
        // pause, the remaining runs go in batches of 50.
        drive.now = drive.now + .seconds(2)
        let before = drive.requests.count
        drive.run(for: 0.02, against: Self.poisoned(by: poison.ids, with: poison.event))
        #expect(drive.requests[before...].map(\.count) == [50, 50 - poison.ids.count])
    }

    @Test func theReasonSaysWhyInBoundedPrintableText() {
        var drive = drive(watching: 1...10)
        let detail = "run_ids: bad\u{1B}[31m\nid " + String(repeating: "x", count: 5000)
        drive.run(for: 10, against: Self.poisoned(by: [4], with: .refused(status: 400, detail: detail)))
        let reason = drive.rejected[4]
        #expect(reason?.hasPrefix("the API refused a request for this run alone 2 times (HTTP 400: run_ids: bad") == true)
        #expect(reason?.unicodeScalars.contains { $0.properties.generalCategory == .control } == false)
        #expect((reason?.count ?? .max) < 400)
    }

    // MARK: The API as a whole

    @Test func anOutageOfTheWholeAPIStillBacksOffGloballyAndRejectsNothing() {
        var drive = drive()
        drive.run(for: 60, against: { _ in Self.serverError })
        #expect(drive.rejected.isEmpty, "no run ends because the API is down")
        #expect(!drive.actions.contains { if case .bisect = $0 { true } else { false } }, "nothing answered: nothing to tell the ids apart")
        #expect(drive.globalWaits.contains { $0 > .zero }, "the second failed batch in a row closes the gate for everyone")
        #expect(drive.requests.count < 40, "a minute of outage costs a few requests, not 6000")
        guard case .backingOff = drive.gate.condition else {
            Issue.record("the API should look down, not \(drive.gate.condition)")
            return
        }
        // The API is back: everything is answered, and full batches resume.
        drive.run(for: 70, against: { _ in .answered })
        #expect(drive.gate.condition == .ok)
        #expect(drive.gate.suspects.batches == 0)
        #expect(drive.requests.suffix(2).map(\.count) == [50, 50])
    }

    @Test(arguments: [0.3, 0.5, 0.7])
    func aFlakyAPIRejectsNoRun(failureRate: Double) {
        // Requests fail at random, whatever they ask for: bisection may start (a batch
        // fails again after others were answered), but no id is ever the only one failing.
        var drive = drive()
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        drive.run(for: 600) { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(UInt64(1) << 53) < failureRate ? Self.serverError : .answered
        }
        #expect(drive.rejected.isEmpty, "\(drive.rejected.keys.sorted())")
        #expect(drive.gate.watching == 100)
    }

    @Test func anAPIThatRefusesEveryRequestRejectsNoRun() {
        // A 400 for everything is a changed API, not 100 bad ids.
        var drive = drive(watching: 1...8)
        drive.run(for: 120, against: { _ in Self.refused })
        #expect(drive.rejected.isEmpty)
        #expect(drive.gate.watching == 8)
    }

    @Test func aLoneFailureOfAnOrdinaryBatchIsNotABadID() {
        // One 503 (the API's hiccup) and the batch is answered next time, whole.
        var drive = drive()
        var failedOnce = false
        drive.run(for: 3) { batch in
            guard !failedOnce, batch.contains(1) else { return .answered }
            failedOnce = true
            return Self.serverError
        }
        #expect(drive.rejected.isEmpty)
        #expect(!drive.actions.contains { if case .bisect = $0 { true } else { false } })
        #expect(drive.requests.suffix(2).map(\.count) == [50, 50])
    }

    // MARK: Reload

    @Test func aReloadDuringBisectionKeepsLookingAndTakesTheNewSettings() {
        var drive = drive()
        let api = Self.poisoned(by: [37], with: Self.refused)
        // The first bisection steps: 1…50 refused, its halves polled apart.
        drive.run(for: 0.03, against: api)
        #expect(drive.gate.suspects.batches > 0, "bisection under way")
        var smaller = Self.settings
        smaller.batchSize = 20
        drive.gate.reconfigure(smaller, at: drive.now)
        drive.run(for: 10, against: api)
        #expect(Set(drive.rejected.keys) == [37])
        #expect(drive.gate.batchSize == 20)
        #expect(drive.requests.suffix(5).allSatisfy { $0.count <= 20 })
        for id in Set(1...100).subtracting([37]) {
            #expect(drive.longestGap[id].map { $0 <= .milliseconds(1200) } == true, "run \(id) was polled every sweep")
        }
    }

    @Test func aReloadEndsASuspectsOwnBackoff() {
        // Only run 5 is watched, and every request for it fails: it backs off alone.
        var drive = drive(watching: 5...5)
        drive.run(for: 3, against: { _ in Self.serverError })
        guard case .wait(let until?) = drive.gate.next(at: drive.now), until > drive.now + .milliseconds(11) else {
            Issue.record("expected the suspect to be backing off")
            return
        }
        drive.gate.reconfigure(Self.settings, at: drive.now)
        #expect(drive.gate.next(at: drive.now + .milliseconds(11)) == .poll([5]))
    }

    // MARK: Bookkeeping

    @Test func aRunThatEndsOrIsForgottenWhileSuspectLeavesTheGate() {
        var drive = drive(watching: 1...4)
        drive.run(for: 0.005, against: { _ in Self.refused })
        #expect(drive.gate.watching == 4)
        for id in 1...4 { drive.gate.finish(id) }
        #expect(drive.gate.watching == 0)
        #expect(drive.gate.suspects.batches == 0)
        // Submitting a suspect's id again does not poll it twice.
        var other = self.drive(watching: 1...4)
        other.run(for: 0.005, against: { _ in Self.refused })
        other.gate.watch([1, 2, 3, 4], at: other.now)
        #expect(other.gate.watching == 4)
    }
}
