import RunWatchCore
import Testing

@Suite struct StatusTextTests {
    @Test func lineBreaksCannotStartAnotherAssignment() {
        let hostile = "running\nWATCHDOG=1\rREADY=1\u{2028}x\u{85}y\u{7F}"
        let cleaned = StatusText.clean(hostile)
        #expect(cleaned == "running?WATCHDOG=1?READY=1?x?y?")
        #expect(!cleaned.contains("\n"))
    }

    @Test func textUpToTheLimitStaysWhole() {
        let exact = String(repeating: "a", count: 1024)
        #expect(StatusText.clean(exact) == exact)
    }

    @Test func longTextIsCutAtACharacterBoundaryWithinTheLimit() {
        // Multi-byte characters: the cut must not split one.
        let long = String(repeating: "é", count: 5000)
        let cleaned = StatusText.clean(long)
        #expect(cleaned.utf8.count <= StatusText.maxBytes)
        #expect(cleaned.hasSuffix("…"))
        #expect(cleaned.dropLast().allSatisfy { $0 == "é" })
    }

    @Test func aSmallLimitStillEndsWithTheEllipsis() {
        #expect(StatusText.clean("abcdefgh", maxBytes: 6) == "abc…")
        #expect(StatusText.clean("abcdef", maxBytes: 6) == "abcdef")
    }
}

@Suite struct StatusLineBoundsTests {
    @Test func hostileStatusesAndReasonsKeepTheLineShortAndSingle() {
        var line = StatusLine()
        line.watching = 3
        line.api = .backingOff(until: "12:00:00", reason: String(repeating: "x", count: 5000) + "\nREADY=1")
        line.unknownStatuses = (0..<1000).map { "status-\($0)\n" + String(repeating: "y", count: 100) }
        let rendered = line.rendered
        #expect(rendered.utf8.count <= StatusText.maxBytes)
        #expect(!rendered.contains("\n"))
        #expect(rendered.hasPrefix("watching 3"))
        #expect(rendered.contains("and 995 more"))
    }

    @Test func anOrdinaryLineIsUnchanged() {
        var line = StatusLine()
        line.watching = 2
        line.api = .ok
        line.unknownStatuses = ["paused"]
        #expect(line.rendered == "watching 2, ended 0 (0 alerting), outbox 0, API ok, unknown statuses: paused")
    }

    @Test func aRateLimitIsToldApartFromOtherBackoffs() {
        var line = StatusLine()
        line.api = .rateLimited(until: "12:00:05")
        #expect(line.rendered == "watching 0, ended 0 (0 alerting), outbox 0, API rate limited (429) until 12:00:05")
    }
}
