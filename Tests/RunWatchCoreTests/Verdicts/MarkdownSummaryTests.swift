import Foundation
import RunWatchCore
import Testing

@Suite struct MarkdownSummaryTests {
    typealias F = VerdictFixtures

    /// The table rows of a summary (not the header or its delimiter row), in order.
    static func rows(_ markdown: String) -> [String] {
        markdown.split(separator: "\n").map(String.init).filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Outcome |") && !$0.hasPrefix("| --- |") }
    }

    /// The run id column of each row.
    static func runIDs(_ markdown: String) -> [Int] {
        rows(markdown).compactMap { row in
            let cells = row.split(separator: "|", omittingEmptySubsequences: false)
            return cells.count > 2 ? Int(cells[2].trimmingCharacters(in: .whitespaces)) : nil
        }
    }

    @Test(arguments: [
        (F.nightly, "nightly: 47 of 50 passed; 2 failed, 1 timed out"),
        (
            F.mixed,
            "ci-4711: 1 of 9 passed; 1 completed unsuccessfully, 1 failed, 1 timed out, 1 was cancelled, 1 is no longer returned by the API, 1 did not end before its deadline, 1 is refused by the API, 1 not ended"
        ),
        (F.suite("smoke", (1...3).map { F.run($0, .completed) }), "smoke: 3 of 3 passed"),
        (F.suite("empty", []), "empty: no runs"),
        (F.suite("waiting", [F.run(1, nil), F.run(2, nil)]), "waiting: 0 of 2 passed; 2 not ended"),
    ])
    func theVerdictLineCountsEveryOutcome(suite: SuiteReport, expected: String) {
        #expect(SuiteVerdictText.line(suite) == expected)
    }

