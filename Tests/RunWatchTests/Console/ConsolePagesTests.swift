import Foundation
import RunWatch
import RunWatchCore
import Testing

/// Every page renders its document: the DOM markers the browser test relies on, counts
/// and rows as the document has them, valid HTML5 scaffolding on each.
@Suite struct ConsolePagesTests {
    let pages = ConsolePages()
    typealias F = ConsoleFixtures

    func everyPage() -> [(String, String)] {
        [
            ("overview", pages.overview(F.overview(), history: F.history)),
            ("suites", pages.suites(SuiteListDocument(generatedAt: F.now, suites: [F.suiteLine(), F.suiteLine(instance: 2, completed: true)]))),
            ("suite", pages.suite(F.suite())),
            ("run", pages.run(F.run())),
            ("deliveries", pages.deliveries(F.deliveries())),
            ("problem", pages.problem(status: 404, message: "no such run in the store")),
        ]
    }

    @Test func everyPageIsAWholeHTML5DocumentWithTheNavigation() {
        for (name, html) in everyPage() {
            let page = HTMLProbe(html)
            #expect(html.hasPrefix("<!doctype html>\n<html lang=\"en\">"), "\(name)")
            #expect(page.contains("<meta charset=\"utf-8\">"), "\(name)")
            #expect(page.contains("<meta name=\"viewport\""), "\(name)")
            #expect(page.contains("<title>runwatch"), "\(name)")
            #expect(page.contains("<link rel=\"stylesheet\" href=\"/console.css\">"), "\(name)")
            let nav = page.inner("<nav", until: "</nav>") ?? ""
            #expect(HTMLProbe(nav).hrefs == ["/", "/", "/suites", "/deliveries"], "\(name)")
            #expect(html.hasSuffix("</html>\n") || html.hasSuffix("</html>"), "\(name)")
            #expect(page.count("<main>") == 1 && page.count("</main>") == 1, "\(name)")
            // The CSP allows no inline style and no script: the pages use neither.
            #expect(!page.contains("style="), "\(name)")
            #expect(!page.contains("<script"), "\(name)")
            #expect(!page.contains("<style"), "\(name)")
            #expect(page.count("<table") == page.count("</table>"), "\(name)")
            #expect(page.count("<tr") == page.count("</tr>"), "\(name)")
        }
    }

