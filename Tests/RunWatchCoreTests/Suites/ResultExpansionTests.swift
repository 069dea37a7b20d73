import Foundation
import RunWatchCore
import Testing

/// What a read of a Cekura result means, read by read on made-up times: growth, stability,
/// giving up, 404s and failures.
@Suite struct ResultExpansionTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let settings = ResultExpansion.Settings(
        readInterval: .seconds(15), maxGrowth: .seconds(1800), maxReads: 50, notFoundAfter: 3,
        backoff: BackoffPolicy(base: .seconds(10), cap: .seconds(300)))

    static func body(_ count: Int, total: Int? = nil, status: String? = nil) -> ResultExpansion.Read {
        .read(ResultBody(runIDs: Array(1...max(1, count)).prefix(count).map { $0 }, totalRuns: total, status: status.map(RunStatus.init(rawValue:))))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Reads, one every 15 s from t0.
        var reads: [ResultExpansion.Read]
        /// The state after each read.
        var states: [ResultExpansion.State]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "two reads with the same count and no total: stable on the second",
            reads: [body(3), body(3)], states: [.expanding, .stable]),
        Case(
            name: "growing: every change starts the count of stable reads again",
            reads: [body(1), body(2), body(4), body(4)], states: [.expanding, .expanding, .expanding, .stable]),
        Case(
            name: "a known total not reached keeps it expanding even when the count holds",
            reads: [body(2, total: 4), body(2, total: 4), body(4, total: 4), body(4, total: 4)],
            states: [.expanding, .expanding, .expanding, .stable]),
        Case(
            name: "terminal status with the total reached: stable at the first read",
            reads: [body(5, total: 5, status: "completed")], states: [.stable]),
        Case(
            name: "terminal status without a readable total needs the second read",
            reads: [body(5, status: "completed"), body(5, status: "completed")], states: [.expanding, .stable]),
        Case(
            name: "terminal status but fewer runs than the total keeps reading",
            reads: [body(3, total: 5, status: "completed")], states: [.expanding]),
        Case(
            name: "no runs yet and no total is not stable however often it is read",
            reads: [body(0), body(0), body(0)], states: [.expanding, .expanding, .expanding]),
        Case(
            name: "a total of zero with no runs is stable (an empty result)",
            reads: [body(0, total: 0), body(0, total: 0)], states: [.expanding, .stable]),
        Case(
            name: "404 before any run: not_found at the third",
            reads: [.notFound, .notFound, .notFound], states: [.expanding, .expanding, .notFound]),
        Case(
            name: "a read between 404s starts their count again",
            reads: [.notFound, .notFound, body(0), .notFound, .notFound], states: [.expanding, .expanding, .expanding, .expanding, .expanding]),
        Case(
            name: "404 after runs were seen is a failure, never not_found",
            reads: [body(2), .notFound, .notFound, .notFound], states: [.expanding, .expanding, .expanding, .expanding]),
        Case(
            name: "failures between reads do not break stability",
            reads: [body(2), .failed(reason: "HTTP 503"), body(2)], states: [.expanding, .expanding, .stable]),
        Case(
            name: "a 429 is not a failure and keeps the progress",
            reads: [body(2), .rateLimited(retryAfter: .seconds(3)), body(2)], states: [.expanding, .expanding, .stable]),
    ]

    @Test(arguments: cases) func readsInARow(_ c: Case) {
        var progress = ResultExpansion.Progress(submittedAt: Self.t0)
        for (index, read) in c.reads.enumerated() {
            let now = Self.t0.addingTimeInterval(15 * Double(index))
            let decision = ResultExpansion.decide(read, progress: progress, settings: Self.settings, now: now, unitRandom: 0.5)
            #expect(decision.state == c.states[index], "read \(index + 1)")
            progress = decision.progress
        }
    }

    @Test func aResultStillGrowingAfterMaxGrowthGivesUpWithAReason() {
        var progress = ResultExpansion.Progress(runCount: 3, stableReads: 0, reads: 10, submittedAt: Self.t0)
        let early = ResultExpansion.decide(
            Self.body(4), progress: progress, settings: Self.settings, now: Self.t0.addingTimeInterval(1799), unitRandom: 0)
        #expect(early.state == .expanding)
        progress = early.progress
        let late = ResultExpansion.decide(
            Self.body(5), progress: progress, settings: Self.settings, now: Self.t0.addingTimeInterval(1800), unitRandom: 0)
        #expect(late.state == .gaveUp)
        #expect(late.reason?.contains("after 30m") == true, "\(late.reason ?? "")")
        #expect(late.reason?.contains("5 runs") == true)
    }

    @Test func tooManyReadsGiveUp() {
        let progress = ResultExpansion.Progress(runCount: 0, reads: 49, submittedAt: Self.t0)
        let decision = ResultExpansion.decide(
            .failed(reason: "HTTP 502"), progress: progress, settings: Self.settings, now: Self.t0.addingTimeInterval(60), unitRandom: 0.5)
        #expect(decision.state == .gaveUp)
        #expect(decision.reason?.contains("after 50 reads") == true)
        #expect(decision.reason?.contains("HTTP 502") == true)
    }

    @Test func aStableDecisionNeverGivesUpEvenAtTheDeadline() {
        let progress = ResultExpansion.Progress(runCount: 4, stableReads: 0, reads: 3, submittedAt: Self.t0)
        let decision = ResultExpansion.decide(
            Self.body(4), progress: progress, settings: Self.settings, now: Self.t0.addingTimeInterval(7200), unitRandom: 0)
        #expect(decision.state == .stable)
    }

    @Test func readsAreSpacedByTheIntervalAndFailuresBackOffWithJitter() {
        let now = Self.t0.addingTimeInterval(100)
        let progress = ResultExpansion.Progress(runCount: 1, reads: 1, submittedAt: Self.t0)
        let read = ResultExpansion.decide(Self.body(2), progress: progress, settings: Self.settings, now: now, unitRandom: 0.5)
        #expect(read.nextReadAt == now.addingTimeInterval(15))
        // Failures in a row: ceiling 10, 20, 40, 80 s with full jitter (0.99 ≈ the ceiling),
        // never sooner than the read interval.
        var p = progress
        var waits: [Double] = []
        for _ in 0..<4 {
            let d = ResultExpansion.decide(.failed(reason: "HTTP 500"), progress: p, settings: Self.settings, now: now, unitRandom: 0.99)
            waits.append(d.nextReadAt.timeIntervalSince(now).rounded())
            p = d.progress
        }
        #expect(waits == [15, 20, 40, 79])
        #expect(p.failures == 4)
        // A good read resets the streak.
        #expect(ResultExpansion.decide(Self.body(2), progress: p, settings: Self.settings, now: now, unitRandom: 0).progress.failures == 0)
    }

    @Test func four04sAfterRunsWereSeenBackOffLikeFailures() {
        var progress = ResultExpansion.Progress(runCount: 2, reads: 1, submittedAt: Self.t0)
        var waits: [Double] = []
        for _ in 0..<3 {
            let d = ResultExpansion.decide(.notFound, progress: progress, settings: Self.settings, now: Self.t0, unitRandom: 0.99)
            #expect(d.state == .expanding)
            waits.append(d.nextReadAt.timeIntervalSince(Self.t0).rounded())
            progress = d.progress
        }
        #expect(progress.failures == 3)
        #expect(waits == [15, 20, 40])
    }

    @Test func aRateLimitWaitsAtLeastTheServersRetryAfter() {
        let progress = ResultExpansion.Progress(runCount: 1, reads: 1, submittedAt: Self.t0)
        let d = ResultExpansion.decide(
            .rateLimited(retryAfter: .seconds(40)), progress: progress, settings: Self.settings, now: Self.t0, unitRandom: 0)
        #expect(d.nextReadAt == Self.t0.addingTimeInterval(40))
        #expect(d.progress.failures == 0)
        #expect(d.state == .expanding)
    }

    @Test func aFailureReasonIsPrintableAndBounded() {
        let progress = ResultExpansion.Progress(submittedAt: Self.t0)
        let d = ResultExpansion.decide(
            .failed(reason: "HTTP 500: \u{1B}[31m" + String(repeating: "x", count: 500)), progress: progress, settings: Self.settings, now: Self.t0,
            unitRandom: 0)
        let reason = d.reason ?? ""
        #expect(!reason.contains("\u{1B}"))
        #expect(reason.count <= 201)
    }
}
