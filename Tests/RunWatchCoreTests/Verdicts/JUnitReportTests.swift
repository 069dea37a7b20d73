import Foundation
import RunWatchCore
import Testing

@Suite struct JUnitReportTests {
    typealias F = VerdictFixtures

    static func parsed(_ suites: [SuiteReport]) throws -> XMLTree.Node {
        let xml = JUnitReport.render(suites, now: F.now)
        let (tree, error) = XMLTree.parse(xml)
        return try #require(tree?.root, "the XML does not parse: \(error ?? "")")
    }

    /// The element each outcome becomes, with its type: failure for a regression, error
    /// for an infrastructure end or a run not ended, skipped for a cancel.
    @Test(
        arguments: [
            (RunOutcome?.some(.completed), nil, nil),
            (.unsuccessful, "failure", "unsuccessful"),
            (.failed, "error", "failed"),
            (.timeout, "error", "timeout"),
            (.notFound, "error", "not_found"),
            (.expired, "error", "expired"),
            (.rejected, "error", "rejected"),
            (.cancelled, "skipped", "cancelled"),
            (nil, "error", "not_ended"),
        ] as [(RunOutcome?, String?, String?)])
    func eachOutcomeBecomesItsElement(outcome: RunOutcome?, element: String?, type: String?) throws {
        let root = try Self.parsed([F.suite("s", [F.run(7, outcome, error: "boom")])])
        let testcase = try #require(root.first("testsuite")?.first("testcase"))
        let problems = testcase.children.filter { ["failure", "error", "skipped"].contains($0.name) }
        #expect(problems.map(\.name) == (element.map { [$0] } ?? []))
        #expect(problems.first?["type"] == type)
        if element != nil { #expect(problems.first?["message"] == "boom") }
        let suite = try #require(root.first("testsuite"))
        #expect(suite["failures"] == (element == "failure" ? "1" : "0"))
        #expect(suite["errors"] == (element == "error" ? "1" : "0"))
        #expect(suite["skipped"] == (element == "skipped" ? "1" : "0"))
        #expect(suite["tests"] == "1")
    }

    @Test func aRunWithoutAnErrorTextSaysWhatHappened() throws {
        let root = try Self.parsed([F.suite("s", [F.run(7, .timeout), F.run(8, nil)])])
        let cases = try #require(root.first("testsuite")?.all("testcase"))
        try #require(cases.count == 2)
        #expect(cases[0].first("error")?["message"] == "run 7 timed out")
        #expect(cases[1].first("error")?["message"] == "run 8 had not ended when the report was written (last status running)")
    }

    /// The name rule of docs/junit.md.
    @Test(
        arguments: [
            ([F.run(1, .completed)], ["Reschedule appointment — Direct Communicator"]),
            ([F.run(1, .completed, personality: nil)], ["Reschedule appointment"]),
            ([F.run(1, .completed, scenario: nil)], ["Direct Communicator"]),
            ([F.run(1, .completed, scenario: nil, personality: nil)], ["run 1"]),
            ([F.run(1, .completed, scenario: " \n ", personality: "\u{202E}")], ["run 1"]),
            ([F.run(1, .completed, scenario: "Two\nlines", personality: nil)], ["Two lines"]),
            (
                [F.run(1, .completed), F.run(2, .failed), F.run(3, .completed, scenario: "Other")],
                [
                    "Reschedule appointment — Direct Communicator (run 1)", "Reschedule appointment — Direct Communicator (run 2)",
                    "Other — Direct Communicator",
                ]
            ),
            // An API name that reads like a generated one still ends up unique.
            (
                [
                    F.run(1, .completed, scenario: "A", personality: nil), F.run(2, .completed, scenario: "A", personality: nil),
                    F.run(3, .completed, scenario: "A (run 1)", personality: nil),
                ],
                ["A (run 1)", "A (run 2)", "A (run 1) #2"]
            ),
            // The same run listed twice (under two suites).
            (
                [F.run(5, .completed), F.run(5, .completed)],
                ["Reschedule appointment — Direct Communicator (run 5)", "Reschedule appointment — Direct Communicator (run 5) #2"]
            ),
        ] as [([RunResult], [String])])
    func testCaseNamesAreReadableAndUnique(runs: [RunResult], expected: [String]) {
        #expect(TestCaseNames.names(for: runs) == expected)
    }

    @Test func namesAreUniqueAcrossTheWholeFile() throws {
        let a = F.suite("a", [F.run(1, .completed), F.run(2, .completed, scenario: "Solo")])
        let b = F.suite("b", [F.run(3, .failed), F.run(1, .completed)])
        let root = try Self.parsed([b, a])
        let names = root.all("testsuite").flatMap { $0.all("testcase") }.compactMap { $0["name"] }
        #expect(Set(names).count == names.count)
        #expect(names.count == 4)
        #expect(root.all("testsuite").map { $0["name"] } == ["a", "b"], "suites sorted by name")
        #expect(names.contains("Solo — Direct Communicator"))
    }

    @Test func countsTimesAndPropertiesMatchTheReports() throws {
        let root = try Self.parsed([F.nightly, F.mixed])
        #expect(root.name == "testsuites")
        #expect(root["tests"] == "59")
        #expect(root["failures"] == "1")
        #expect(root["errors"] == "9")
        #expect(root["skipped"] == "1")
        #expect(root["timestamp"] == "2026-12-02T03:02:03")
        // nightly took 2463 s; ci-4711 is still open at `now` (3723 s).
        #expect(root["time"] == "6186.000")
        let suites = root.all("testsuite")
        #expect(suites.map { $0["name"] } == ["ci-4711", "nightly"])
        try #require(suites.count == 2)
        let mixed = suites[0]
        #expect(mixed["tests"] == "9" && mixed["failures"] == "1" && mixed["errors"] == "6" && mixed["skipped"] == "1")
        #expect(mixed["timestamp"] == "2026-12-02T02:00:00" && mixed["time"] == "3723.000")
        #expect(mixed.properties["suite.completed"] == "false")
        #expect(mixed.properties["dashboard_url"] == "https://dashboard.cekura.ai/acme/results/8123")
        #expect(mixed.properties["label.team"] == "voice")
        let nightly = suites[1]
        #expect(nightly["tests"] == "50" && nightly["failures"] == "0" && nightly["errors"] == "3" && nightly["skipped"] == "0")
        #expect(nightly["time"] == "2463.000")
        // "Long call — Direct Communicator" is also in ci-4711: both carry their run id.
        let longCall = try #require(nightly.all("testcase").first { $0["name"] == "Long call — Direct Communicator (run 50)" })
        #expect(longCall["classname"] == "nightly")
        #expect(longCall["time"] == "600.000")
        #expect(
            longCall.properties == [
                "run_id": "50", "result_id": "8123", "status": "timeout", "outcome": "timeout", "duration": "10:00", "agent": "Front desk",
                "dashboard_url": "https://dashboard.cekura.ai/acme/results/8123",
            ])
        let unnamed = try #require(mixed.all("testcase").first { $0.properties["run_id"] == "106" })
        #expect(unnamed["name"] == "run 106")
        #expect(unnamed.properties["result_id"] == nil && unnamed.properties["dashboard_url"] == nil, "no guessed link")
        let running = try #require(mixed.all("testcase").first { $0.properties["run_id"] == "109" })
        #expect(running["time"] == "0.000")
        #expect(running.properties["outcome"] == nil && running.properties["status"] == "running")
    }

