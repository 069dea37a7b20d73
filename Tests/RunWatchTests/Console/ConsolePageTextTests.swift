import Foundation
import RunWatch
import RunWatchCore
import Testing

@Suite struct ConsolePageTextTests {
    let now = Date(timeIntervalSince1970: 1_784_000_000)

    @Test(
        arguments: [
            (0.0, "just now"), (4.4, "just now"), (-3.0, "just now"), (45.0, "45s ago"), (59.6, "1m ago"), (180.0, "3m ago"), (3599.0, "59m ago"),
            (3600.0, "1h ago"), (7500.0, "2h 5m ago"), (86400.0, "1d ago"), (273_659.0, "3d 4h ago"), (-30.0, "in 30s"),
            (-150.0, "in 2m"), (-Double.infinity, ""),
        ] as [(Double, String)])
    func relativeTimes(secondsAgo: Double, text: String) {
        #expect(ConsolePageText.relative(now.addingTimeInterval(-secondsAgo), to: now) == text)
    }

    @Test func isoTimesAreUTC() {
        #expect(ConsolePageText.iso(now) == "2026-07-14T03:33:20Z")
        let moment = ConsolePageText.moment(now.addingTimeInterval(-180), now: now)
        #expect(moment.iso == "2026-07-14T03:30:20Z")
        #expect(moment.ago == "3m ago")
    }

    @Test(
        arguments: [
            (nil, "—"), (0.0, "0%"), (0.5, "50%"), (0.999, "99%"), (0.9999, "99%"), (1.0, "100%"), (2 / 3.0, "66%"), (1.5, "100%"),
            (-1, "0%"), (.nan, "—"),
        ] as [(Double?, String)])
    func passRatesRoundDown(rate: Double?, text: String) {
        #expect(ConsolePageText.percent(rate) == text)
    }

    @Test(arguments: [
        ("https://dashboard.cekura.ai/results/7", true), ("http://intranet/x", true), ("HTTPS://EXAMPLE.COM/", true),
        ("javascript:alert(1)", false), ("JaVaScRiPt:alert(1)", false), (" javascript:alert(1)", false), ("data:text/html,<b>", false),
        ("vbscript:x", false), ("//evil.example/x", false), ("/runs/1", false), ("https://", false), ("https://a b", false),
        ("https://a\u{0}b", false), ("https://ex\u{202E}ample", false), ("https://a\"onmouseover=x", false), ("https://a'b", false),
        ("https://x/<b>", false), ("ftp://x", false),
        ("https://" + String(repeating: "a", count: 3000), false),
    ])
    func onlyHTTPLinksAreRendered(url: String, linked: Bool) {
        #expect((ConsolePageText.webLink(url) != nil) == linked, "\(url.prefix(40))")
    }

    @Test(
        arguments: [(47.0, "47s"), (65.0, "65s"), (120.0, "2m"), (0.5, "500ms"), (7200.0, "2h"), (-1.0, ""), (Double.infinity, "")]
            as [(Double, String)])
    func durationsAreWrittenAsTheConfigWritesThem(seconds: Double, text: String) {
        #expect(ConsolePageText.duration(seconds: seconds) == text)
    }

    @Test(
        arguments: [(0, 60.0, "0%"), (12, 60, "20%"), (7, 3000, "<1%"), (30, 3000, "1%"), (90, 60, "100%"), (5, 0, "—")] as [(Int, Double, String)])
    func theBudgetInUseNeverReadsZeroWhileRequestsAreSent(used: Int, budget: Double, text: String) {
        #expect(OverviewView.share(used, of: budget) == text)
    }

    @Test func statusesAreInLifecycleOrderWithUnknownOnesLast() {
        let order = ConsolePageText.statusOrder(["zeta_new", "failed", "submitted", "alpha_new", "running", "not_found", "pending"])
        #expect(order == ["submitted", "pending", "running", "failed", "not_found", "alpha_new", "zeta_new"])
    }
}
