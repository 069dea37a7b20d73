import Foundation
import RunWatchTesting
import Testing

/// The browser harness itself, on a fixed page: what `ConsoleBrowserTests` concludes is
/// only as good as Chromium's DOM read back through html.parser, and as the rule that CI
/// fails rather than skips without a browser.
@Suite struct HeadlessBrowserTests {
    @Test(
        arguments: [
            ([:], false), (["CI": "1"], true), (["CI": "true"], true), (["CI": "0"], false), (["CI": ""], false),
            (["RUNWATCH_REQUIRE_BROWSER": "1"], true), (["RUNWATCH_REQUIRE_BROWSER": "0"], false),
        ] as [([String: String], Bool)])
    func aMissingBrowserFailsOnlyWhereRequired(environment: [String: String], required: Bool) {
        switch HeadlessBrowser.availability(environment: environment, candidates: ["/nonexistent/chromium"]) {
        case .available: Issue.record("no browser at /nonexistent")
        case .skip(let message):
            #expect(!required)
            #expect(message.contains("scripts/setup installs Debian's chromium"))
        case .missing(let message):
            #expect(required)
            #expect(message.contains("RUNWATCH_REQUIRE_BROWSER"))
        }
    }

    /// A page with the markers the console tests count, text that looks like markup, an
    /// unclosed cell, void elements and inline SVG: the DOM Chromium builds, parsed, has
    /// exactly them; the markup-like text stayed text.
    @Test(
        .enabled("needs chromium (scripts/setup installs it)") {
            if case .skip = HeadlessBrowser.availability() { return false }
            return true
        })
    func chromiumsDOMReadBackByHTMLParserHasThePagesElementsAndText() async throws {
        guard case .available(let browser) = HeadlessBrowser.availability() else {
            Issue.record("chromium is required here but missing")
            return
        }
        try await withTemporaryDirectory { dir in
            let page = """
                <!doctype html><html><head><meta charset="utf-8"><title>runwatch — fixture</title></head>
                <body><nav><a href="/">Overview</a> <a href="/suites">Suites</a><br><a href="/deliveries">Deliveries</a></nav>
                <table id="runs-by-status"><tr data-status="failed"><th>failed</th><td class="count">3</td></tr>
                <tr data-status="completed"><th>completed</th><td class="count num">1,204<td class="x">extra</tr></table>
                <p id="label">&lt;script&gt;alert(1)&lt;/script&gt; &amp; β</p>
                <figure class="chart"><svg viewBox="0 0 10 10"><path d="M0 0L10 10"/></svg></figure>
                </body></html>
                """
            try writeFile(dir + "/page.html", page)
            let html = try await browser.dumpDOM("file://\(dir)/page.html")
            let dom = try await DOMNode.parse(html)
            #expect(dom.elements("title").first?.text == "runwatch — fixture")
            #expect(Set(dom.elements("nav").flatMap { $0.elements("a") }.compactMap { $0["href"] }) == ["/", "/suites", "/deliveries"])
            let rows = dom.element(id: "runs-by-status")?.elements("tr", having: ["data-status": nil]) ?? []
            #expect(rows.map { $0["data-status"] } == ["failed", "completed"])
            #expect(rows.first?.elements("td", classes: ["count"]).first?.integer == 3)
            #expect(rows.last?.elements("td", classes: ["count"]).first?.text == "1,204", "an unclosed cell ends at the next")
            #expect(rows.last?.elements("td", classes: ["count"]).first?.integer == nil, "1,204 is not read as a count")
            #expect(dom.elements("td", classes: ["count", "num"]).count == 1)
            #expect(dom.element(id: "label")?.text == "<script>alert(1)</script> & β")
            #expect(dom.elements("script").isEmpty)
            #expect(dom.elements("figure", classes: ["chart"]).first?.elements("path").count == 1)
            #expect(dom.elements("tbody").count == 1, "the DOM is the browser's: it added the table body")
        }
    }
}