    /// The markers the browser test reads (docs/design.md, "Console"), spelled exactly.
    @Test func theDOMMarkersAreSpelledExactly() {
        let chart = [RenderedChart(title: "t", svg: "<svg></svg>")]
        let overview = ConsoleTemplates.library.render(OverviewView(F.overview(), charts: chart), withTemplate: "overview") ?? ""
        let markers: [(String, [String])] = [
            (
                overview,
                [
                    "<table id=\"runs-by-status\">", "<tr data-status=\"failed\">", "<td class=\"count\">2</td>",
                    "<span id=\"watched-total\">4</span>", "<table id=\"notifiers\">", "<tr data-notifier=\"ops\">",
                    "<td class=\"pending\">2</td>", "<td class=\"dead\">1</td>", "<span id=\"api-state\">ok</span>",
                    "<figure class=\"chart\">",
                ]
            ),
            (
                pages.suites(SuiteListDocument(generatedAt: F.now, suites: [F.suiteLine()])),
                ["<table id=\"suites\">", "<tr class=\"suite\" data-suite=\"nightly\" data-instance=\"3\">"]
            ),
            (
                pages.suite(F.suite()),
                [
                    "<span id=\"suite-runs\">4</span>", "<span id=\"suite-passed\">1</span>", "<table id=\"suite-runs-table\">",
                    "<tr class=\"run\" data-run=\"11\" data-outcome=\"failed\">", "<tr class=\"run\" data-run=\"14\" data-outcome=\"running\">",
                ]
            ),
            (
                pages.run(F.run()),
                [
                    "<ol id=\"transitions\">", "<table id=\"deliveries\">", "<tr class=\"delivery\" data-notifier=\"ops\" data-state=\"delivered\">",
                    "<li class=\"attempt\">",
                ]
            ),
            (pages.deliveries(F.deliveries()), ["<tr class=\"delivery\" data-state=\"pending\" data-notifier=\"ops\">"]),
        ]
        for (html, expected) in markers {
            #expect(html.contains("<nav>"))
            #expect(html.contains("<title>runwatch"))
            for marker in expected { #expect(html.contains(marker), "\(marker)") }
        }
    }

    @Test func overviewShowsCountsStatusesNotifiersAndSuites() throws {
        let page = HTMLProbe(pages.overview(F.overview(), history: F.history))
        #expect(page.contains("<span id=\"watched-total\">4</span>"))
        #expect(page.contains("<span class=\"state-ok\"><span id=\"api-state\">ok</span></span>"))
        // Lifecycle order: not yet seen, then the API's statuses.
        #expect(page.values(of: "data-status") == ["submitted", "running", "completed", "failed"])
        #expect(page.contains("<tr data-status=\"failed\"><th scope=\"row\">failed</th><td class=\"count\">2</td></tr>"))
        #expect(page.contains("<tr data-status=\"running\"><th scope=\"row\">running</th><td class=\"count\">3</td></tr>"))
        #expect(page.values(of: "data-outcome") == ["completed", "failed", "cancelled"])
        #expect(page.contains("2 runs failed"))
        #expect(page.contains("1 run was cancelled"))
        #expect(page.values(of: "data-notifier") == ["ops", "hook"])
        #expect(page.contains("<td class=\"pending\">2</td><td class=\"dead\">1</td>"))
        #expect(page.contains("disabled until reload: HTTP 410 Gone"))
        #expect(page.contains("<a href=\"/suites/nightly/3\">nightly</a>"))
        #expect(page.contains("<progress max=\"10\" value=\"4\">"))
        #expect(page.contains("12 of 60 a minute (20%)"))
        #expect(page.contains("<span id=\"api-state\">ok</span></span></p>"), "no detail while the API is fine")
        #expect(page.contains("<meter id=\"budget-use\""))
        #expect(page.contains("<tr class=\"result\"><th scope=\"row\">77</th>"))
        #expect(page.contains("<meta http-equiv=\"refresh\" content=\"10\">"))
    }

    @Test func overviewFromTheStoreAloneSaysSoAndTheAPIStateIsUnknown() {
        let summary = F.summary(active: 1, apiState: "backing off until 2026-07-14T03:40:00Z")
        let page = HTMLProbe(pages.overview(F.overview(summary: summary, live: nil), history: F.history))
        #expect(page.contains("unknown</span></span> — backing off until 2026-07-14T03:40:00Z</p>"), "the store's note on the API")
        #expect(page.contains("<span class=\"state-unknown\"><span id=\"api-state\">unknown</span></span>"))
        #expect(page.contains("live state is not available"))
        #expect(!page.contains("id=\"budget-use\""))
        #expect(page.contains("<dd id=\"sweep-period\">2s</dd>"), "the document's effective sweep period")
    }

    @Test(arguments: ["ok", "backing_off", "rate_limited", "key_rejected", "not_contacted", "made_up", "<b>"])
    func theAPIStateSpanHoldsOnlyTheNamedStates(api: String) {
        let live = LiveLine(statusLine: "x", api: api, budgetRequestsPerMinute: 60, requestsLastMinute: 0)
        let page = HTMLProbe(pages.overview(F.overview(live: live), history: F.history))
        let expected = ConsolePageText.apiStates.contains(api) ? api : "unknown"
        #expect(page.inner("<span id=\"api-state\"", until: "</span>") == expected)
    }

    @Test func anEmptyOverviewRendersWithZeroes() {
        let document = OverviewDocument(generatedAt: F.now, summary: F.summary())
        let page = HTMLProbe(pages.overview(document, history: F.history))
        #expect(page.contains("<span id=\"watched-total\">0</span>"))
        #expect(page.values(of: "data-status").isEmpty)
        #expect(page.contains("No runs yet."))
        #expect(page.contains("No notifier is configured."))
        // The charts are drawn for any history, an empty one too (the charts part decides).
        #expect(page.count("<figure class=\"chart\">") == ConsoleCharts.render(F.history).count)
    }

    @Test func chartsAreFiguresWithTheirSVGAsRendered() {
        // The charts helper's renderer fills these; the page embeds whatever it returns.
        let view = OverviewView(
            F.overview(), charts: [RenderedChart(title: "Requests <per> minute", svg: "<svg role=\"img\"><title>r</title></svg>")])
        #expect(view.charts.count == 1)
        let html = ConsoleTemplates.library.render(view, withTemplate: "overview") ?? ""
        #expect(
            html.contains(
                "<figure class=\"chart\"><figcaption>Requests &lt;per&gt; minute</figcaption><svg role=\"img\"><title>r</title></svg></figure>"))
    }