    @Test func eachSuiteHasItsVerdictAsAHeading() {
        let markdown = MarkdownSummary.render([F.nightly, F.suite("smoke", [F.run(1, .completed)]), F.suite("empty", [])], now: F.now)
        let headings = markdown.split(separator: "\n").filter { $0.hasPrefix("### ") }
        #expect(
            headings == [
                "### ❌ empty: no runs", "### ❌ nightly: 47 of 50 passed; 2 failed, 1 timed out", "### ✅ smoke: 1 of 1 passed",
            ])
        #expect(
            markdown.contains(
                "Started 2026-12-02T02:00:00 UTC · completed after 41m 3s · [dashboard](<https://dashboard.cekura.ai/acme/results/8123>)"))
        #expect(markdown.contains("No runs."))
    }

    @Test func failuresComeFirstGroupedByOutcomeThenRunsNotEndedThenPassed() throws {
        let markdown = MarkdownSummary.render([F.mixed], now: F.now)
        #expect(Self.runIDs(markdown) == [102, 103, 104, 105, 106, 107, 108, 109, 101])
        let rows = Self.rows(markdown)
        try #require(rows.count == 9)
        let row = rows[1]
        #expect(
            row
                == "| ❌ failed | 103 | Cancel order | Direct Communicator | 00:47 | Call could not be connected | [result 8123](<https://dashboard.cekura.ai/acme/results/8123>) |"
        )
        #expect(rows[4].hasPrefix("| ❔ not found | 106 |  |  | 00:47 |  |  |"), "no names, no link: empty cells")
        #expect(markdown.contains("### ❌ ci-4711:"))
        #expect(markdown.contains("not complete after 1h 2m 3s"))
    }

    @Test(arguments: [
        ("plain text", "plain text"), ("a | b", "a \\| b"), ("`code`", "\\`code\\`"), ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ("AT&T &amp;", "AT&amp;T &amp;amp;"), ("two\nlines\r\nthree", "two lines three"), ("*a* _b_ ~c~ $d$", "\\*a\\* \\_b\\_ \\~c\\~ \\$d\\$"),
        ("[x](javascript:y) ![i](z)", "\\[x\\](javascript:y) \\!\\[i\\](z)"), ("back\\slash", "back\\\\slash"), ("# h {x}", "\\# h \\{x\\}"),
        ("\u{202E}rtl\u{0}", "rtl"), ("   ", ""),
    ])
    func cellsAreLiteral(input: String, expected: String) {
        #expect(MarkdownText.literal(input, limit: 100) == expected)
    }

    /// A combining mark makes `|\u{301}` one Character equal to no `|`; Markdown parsers
    /// read code points, so the escape is per scalar (compared as scalars: String's `==`
    /// is canonical equivalence and would hide the difference).
    @Test(arguments: [
        ("a |\u{301} b", "a \\|\u{301} b"), ("<\u{338}img src=x>", "&lt;\u{338}img src=x&gt;"), ("`\u{301}x`", "\\`\u{301}x\\`"),
    ])
    func markupFollowedByACombiningMarkIsEscapedPerScalar(input: String, expected: String) {
        #expect(Array(MarkdownText.literal(input, limit: 100).unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test func linkDestinationsCannotBreakOut() {
        #expect(MarkdownText.destination("https://d.example/p/results/1") == "<https://d.example/p/results/1>")
        #expect(MarkdownText.destination("https://d.example/a b|c>(d)") == "<https://d.example/a%20b%7Cc%3E%28d%29>")
    }

    @Test func hostileTextStaysInItsCell() {
        let markdown = MarkdownSummary.render([F.hostile], now: F.now)
        let rows = Self.rows(markdown)
        #expect(rows.count == F.hostileTexts.count, "one line per run")
        for row in rows {
            // 8 unescaped pipes: the borders of 7 cells.
            let unescapedPipes = zip(row, " " + row).filter { $0 == "|" && $1 != "\\" }.count
            #expect(unescapedPipes == 8, "\(row)")
            #expect(!row.contains("<") && !row.contains("`") || row.contains("](<https://"), "\(row)")
            #expect(row.utf8.count < 8000, "cells are capped")
        }
        #expect(!markdown.contains("<script") && !markdown.contains("<details") && !markdown.contains("<img"))
    }

    /// Under the size limit: failures before passed rows, and what is left out is
    /// counted. (Nightly's full summary is about 6,900 bytes; its skeleton with every row
    /// left out about 340.)
    @Test(arguments: [
        (1_000_000, 3, 47),
        (3_000, 3, 16),
        (1_000, 3, 0),
        (700, 1, 0),
        (600, 0, 0),
    ])
    func staysUnderTheSizeLimit(maxBytes: Int, failuresShown: Int, passedShown: Int) {
        let markdown = MarkdownSummary.render([F.nightly], now: F.now, maxBytes: maxBytes)
        #expect(markdown.utf8.count <= maxBytes)
        let runIDs = Self.runIDs(markdown)
        #expect(runIDs.filter { $0 > 47 } == Array([48, 49, 50].prefix(failuresShown)), "failures first, in order")
        #expect(runIDs.filter { $0 <= 47 } == Array((1...47).prefix(passedShown)))
        #expect(runIDs.prefix(failuresShown).allSatisfy { $0 > 47 })
        if failuresShown == 3 && passedShown == 47 {
            #expect(!markdown.contains("Not listed"))
        } else {
            var parts: [String] = []
            if failuresShown < 3 { parts.append("\(3 - failuresShown) of 3 runs that did not pass (the JUnit report lists every run)") }
            if passedShown < 47 { parts.append("\(47 - passedShown) of 47 passed runs") }
            #expect(markdown.contains("_Not listed, to keep this summary under \(maxBytes) bytes: \(parts.joined(separator: ", "))._"))
        }
        #expect(markdown.contains("### ❌ nightly: 47 of 50 passed; 2 failed, 1 timed out"))
    }

    @Test func failuresOfEverySuiteComeBeforePassedRowsOfAny() {
        let a = F.suite("a", (1...40).map { F.run($0, .completed) } + [F.run(41, .failed)])
        let b = F.suite("b", (51...90).map { F.run($0, .completed) } + [F.run(91, .timeout)])
        let full = MarkdownSummary.render([a, b], now: F.now)
        let limit = full.utf8.count - 500
        let cut = MarkdownSummary.render([a, b], now: F.now, maxBytes: limit)
        #expect(cut.utf8.count <= limit)
        let ids = Set(Self.runIDs(cut))
        #expect(ids.contains(41) && ids.contains(91))
        #expect(cut.contains("passed runs._"))
    }

    @Test(arguments: [1, 10, 40, 100, 300])
    func evenATinyLimitHolds(maxBytes: Int) {
        let markdown = MarkdownSummary.render([F.nightly, F.mixed, F.hostile], now: F.now, maxBytes: maxBytes)
        #expect(markdown.utf8.count <= maxBytes)
        #expect(String(decoding: Data(markdown.utf8), as: UTF8.self) == markdown)
    }

    @Test func largeSuitesRenderUnderTheDefaultLimit() {
        let runs = (1...5_000).map {
            F.run($0, $0 % 10 == 0 ? .failed : .completed, scenario: "Scenario \($0)", error: String(repeating: "e", count: 250))
        }
        let markdown = MarkdownSummary.render([F.suite("big", runs)], now: F.now)
        #expect(markdown.utf8.count <= MarkdownSummary.defaultMaxBytes)
        let ids = Self.runIDs(markdown)
        #expect(ids.prefix(500).allSatisfy { $0 % 10 == 0 }, "all 500 failures first")
        #expect(ids.count < 5_000 && markdown.contains("passed runs._"))
    }
}
