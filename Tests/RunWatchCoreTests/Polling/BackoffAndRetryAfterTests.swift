import Foundation
import RunWatchCore
import RunWatchTesting
import Testing

@Suite struct BackoffPolicyTests {
    let policy = BackoffPolicy(base: .seconds(1), cap: .seconds(300))

    @Test(arguments: [(1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0), (9, 256.0), (10, 300.0), (40, 300.0), (500, 300.0)])
    func ceilingDoublesUpToTheCap(attempt: Int, seconds: Double) {
        #expect(policy.ceiling(attempt: attempt) == .secondsDouble(seconds))
    }

    @Test(arguments: [(3, 0.0, 0.0), (3, 0.5, 2.0), (3, 0.25, 1.0), (12, 0.5, 150.0), (1, 1.5, 1.0), (1, -1.0, 0.0)])
    func fullJitterScalesTheCeilingByTheRandomNumber(attempt: Int, random: Double, seconds: Double) {
        #expect(policy.delay(attempt: attempt, unitRandom: random) == .secondsDouble(seconds))
    }

    @Test func noDelayBeforeTheFirstFailure() {
        #expect(policy.ceiling(attempt: 0) == .zero)
    }

    @Test func delaysStayWithinBoundsForManyRandomDraws() {
        var rng = SplitMix64(seed: 99)
        for attempt in 1...30 {
            for _ in 0..<100 {
                let delay = policy.delay(attempt: attempt, unitRandom: rng.unit())
                #expect(delay >= .zero && delay <= policy.ceiling(attempt: attempt))
            }
        }
    }
}

@Suite struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 1_784_000_000)
    let cap = Duration.seconds(900)

    @Test(arguments: [("30", 30.0), (" 5 ", 5.0), ("0", 0.0), ("1.5", 1.5), ("3600", 900.0), ("-4", 0.0)])
    func seconds(value: String, expected: Double) {
        #expect(RetryAfter.parse(value, now: now, cap: cap) == .secondsDouble(expected))
    }

    @Test func httpDateInTheFuture() {
        let value = imfFixdate(now.addingTimeInterval(120))
        #expect(RetryAfter.parse(value, now: now, cap: cap) == .seconds(120))
    }

    @Test func httpDateInThePastMeansNow() {
        let value = imfFixdate(now.addingTimeInterval(-60))
        #expect(RetryAfter.parse(value, now: now, cap: cap) == .zero)
    }

    @Test func httpDateFarAwayIsCapped() {
        let value = imfFixdate(now.addingTimeInterval(86400))
        #expect(RetryAfter.parse(value, now: now, cap: cap) == cap)
    }

    @Test func obsoleteDateFormsAreAccepted() {
        // RFC 9110 §5.6.7: recipients must accept RFC 850 and asctime dates.
        let base = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: base, cap: cap) == .zero)
        #expect(RetryAfter.parse("Sunday, 06-Nov-94 08:50:37 GMT", now: base, cap: cap) == .seconds(60))
        #expect(RetryAfter.parse("Sun Nov  6 08:51:37 1994", now: base, cap: cap) == .seconds(120))
    }

    @Test(arguments: ["soon", "", "12s", "Tomorrow"])
    func garbageIsNil(value: String) {
        #expect(RetryAfter.parse(value, now: now, cap: cap) == nil)
    }
}

@Suite struct DurationTextTests {
    @Test(arguments: [("500ms", 0.5), ("15s", 15.0), ("5m", 300.0), ("6h", 21600.0), ("7d", 604800.0), ("1.5s", 1.5), ("0s", 0.0)])
    func parses(text: String, seconds: Double) throws {
        #expect(try DurationText.parse(text) == .secondsDouble(seconds))
    }

    @Test(arguments: ["15", "s", "fifteen seconds", "-5s", "5 minutes", "1h30m", ""])
    func rejectsWithAnExplanation(text: String) {
        #expect(throws: DurationText.ParseError.invalid(text)) { try DurationText.parse(text) }
    }

    @Test(arguments: [
        (Duration.seconds(15), "15s"), (.milliseconds(500), "500ms"), (.seconds(300), "5m"), (.seconds(86400), "1d"), (.seconds(7200), "2h"),
    ])
    func formats(duration: Duration, text: String) {
        #expect(DurationText.format(duration) == text)
    }
}

/// An HTTP date (IMF-fixdate), as a server writes one.
private func imfFixdate(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    return formatter.string(from: date)
}
