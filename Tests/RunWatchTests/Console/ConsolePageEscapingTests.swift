import Foundation
import RunWatch
import RunWatchCore
import Testing

/// Every string a producer or the API controls reaches a page only escaped and bounded;
/// a link the page renders is http(s) or nothing.
@Suite struct ConsolePageEscapingTests {
    let pages = ConsolePages()
    typealias F = ConsoleFixtures

    static let hostileStrings = [F.hostile, F.breakout, "'><svg onload=alert(3)>", "&lt;already&gt;", "a&b"]

    /// Every page with `text` in each untrusted field its document has.
    func pagesWith(_ text: String) -> [(String, String)] {
        let line = F.suiteLine(name: text, verdict: text)
        let run = RunResult(
            id: 11, status: .unknown(text), success: false, outcome: .failed, scenarioName: text, personalityName: text, agentName: text,
            error: text, duration: text, dashboardURL: "https://dashboard.example/" + text, submittedAt: F.now)
        let snapshot = RunSnapshot(
            id: 11, status: .failed, scenarioName: text, agentName: text, personalityName: text, errorMessage: text, endedReason: text,
            duration: text, voiceRecordingURL: "https://rec.example/" + text, anomalies: [text])
        let notifier = NotifierLine(name: text, kind: text, pending: 1, dead: 1, deliveredLast24h: 0, disabledReason: text)
        let delivery = DeliveryLine(
            id: 1, notifier: text, runID: 0, suite: SuiteRef(name: text, instance: 1), event: text, state: text, attempts: 1, createdAt: F.now,
            lastError: text, attemptLog: [AttemptLine(attempt: 1, at: F.now, outcome: text, answer: text)])
        let live = LiveLine(
            statusLine: text, api: text, apiDetail: text, sweepPeriod: text, budgetRequestsPerMinute: 60, requestsLastMinute: 1,
            unknownStatuses: [text])
        let overview = OverviewDocument(
            generatedAt: F.now,
            summary: F.summary(runsByStatus: [text: 1], active: 1, apiState: text, lastAPIError: text),
            results: [F.result(id: 1, state: text, runCount: 1, reads: 1, lastError: text)],
            openSuites: [OpenSuiteLine(name: text, instance: 1, runs: 1, ended: 0, expandingResults: 0)], endedLast24h: [text: 1],
            notifiers: [notifier], live: live)
        return [
            ("overview", pages.overview(overview, history: F.history)),
            ("suites", pages.suites(SuiteListDocument(generatedAt: F.now, suites: [line, F.suiteLine(name: text, completed: true)]))),
            (
                "suite",
                pages.suite(
                    SuiteDocument(
                        generatedAt: F.now, suite: line, runs: [run], labels: [text: text], dashboardURL: "https://d.example/" + text,
                        otherInstances: [line])
                )
            ),
            (
                "run",
                pages.run(
                    RunDocument(
                        generatedAt: F.now, run: run, labels: [text: text], transitions: [TransitionLine(from: text, to: text, at: F.now)],
                        snapshot: SnapshotLine(snapshot), deliveries: [delivery], suites: [SuiteRef(name: text, instance: 1)]))
            ),
            (
                "deliveries",
                pages.deliveries(DeliveriesDocument(generatedAt: F.now, notifiers: [notifier], pending: [delivery], dead: [delivery]))
            ),
        ]
    }

    @Test(arguments: hostileStrings)
    func untrustedTextAppearsOnlyEscaped(text: String) {
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
        for (name, html) in pagesWith(text) {
            #expect(!html.contains(text), "page '\(name)' prints \(text) raw")
            #expect(html.contains(escaped), "page '\(name)' shows \(text) escaped")
            #expect(!html.contains("<script"), "page '\(name)'")
            #expect(!html.contains("<img"), "page '\(name)'")
            let classes = HTMLProbe(html).values(of: "class")
            #expect(classes.allSatisfy { $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || " -_".contains($0)) } }, "page '\(name)'")
        }
    }