    @Test func theOutputIsDeterministic() {
        let one = JUnitReport.render([F.nightly, F.mixed, F.hostile], now: F.now)
        let two = JUnitReport.render([F.hostile, F.mixed, F.nightly], now: F.now)
        #expect(one == two)
        #expect(
            JUnitReport.render([], now: F.now).hasSuffix(
                "<testsuites name=\"runwatch\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.000\" timestamp=\"2026-12-02T03:02:03\"/>\n"
            ))
    }

    @Test(
        arguments: [
            (0.0, "0.000"), (47, "47.000"), (0.0004, "0.000"), (1.2345, "1.235"), (-3, "0.000"), (.infinity, "0.000"), (.nan, "0.000"),
            (3600.5, "3600.500"), (1e300, "1000000000000.000"),
        ] as [(Double, String)])
    func secondsAreDecimalsWithThreePlaces(value: Double, expected: String) {
        #expect(JUnitReport.seconds(value) == expected)
    }

    @Test(arguments: [
        ("a & b", "a &amp; b", "a &amp; b"), ("<x>", "&lt;x&gt;", "&lt;x&gt;"), ("\"'", "\"'", "&quot;&apos;"),
        ("a\nb\tc\rd", "a\nb\tc&#13;d", "a&#10;b&#9;c&#13;d"), ("nul\u{0}esc\u{1B}", "nul\u{FFFD}esc\u{FFFD}", "nul\u{FFFD}esc\u{FFFD}"),
        ("\u{FFFE}\u{FFFF}\u{7F}\u{85}", "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}", "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"), ("]]>", "]]&gt;", "]]&gt;"),
        ("é ✓ 日本 🎉", "é ✓ 日本 🎉", "é ✓ 日本 🎉"),
    ])
    func xmlEscaping(input: String, content: String, attribute: String) {
        #expect(XMLText.content(input) == content)
        #expect(XMLText.attribute(input) == attribute)
    }

    /// Hostile names and errors from the API: the document still parses, names stay one
    /// bounded line, nothing forbidden reaches the file, and its size stays bounded.
    @Test func hostileNamesAndErrorsStayInsideTheirAttributes() throws {
        let xml = JUnitReport.render([F.hostile], now: F.now)
        #expect(xml.utf8.count < 200_000, "a megabyte of API text is capped")
        #expect(!xml.unicodeScalars.contains { !XMLText.allowed($0) })
        #expect(!xml.contains("<script") && !xml.contains("<details") && !xml.contains("<![CDATA["))
        let root = try Self.parsed([F.hostile])
        let cases = try #require(root.first("testsuite")?.all("testcase"))
        try #require(cases.count == F.hostileTexts.count)
        for (testcase, text) in zip(cases, F.hostileTexts) {
            let name = try #require(testcase["name"])
            #expect(!name.contains("\n") && !name.contains("\u{202E}") && !name.contains("\u{0}"))
            #expect(name.count <= 2 * TestCaseNames.partLimit + 30)
            let problem = try #require(testcase.children.first { $0.name == "failure" || $0.name == "error" })
            let message = try #require(problem["message"])
            #expect(!message.contains("\n") && message.count <= JUnitReport.messageLimit)
            if text.unicodeScalars.count < 100, let clean = VerdictText.oneLine(text, limit: 1000) {
                #expect(name.hasPrefix(clean), "the readable part survives: \(name)")
            }
        }
        let blankNames = cases.suffix(2).compactMap { $0["name"] }
        #expect(blankNames == ["run 1010", "run 1011"], "blank names fall back to the run id")
        #expect(cases[0]["name"]?.hasPrefix("<script>alert(1)</script> & \"quotes\" 'apos'") == true, "escaped, then read back as written")
    }
}
