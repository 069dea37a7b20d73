import Foundation
import RunWatchCore
import Testing

/// The minute buckets behind the console's charts: where an event counts, what a window
/// shows, what is forgotten, and what a wall clock that steps or lies does to them.
@Suite struct ActivityHistoryTests {
    /// 2026-12-03 18:00:00 UTC, a whole minute.
    static let t0 = Date(timeIntervalSince1970: 1_796_320_800)

    static func at(_ minutes: Double, _ seconds: Double = 0) -> Date { t0.addingTimeInterval(minutes * 60 + seconds) }

    static func requests(_ window: [ActivityHistory.Minute]) -> [Int] { window.map(\.requests) }

    struct Boundary: Sendable, CustomTestStringConvertible {
        var seconds: Double
        var minute: Int
        var testDescription: String { "\(seconds) s → minute \(minute)" }
    }

    @Test(arguments: [
        Boundary(seconds: 0, minute: 0), Boundary(seconds: 59.999, minute: 0), Boundary(seconds: 60, minute: 1),
        Boundary(seconds: 119.5, minute: 1), Boundary(seconds: -0.001, minute: -1), Boundary(seconds: -60, minute: -1),
        Boundary(seconds: -60.5, minute: -2),
    ])
    func anEventCountsInTheWholeMinuteThatHoldsIt(_ c: Boundary) {
        var history = ActivityHistory(minutes: 10)
        history.record(.request(throttled: false), at: Self.t0.addingTimeInterval(c.seconds))
        let window = history.window(endingAt: Self.at(1))
        let expected = Self.t0.addingTimeInterval(Double(c.minute) * 60)
        #expect(window.filter { $0.requests == 1 }.map(\.start) == [expected])
    }

    @Test func aWindowIsEveryMinuteOldestFirstWithQuietOnesAsZero() {
        var history = ActivityHistory(minutes: 5)
        history.record(.request(throttled: false), at: Self.at(0, 10))
        history.record(.request(throttled: true), at: Self.at(0, 50))
        history.record(.delivery(delivered: true), at: Self.at(3, 1))
        history.record(.delivery(delivered: false), at: Self.at(3, 2))
        let window = history.window(endingAt: Self.at(4, 30))
        #expect(window.map(\.start) == (0...4).map { Self.at(Double($0)) })
        #expect(Self.requests(window) == [2, 0, 0, 0, 0])
        #expect(window.map(\.throttled) == [1, 0, 0, 0, 0])
        #expect(window.map(\.deliveries) == [0, 0, 0, 2, 0])
        #expect(window.map(\.deliveryFailures) == [0, 0, 0, 1, 0])
        // A window ending later has moved on: the first minute is gone from it.
        #expect(Self.requests(history.window(endingAt: Self.at(5))) == [0, 0, 0, 0, 0])
    }

    @Test func oldMinutesAreForgottenAndMemoryStaysBounded() {
        var history = ActivityHistory(minutes: 3)
        for minute in 0..<100 { history.record(.request(throttled: false), at: Self.at(Double(minute))) }
        #expect(history.storedMinutes == 3)
        #expect(Self.requests(history.window(endingAt: Self.at(99))) == [1, 1, 1])
        // Late, within the clock tolerance, yet before the window: nothing to show it in.
        history.record(.request(throttled: false), at: Self.at(96))
        #expect(history.storedMinutes == 3)
        #expect(Self.requests(history.window(endingAt: Self.at(99))) == [1, 1, 1])
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, -5, 0])
    func aDelayThatIsNotAFiniteNonNegativeNumberCountsAsZero(_ delay: Double) {
        var history = ActivityHistory(minutes: 2)
        history.record(.detection(delay: delay), at: Self.at(0))
        history.record(.detection(delay: 4), at: Self.at(0))
        let minute = history.window(endingAt: Self.at(0))[1]
        #expect(minute.detections == 2)
        #expect(minute.detectionDelaySum == 4)
        #expect(minute.detectionDelayMax == 4)
        #expect(minute.detectionDelayMean == 2)
    }

    @Test func hugeDelaysAreCappedSoTheHistoryStaysValidJSON() throws {
        var history = ActivityHistory(minutes: 2)
        history.record(.detection(delay: 1e308), at: Self.at(0))
        history.record(.detection(delay: .greatestFiniteMagnitude), at: Self.at(0))
        let window = history.window(endingAt: Self.at(0))
        #expect(window[1].detectionDelayMax == ActivityHistory.delayCap)
        #expect(window[1].detectionDelaySum.isFinite)
        _ = try JSONEncoder().encode(window)
    }

    @Test func aSmallStepBackCountsInItsMinuteAndKeepsTheRest() {
        var history = ActivityHistory(minutes: 10)
        history.record(.request(throttled: false), at: Self.at(8))
        history.record(.request(throttled: false), at: Self.at(9))
        // Two minutes back: an NTP correction, or a time read before a slow store write.
        history.record(.request(throttled: false), at: Self.at(7))
        #expect(Self.requests(history.window(endingAt: Self.at(9))).suffix(3) == [1, 1, 1])
    }

    @Test func aBigStepBackForgetsWhatLiesAfterTheNewTimeSoNothingCountsTwice() {
        var history = ActivityHistory(minutes: 120)
        for minute in 0...60 { history.record(.request(throttled: false), at: Self.at(Double(minute))) }
        // The clock steps back 50 minutes.
        history.record(.request(throttled: false), at: Self.at(10, 30))
        var window = history.window(endingAt: Self.at(10, 30))
        #expect(Self.requests(window).suffix(11) == Array(repeating: 1, count: 10) + [2])
        // Time passes again up to where the clock had been: each minute once.
        for minute in 11...60 { history.record(.request(throttled: false), at: Self.at(Double(minute))) }
        window = history.window(endingAt: Self.at(60))
        #expect(Self.requests(window).suffix(61) == Array(repeating: 1, count: 10) + [2] + Array(repeating: 1, count: 50))
        #expect(history.storedMinutes == 61)
    }

    @Test func aStepForwardLeavesTheOldMinutesOutOfTheWindow() {
        var history = ActivityHistory(minutes: 60)
        history.record(.request(throttled: false), at: Self.at(0))
        history.record(.request(throttled: false), at: Self.at(24 * 60))
        #expect(history.storedMinutes == 1)
        #expect(Self.requests(history.window(endingAt: Self.at(24 * 60))).reduce(0, +) == 1)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, 1e300, -1e300])
    func aTimeNoClockGivesIsIgnored(_ seconds: Double) {
        var history = ActivityHistory(minutes: 5)
        history.record(.request(throttled: false), at: Self.at(0))
        let before = history
        history.record(.request(throttled: false), at: Date(timeIntervalSince1970: seconds))
        #expect(history == before)
        #expect(history.window(endingAt: Date(timeIntervalSince1970: seconds)).isEmpty)
        #expect(Self.requests(history.window(endingAt: Self.at(0))) == [0, 0, 0, 0, 1])
    }
}