    @Test(arguments: ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", " javascript:alert(1)", "https://x\" onclick=\"y"])
    func aDashboardOrRecordingURLThatIsNotHTTPIsNeverAnHref(url: String) {
        var run = F.runs()[0]
        run.dashboardURL = url
        let suite = pages.suite(SuiteDocument(generatedAt: F.now, suite: F.suiteLine(), runs: [run], dashboardURL: url))
        let runPage = pages.run(
            RunDocument(
                generatedAt: F.now, run: run, snapshot: SnapshotLine(RunSnapshot(id: 11, status: .failed, voiceRecordingURL: url))))
        for html in [suite, runPage] {
            let hrefs = HTMLProbe(html).hrefs
            #expect(hrefs.allSatisfy { $0.hasPrefix("/") || $0.hasPrefix("https://") || $0.hasPrefix("http://") }, "\(hrefs)")
            #expect(!html.lowercased().contains("javascript:"))
            #expect(!html.contains("data:text"))
        }
        #expect(!HTMLProbe(suite).contains("rel=\"noopener noreferrer\""), "no outside link at all")
    }

    @Test func longAndBidiTextIsBoundedAndItsControlsAreVisible() {
        let long = String(repeating: "x", count: 10_000)
        let bidi = "evil\u{202E}txt.exe\n<b>"
        for (name, html) in pagesWith(long + bidi) {
            #expect(!html.contains(long), "page '\(name)' prints 10k characters of one field")
            #expect(!html.contains("\u{202E}"), "page '\(name)'")
            #expect(html.utf8.count < 200_000, "page '\(name)' is \(html.utf8.count) bytes")
        }
        for (name, html) in pagesWith(bidi) {
            #expect(!html.contains("\u{202E}"), "page '\(name)' carries a bidi override")
            #expect(html.contains("evil\\u{202E}txt.exe\\n&lt;b&gt;"), "page '\(name)' shows the control as an escape")
        }
    }

    @Test func suiteNamesAreOneEncodedSegmentInLinks() {
        let name = "../../deliveries?x=<y>"
        let page = HTMLProbe(pages.suites(SuiteListDocument(generatedAt: F.now, suites: [F.suiteLine(name: name)])))
        #expect(page.hrefs.contains("/suites/..%2F..%2Fdeliveries%3Fx%3D%3Cy%3E/3"))
        #expect(ConsoleRoute.parse("/suites/..%2F..%2Fdeliveries%3Fx%3D%3Cy%3E/3") == .suite(name: name, instance: 3))
    }

    /// A quote or `<` followed by a combining mark is one Character but two scalars: the
    /// page's bytes must hold no raw `"`, `'` or `<` before the mark, and an attribute made
    /// from the name must read back as the name (byte-level, not Character comparison).
    @Test(arguments: ["x\"\u{301} hidden id=\"watched-total", "x'\u{301} hidden", "<\u{338}b>", "a&\u{301}b"])
    func markupFollowedByACombiningMarkIsEscapedPerScalar(text: String) {
        let mark: [UInt8] = text.contains("\u{338}") ? [0xCC, 0xB8] : [0xCC, 0x81]
        for (name, html) in pagesWith(text) {
            let bytes = Array(html.utf8)
            for raw in [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: "&")] {
                #expect(!Self.contains(bytes, [raw] + mark), "page '\(name)' has a raw \(Character(UnicodeScalar(raw))) before the mark")
            }
            #expect(!Self.contains(bytes, Array(" hidden=".utf8)) && Self.count(bytes, Array("id=\"watched-total\"".utf8)) <= 1, "page '\(name)'")
        }
        let suites = Array(pages.suites(SuiteListDocument(generatedAt: F.now, suites: [F.suiteLine(name: text)])).utf8)
        let values = Self.attributeValues(suites, "data-suite")
        #expect(values == [ConsoleHTMLContentType.escape(text)], "the attribute holds the whole name, escaped")
    }

    @Test func theEscaperWorksPerScalar() {
        #expect(ConsoleHTMLContentType.escape("\"\u{301}'\u{301}<\u{338}>&") == "&quot;\u{301}&#39;\u{301}&lt;\u{338}&gt;&amp;")
    }

    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool { count(bytes, needle) > 0 }

    static func count(_ bytes: [UInt8], _ needle: [UInt8]) -> Int {
        guard bytes.count >= needle.count else { return 0 }
        return (0...(bytes.count - needle.count)).filter { bytes[$0..<$0 + needle.count].elementsEqual(needle) }.count
    }

    /// Every value of `name="…"`, read as a browser reads it: up to the next `"` byte.
    static func attributeValues(_ bytes: [UInt8], _ name: String) -> [String] {
        let open = Array(" \(name)=\"".utf8)
        var values: [String] = []
        var index = 0
        while index + open.count <= bytes.count {
            if bytes[index..<index + open.count].elementsEqual(open) {
                let start = index + open.count
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) ?? bytes.count
                values.append(String(decoding: bytes[start..<end], as: UTF8.self))
                index = end
            } else {
                index += 1
            }
        }
        return values
    }
}
