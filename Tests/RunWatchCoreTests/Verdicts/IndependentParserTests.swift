import Foundation
import RunWatchCore
import RunWatchTesting
import Testing

/// runwatch's JUnit and Markdown read back by parsers it shares no code with (see
/// `IndependentParsers`): what they see must be what the reports say.
@Suite struct IndependentParserTests {
    typealias F = VerdictFixtures

    static let suites = [F.nightly, F.mixed, F.hostile]

    /// Runs each suite's runs through the verdict a CI system should see.
    static func expectedResult(_ run: RunResult) -> String? {
        switch JUnitVerdict(run) {
        case .passed: nil
        case .failure: "Failure"
        case .error: "Error"
        case .skipped: "Skipped"
        }
    }

    @Test(.enabled("needs python3 with junitparser (scripts/setup installs it)") { await IndependentParsers.hasPython("junitparser") })
    func junitparserReadsWhatTheReportsSay() async throws {
        try await withTemporaryDirectory { dir in
            let xml = JUnitReport.render(Self.suites, now: F.now)
            let file = dir + "/junit.xml"
            try writeFile(file, xml)
            let (status, json, output) = try await IndependentParsers.python(IndependentParsers.junitScript, [file])
            try #require(status == 0, "junitparser failed: \(output.suffix(2000))")
            let document = try #require(json as? [String: Any], "no JSON from the script: \(output.suffix(2000))")
            let all = Self.suites.flatMap(\.runs)
            #expect(document["tests"] as? Int == all.count)
            #expect(document["failures"] as? Int == all.count { Self.expectedResult($0) == "Failure" })
            #expect(document["errors"] as? Int == all.count { Self.expectedResult($0) == "Error" })
            #expect(document["skipped"] as? Int == all.count { Self.expectedResult($0) == "Skipped" })

            let parsedSuites = try #require(document["suites"] as? [[String: Any]])
            let ordered = Self.suites.sorted { $0.name < $1.name }
            #expect(parsedSuites.map { $0["name"] as? String } == ordered.map(\.name))
            // The in-process parser as a second reader of names and properties.
            let tree = try #require(XMLTree.parse(xml).tree)
            var names: [String] = []
            for (parsed, (suite, node)) in zip(parsedSuites, zip(ordered, tree.root.all("testsuite"))) {
                #expect(parsed["tests"] as? Int == suite.runs.count)
                let counted = try #require(parsed["counted"] as? [String: Int])
                for key in ["failures", "errors", "skipped"] {
                    #expect(parsed[key] as? Int == counted[key], "\(suite.name): the \(key) attribute matches the cases")
                }
                #expect(parsed["timestamp"] as? String == "2026-12-02T02:00:00")
                let cases = try #require(parsed["cases"] as? [[String: Any]])
                #expect(cases.count == suite.runs.count)
                for (parsedCase, (run, nodeCase)) in zip(cases, zip(suite.runs, node.all("testcase"))) {
                    let name = try #require(parsedCase["name"] as? String)
                    names.append(name)
                    #expect(name == nodeCase["name"])
                    #expect(!name.isEmpty)
                    #expect(parsedCase["classname"] as? String == suite.name)
                    #expect(parsedCase["time"] as? Double == run.durationSeconds ?? 0)
                    let props = try #require(parsedCase["props"] as? [String: String])
                    #expect(props == nodeCase.properties)
                    #expect(props["run_id"] == "\(run.id)")
                    #expect(props["dashboard_url"] == run.dashboardURL)
                    let results = try #require(parsedCase["results"] as? [[Any]])
                    #expect(results.map { $0.first as? String } == (Self.expectedResult(run).map { [$0] } ?? []), "run \(run.id)")
                    if let result = results.first {
                        #expect(result[1] as? String == (run.outcome?.rawValue ?? "not_ended"))
                        #expect((result[2] as? String).map { !$0.isEmpty && !$0.contains("\n") } == true)
                    }
                }
            }
            #expect(Set(names).count == names.count, "test case names are unique within the file")
            #expect(names.contains("Reschedule appointment — Direct Communicator (run 1000)") == false)
            #expect(names.contains("Scenario 1 — Direct Communicator"))
            #expect(names.contains("run 106"))
        }
    }