    @Test func suitesListsRunningThenCompletedWithProgressAndPassRates() {
        let document = SuiteListDocument(
            generatedAt: F.now,
            suites: [
                F.suiteLine(),
                F.suiteLine(
                    name: "a/b c", instance: 9, completed: true, runs: 3, ended: 3, passed: 2, counts: ["completed": 2, "failed": 1],
                    verdict: "failed"),
            ])
        let page = HTMLProbe(pages.suites(document))
        #expect(page.count("<tr class=\"suite\"") == 2)
        #expect(page.values(of: "data-suite") == ["nightly", "a/b c"])
        #expect(page.values(of: "data-instance") == ["3", "9"])
        #expect(page.contains("<a href=\"/suites/nightly/3\">nightly</a>"))
        #expect(page.contains("<a href=\"/suites/a%2Fb%20c/9\">a/b c</a>"))
        #expect(page.contains("<progress max=\"4\" value=\"3\">"))
        #expect(page.contains("1 result expanding"))
        #expect(page.contains("2 of 3 passed"))
        #expect(page.contains("66%"), "rounded down")
        #expect(page.contains("<meter min=\"0\" max=\"1\""))
        #expect(page.contains("1 failed"))
    }

    @Test func noSuitesSaysHowSuitesAreMade() {
        let page = HTMLProbe(pages.suites(SuiteListDocument(generatedAt: F.now, suites: [])))
        #expect(page.contains("<table id=\"suites\">"))
        #expect(page.count("<tr class=\"suite\"") == 0)
        #expect(page.contains("No suite yet"))
    }

    @Test func suitePageListsEveryRunWithItsOutcomeAndLinks() {
        let page = HTMLProbe(pages.suite(F.suite()))
        #expect(page.contains("<span id=\"suite-runs\">4</span>"))
        #expect(page.contains("<span id=\"suite-passed\">1</span>"))
        #expect(page.contains("<table id=\"suite-runs-table\">"))
        #expect(page.values(of: "data-run") == ["11", "12", "13", "14"])
        #expect(page.values(of: "data-outcome") == ["failed", "timeout", "completed", "running"])
        #expect(page.contains("<a href=\"/runs/11\">11</a>"))
        #expect(page.contains("<a href=\"https://dashboard.cekura.ai/results/77\" rel=\"noopener noreferrer\">result</a>"))
        #expect(page.contains("<td class=\"num\">65s</td>"), "01:05 read as seconds")
        #expect(page.contains("<td class=\"num\">47s</td>"))
        #expect(page.contains("agent hung up"))
        #expect(!page.contains("agent-ended-call"), "how a passed run's call ended is not an error")
        #expect(page.contains("impatient"))
        #expect(page.contains("timed out"))
        #expect(page.contains("<a href=\"/suites/nightly/2\">#2</a>"), "other instances link to their own page")
        #expect(page.contains("<meta http-equiv=\"refresh\""), "a running suite reloads")
    }