    @Test(.enabled("needs xmllint (libxml2-utils; scripts/setup installs it)") { await IndependentParsers.hasXmllint() })
    func theReportValidatesAgainstTheSchema() async throws {
        try await withTemporaryDirectory { dir in
            let cases: [(String, [SuiteReport])] = [
                ("all", Self.suites), ("none", []), ("empty-suite", [F.suite("empty", [])]),
                ("running", [F.suite("running", completed: false, [F.run(1, nil), F.run(2, nil, scenario: nil, personality: nil)])]),
            ]
            for (label, suites) in cases {
                let file = "\(dir)/\(label).xml"
                try writeFile(file, JUnitReport.render(suites, now: F.now))
                let (status, output) = try await IndependentParsers.xmllint(file)
                #expect(status == 0, "\(label): \(output.suffix(2000))")
            }
            // The schema must be able to say no, or validating proves nothing.
            let broken = JUnitReport.render([F.mixed], now: F.now).replacingOccurrences(of: " classname=\"ci-4711\"", with: "")
            try writeFile(dir + "/broken.xml", broken)
            let (status, _) = try await IndependentParsers.xmllint(dir + "/broken.xml")
            #expect(status != 0, "a test case without a classname is refused")
            let doubled = JUnitReport.render([F.mixed], now: F.now).replacingOccurrences(
                of: "</error>", with: "</error><failure type=\"x\" message=\"y\"/>")
            try writeFile(dir + "/doubled.xml", doubled)
            #expect(try await IndependentParsers.xmllint(dir + "/doubled.xml").status != 0, "two outcomes for one case are refused")
        }
    }

    @Test(.enabled("needs python3 with markdown-it-py (scripts/setup installs it)") { await IndependentParsers.hasPython("markdown_it") })
    func markdownItSeesOneRowPerRunAndNoMarkup() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir + "/summary.md"
            try writeFile(file, MarkdownSummary.render(Self.suites, now: F.now))
            let (status, json, output) = try await IndependentParsers.python(IndependentParsers.markdownScript, [file])
            try #require(status == 0, "markdown-it failed: \(output.suffix(2000))")
            let document = try #require(json as? [String: Any], "no JSON from the script: \(output.suffix(2000))")
            #expect((document["markup"] as? [String]) == [], "untrusted text turned into markup")
            let ordered = Self.suites.sorted { $0.name < $1.name }
            let headings = try #require(document["headings"] as? [String])
            #expect(headings.dropFirst() == ordered.map { "\($0.failures.isEmpty ? "⏳" : "❌") \(SuiteVerdictText.line($0))" }[...])
            let tables = try #require(document["tables"] as? [[String: [[String]]]])
            #expect(tables.count == ordered.count)
            for (table, suite) in zip(tables, ordered) {
                #expect(table["header"] == [["Outcome", "Run", "Scenario", "Personality", "Duration", "Error", "Link"]])
                let body = try #require(table["body"])
                #expect(body.count == suite.runs.count, "\(suite.name): one row per run")
                try #require(body.allSatisfy { $0.count == 7 }, "\(suite.name): seven cells in every row")
                let byID = Dictionary(uniqueKeysWithValues: suite.runs.map { ($0.id, $0) })
                for row in body {
                    let run = try #require(Int(row[1]).flatMap { byID[$0] }, "\(row)")
                    // The cells read back as the text the API gave, on one line and capped.
                    #expect(row[2] == VerdictText.oneLine(run.scenarioName, limit: MarkdownSummary.nameLimit) ?? "")
                    #expect(row[3] == VerdictText.oneLine(run.personalityName, limit: MarkdownSummary.nameLimit) ?? "")
                    #expect(row[5] == VerdictText.oneLine(run.error, limit: MarkdownSummary.errorLimit) ?? "")
                    #expect(row[6] == run.dashboardURL.map { "<link \($0)>result \(run.resultID ?? 0)</link>" } ?? "")
                }
                #expect(body.map { Int($0[1]) ?? 0 }.prefix(suite.failures.count) == suite.failures.map(\.id)[...], "failures first")
            }
        }
    }

    @Test(.enabled("needs python3 with markdown-it-py (scripts/setup installs it)") { await IndependentParsers.hasPython("markdown_it") })
    func aCutSummaryStillParsesAndSaysWhatIsMissing() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir + "/summary.md"
            let markdown = MarkdownSummary.render([F.nightly], now: F.now, maxBytes: 3_000)
            try writeFile(file, markdown)
            let (status, json, output) = try await IndependentParsers.python(IndependentParsers.markdownScript, [file])
            try #require(status == 0, "markdown-it failed: \(output.suffix(2000))")
            let document = try #require(json as? [String: Any])
            let tables = try #require(document["tables"] as? [[String: [[String]]]])
            let body = try #require(tables.first?["body"])
            try #require(body.count == 19 && body.allSatisfy { $0.count == 7 })
            #expect(body.prefix(3).map { $0[1] } == ["48", "49", "50"])
            let paragraphs = try #require(document["paragraphs"] as? [String])
            #expect(paragraphs.contains("Not listed, to keep this summary under 3000 bytes: 31 of 47 passed runs."))
        }
    }
}