    @Test func aCompletedSuiteDoesNotReload() {
        let line = F.suiteLine(completed: true, runs: 4, ended: 4, passed: 4, counts: ["completed": 4], verdict: "passed")
        let document = SuiteDocument(generatedAt: F.now, suite: line, runs: F.runs())
        #expect(!pages.suite(document).contains("http-equiv=\"refresh\""))
    }

    @Test func runPageShowsTransitionsSnapshotAndEveryAttempt() throws {
        let html = pages.run(F.run())
        let page = HTMLProbe(html)
        let transitions = try #require(page.inner("<ol id=\"transitions\"", until: "</ol>"))
        #expect(HTMLProbe(transitions).count("<li>") == 3)
        #expect(transitions.contains("<span class=\"from\">running</span> → <span class=\"to\">failed</span>"))
        #expect(transitions.contains("<time datetime=\"2026-07-14T03:00:00Z\">2026-07-14T03:00:00Z</time> <span class=\"ago\">(33m ago)</span>"))
        #expect(page.contains("<dl id=\"snapshot\""))
        #expect(page.contains("<dt>Error message</dt><dd>agent hung up</dd>"))
        #expect(page.contains("<table id=\"deliveries\">"))
        #expect(page.count("<tr class=\"delivery\"") == 2)
        #expect(page.contains("<tr class=\"delivery\" data-notifier=\"ops\" data-state=\"delivered\">"))
        #expect(page.contains("<tr class=\"delivery\" data-notifier=\"hook\" data-state=\"dead\">"))
        #expect(page.count("<li class=\"attempt\">") == 3)
        #expect(page.contains("retry — HTTP 503"))
        #expect(page.contains("delivered — accepted"))
        #expect(page.contains("<a href=\"/suites/nightly/3\">nightly #3</a>"))
        #expect(!page.contains("http-equiv=\"refresh\""), "an ended run with nothing owed does not reload")
    }

    @Test func aRunThatPassedHasNoSnapshotSection() {
        let page = HTMLProbe(pages.run(F.run(snapshot: nil)))
        #expect(!page.contains("id=\"snapshot\""))
        #expect(page.contains("<ol id=\"transitions\">"))
    }

    @Test func deliveriesPageListsPendingAndDeadPerNotifierWithWhyAndTheFix() {
        let page = HTMLProbe(pages.deliveries(F.deliveries()))
        #expect(page.count("<tr class=\"delivery\" data-state=\"pending\"") == 2)
        #expect(page.count("<tr class=\"delivery\" data-state=\"dead\"") == 1)
        #expect(page.contains("<tr class=\"delivery\" data-state=\"dead\" data-notifier=\"ops\">"))
        #expect(page.contains("<span id=\"pending-count\">2</span>"))
        #expect(page.contains("<span id=\"dead-count\">1</span>"))
        #expect(page.contains("HTTP 404"))
        #expect(page.contains("not tried yet"))
        #expect(page.contains("<code>runwatch outbox retry ID</code>"))
        #expect(page.contains("<code>runwatch outbox retry --all</code>"))
        #expect(page.contains("<a href=\"/runs/11\">run 11</a>"))
        #expect(page.contains("(in 30s)"), "the next attempt, relative to the page's time")
        #expect(page.values(of: "data-notifier").filter { $0 == "hook" }.count == 2)
    }

    @Test(arguments: [(404, "Not found"), (503, "Unavailable")])
    func problemPagesSayWhatHappened(status: Int, title: String) {
        let page = HTMLProbe(pages.problem(status: status, message: "no such suite"))
        #expect(page.contains("<h1>\(title) <span class=\"status\">(\(status))</span></h1>"))
        #expect(page.contains("<p id=\"problem\">no such suite.</p>"))
        #expect(!page.contains("http-equiv=\"refresh\""))
    }

    @Test func theStylesheetIsSelfContained() {
        let css = pages.stylesheet
        #expect(css.contains("body"))
        #expect(!css.contains("@import"))
        #expect(!css.contains("url("))
    }
}
