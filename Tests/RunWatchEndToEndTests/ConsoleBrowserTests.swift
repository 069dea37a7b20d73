import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// The console as a person sees it: the daemon, fed by the simulator, serves its pages on
/// `console_listen`; headless Chromium loads each one (and its stylesheet) and the DOM it
/// built, parsed by Python's html.parser, must show what the store holds, by the markers
/// of docs/design.md ("Console"). Also: a hostile label is text, never markup; no page
/// holds the API key, a notifier URL or a signing secret; and the overview and a suite
/// page are kept as screenshots (in `RUNWATCH_ARTIFACTS_DIR` when scripts/test sets it).
@Suite(.serialized) struct ConsoleBrowserTests {
    static let hostileLabel = "<script>alert(1)</script>"
    static let suiteName = "nightly smoke β"
    static let apiKey = "ck_live_browser-test-key-9f3a7c"
    static let signingSecret = "whsec_" + Data((0..<24).map { UInt8($0 * 11 % 256) }).base64EncodedString()
    /// Distinctive path parts of the notifier URLs (a Slack webhook URL is its secret).
    static let slackPath = "/slack/T0CONSOLE/B0BROWSER/xoxSecretPathToken"
    static let hookPath = "/hooks/ci-private-path-7d1e"
    static let deadPath = "/pager/refusing-path-42aa"

    static func script(_ status: String, success: Bool?, seconds: Double = 0.3) -> RunScript {
        RunScript(stages: [.init("running", seconds: seconds), .init(status, seconds: 0)], success: success)
    }

    /// Suite runs 1…12 (8 pass, 2 fail, a timeout, one unsuccessful); run 20 fails on
    /// its own; run 21 is still running when the pages are read.
    static let suiteScripts: [RunID: RunScript] = Dictionary(
        uniqueKeysWithValues: (1...12).map { id -> (RunID, RunScript) in
            switch id {
            case 3, 9: (RunID(id), script("failed", success: false))
            case 5: (RunID(id), script("timeout", success: nil))
            case 11: (RunID(id), script("completed", success: false))
            default: (RunID(id), script("completed", success: true))
            }
        })

    @Test(
        .enabled("needs chromium (scripts/setup installs it; CI=1 or RUNWATCH_REQUIRE_BROWSER=1 make it required)") {
            if case .skip = HeadlessBrowser.availability() { return false }
            return true
        })
    func everyPageInChromiumShowsWhatTheStoreHolds() async throws {
        let browser: HeadlessBrowser
        switch HeadlessBrowser.availability() {
        case .available(let found): browser = found
        case .missing(let message), .skip(let message):
            Issue.record(Comment(rawValue: message))
            return
        }
        var options = CekuraSimulator.Options()
        options.apiKey = Self.apiKey
        let simulator = CekuraSimulator(options: options)
        for (id, script) in Self.suiteScripts { simulator.addRun(id, script: script) }
        simulator.addRun(20, script: Self.script("failed", success: false))
        simulator.addRun(21, script: Self.script("completed", success: true, seconds: 3600))
        // A notifier whose endpoint refuses every message (400): its letters die, so the
        // deliveries page has dead letters to show.
        let refuser = try await ScriptedHTTPServer.bind { _ in .plain(.text(400, "no such channel")) }
        try await withTemporaryDirectory { dir in
            try writeFile(dir + "/secret", Self.signingSecret + "\n")
            try await InProcess.serving([refuser]) {
                try await TestBed.run(
                    simulator: simulator, in: dir,
                    configure: { config, hooks in
                        config.consoleListen = "127.0.0.1:0"
                        config.suites.quietPeriod = .seconds(1)
                        config.notifiers = [
                            .init(name: "team", kind: .slack, url: hooks + Self.slackPath, groupWindow: .milliseconds(200)),
                            .init(name: "ci", kind: .webhook, url: hooks + Self.hookPath, secretFile: dir + "/secret"),
                            .init(name: "pager", kind: .webhook, url: refuser.baseURL + Self.deadPath),
                        ]
                    }
                ) { h in
                    try await Self.check(h, browser: browser, refuser: refuser.baseURL)
                }
            }
        }
    }

    static func check(_ h: TestBed, browser: HeadlessBrowser, refuser: String) async throws {
        let console = try #require(h.daemon.console?.baseURL, "console_listen is set, so the daemon serves the console")
        try SpoolWriter.submit(
            SpoolSubmission(runIDs: Array(1...12), labels: ["owner": hostileLabel], suite: suiteName), to: h.spool)
        try SpoolWriter.submit(SpoolSubmission(runIDs: [20, 21], labels: ["owner": hostileLabel]), to: h.spool)
        // Settled: 13 runs ended, 21 running, the suite complete, nothing pending, and the
        // refusing notifier's letters dead.
        let store = h.daemon.store
        let settled = await waitUntil(timeout: .seconds(120), every: .milliseconds(200)) {
            guard let summary = try? await store.summary(), let report = try? await store.suiteReport(name: suiteName) else { return false }
            return summary.runsByStatus.values.reduce(0, +) == 14 && summary.active == 1 && summary.runsByStatus["running"] == 1
                && summary.outboxPending == 0 && summary.outboxDead > 0 && report.completedAt != nil
        }
        try #require(settled, "the runs end, the suite completes and every message is delivered or dead")
        let summary = try await store.summary()
        let report = try #require(try await store.suiteReport(name: suiteName))
        let failedRun = try #require(try await store.history(of: 20))
        let pages = ConsolePaths(suiteName: suiteName, instance: report.instance, run: 20)

        var doms: [String: DOMNode] = [:]
        for path in pages.all {
            let html = try await browser.dumpDOM(console + path)
            let dom = try await DOMNode.parse(html)
            doms[path] = dom
            checkEveryPage(dom, html: html, path: path, secrets: [apiKey, signingSecret, slackPath, hookPath, deadPath, h.hooksURL, refuser])
        }

        // Overview: runs by status, active runs, each notifier's queue, the API state.
        let overview = try #require(doms["/"])
        let statusRows = overview.elements("tr", having: ["data-status": nil])
        #expect(overview.element(id: "runs-by-status") != nil, "the overview has table#runs-by-status")
        for (status, count) in summary.runsByStatus {
            let row = statusRows.first { $0["data-status"] == status }
            #expect(row?.elements("td", classes: ["count"]).first?.integer == count, "runs-by-status row '\(status)'")
        }
        for row in statusRows {
            let status = row["data-status"] ?? ""
            #expect(row.elements("td", classes: ["count"]).first?.integer == summary.runsByStatus[status] ?? 0, "row '\(status)'")
        }
        #expect(overview.element(id: "watched-total")?.integer == summary.active)
        let pendingByNotifier = try await store.pendingByNotifier()
        let notifierRows = overview.element(id: "notifiers")?.elements("tr", having: ["data-notifier": nil]) ?? []
        #expect(Set(notifierRows.compactMap { $0["data-notifier"] }) == ["team", "ci", "pager"])
        for row in notifierRows {
            let name = row["data-notifier"] ?? ""
            #expect(row.elements("td", classes: ["pending"]).first?.integer == pendingByNotifier[name] ?? 0, "pending of \(name)")
            // Only the refusing notifier has dead letters.
            #expect(row.elements("td", classes: ["dead"]).first?.integer == (name == "pager" ? summary.outboxDead : 0), "dead of \(name)")
        }
        #expect(overview.element(id: "api-state")?.text == "ok", "the simulator answered every poll")
        for chart in overview.elements("figure", classes: ["chart"]) {
            #expect(!chart.elements("svg").isEmpty, "each chart figure holds its server-rendered SVG")
        }

        // Suites: the instance is listed, and its link (a name with a space and a β, so
        // percent-encoded) leads the browser to its page.
        let suites = try #require(doms["/suites"])
        let suiteRows = suites.element(id: "suites")?.elements("tr", classes: ["suite"]) ?? []
        let suiteRow = suiteRows.first { $0["data-suite"] == suiteName && $0["data-instance"] == String(report.instance) }
        #expect(suiteRow != nil, "the suite instance is listed")
        if let href = suiteRow?.elements("a").first?["href"] {
            let linked = try await DOMNode.parse(try await browser.dumpDOM(href.hasPrefix("/") ? console + href : href))
            #expect(linked.element(id: "suite-runs")?.integer == report.runs.count, "the suites page's link \(href) leads to the suite")
        } else {
            Issue.record("the suite's row has no link")
        }

        // The suite page: every run with its outcome.
        let suite = try #require(doms[pages.suite])
        #expect(suite.element(id: "suite-runs")?.integer == report.runs.count)
        #expect(suite.element(id: "suite-passed")?.integer == report.runs.filter { $0.outcome == .completed }.count)
        let runRows = suite.element(id: "suite-runs-table")?.elements("tr", classes: ["run"]) ?? []
        let shown = Dictionary(runRows.map { ($0["data-run"] ?? "", $0["data-outcome"] ?? "") }) { first, _ in first }
        let stored = Dictionary(uniqueKeysWithValues: report.runs.map { (String($0.id), $0.outcome?.rawValue ?? "running") })
        #expect(runRows.count == report.runs.count && shown == stored)
        // With no script element on the page (checked for every page), the label in the
        // page's text means it was rendered as text.
        #expect(suite.text.contains(hostileLabel), "the suite's label is shown, as text")

        // The run page: its transitions and every message about it with its attempts.
        let run = try #require(doms[pages.run])
        #expect(run.element(id: "transitions")?.elements("li").count == failedRun.transitions.count)
        let deliveryRows = run.element(id: "deliveries")?.elements("tr", classes: ["delivery"]) ?? []
        let shownDeliveries = deliveryRows.map { "\($0["data-notifier"] ?? "")/\($0["data-state"] ?? "")" }.sorted()
        #expect(shownDeliveries == failedRun.deliveries.map { "\($0.notifier)/\($0.state)" }.sorted())
        #expect(run.elements("li", classes: ["attempt"]).count == failedRun.deliveries.map(\.attempts).reduce(0, +))
        #expect(run.text.contains(hostileLabel), "the run's label is shown, as text")
        // The suite page links each run to its page.
        let failedRow = runRows.first { $0["data-run"] == "3" }
        if let href = failedRow?.elements("a").first?["href"] {
            let linked = try await DOMNode.parse(try await browser.dumpDOM(href.hasPrefix("/") ? console + href : href))
            let history = try #require(try await store.history(of: 3))
            #expect(linked.element(id: "transitions")?.elements("li").count == history.transitions.count, "\(href) is run 3's page")
        } else {
            Issue.record("the suite page's row of run 3 has no link")
        }

        // Deliveries: what is pending and what died, per notifier.
        let deliveries = try #require(doms["/deliveries"])
        let letters = deliveries.elements("tr", classes: ["delivery"])
        #expect(letters.filter { $0["data-state"] == "pending" }.count == summary.outboxPending)
        #expect(letters.filter { $0["data-state"] == "dead" }.count == summary.outboxDead)
        #expect(letters.filter { $0["data-state"] == "dead" }.allSatisfy { $0["data-notifier"] == "pager" })

        try await keepScreenshots(browser, console: console, pages: pages)
    }

    /// What every page must be: titled, navigable, no script or inline style (the CSP
    /// forbids both, so either would be a page that does not render as designed), and
    /// no secret anywhere.
    static func checkEveryPage(_ dom: DOMNode, html: String, path: String, secrets: [String]) {
        let title = dom.elements("title").first?.text ?? ""
        #expect(title.hasPrefix("runwatch"), "\(path): title '\(title)'")
        let navLinks = Set(dom.elements("nav").flatMap { $0.elements("a") }.compactMap { $0["href"] })
        #expect(navLinks.isSuperset(of: ["/", "/suites", "/deliveries"]), "\(path): nav links \(navLinks.sorted())")
        #expect(dom.elements("script").isEmpty, "\(path): no script element (a label must stay text)")
        for element in dom.all {
            let handlers = element.attributes.keys.filter { $0.hasPrefix("on") }
            #expect(handlers.isEmpty, "\(path): <\(element.tag)> has event handler attributes \(handlers)")
            #expect(element["style"] == nil, "\(path): <\(element.tag)> has an inline style the CSP would block")
            #expect(!["iframe", "object", "embed", "style"].contains(element.tag), "\(path): <\(element.tag)>")
        }
        for secret in secrets {
            #expect(!html.contains(secret), "\(path) shows a secret or a notifier URL")
        }
    }

    /// Screenshots of the overview and the suite page, checked to be PNGs of the window's
    /// size; kept in `RUNWATCH_ARTIFACTS_DIR` when set (scripts/test prints where).
    static func keepScreenshots(_ browser: HeadlessBrowser, console: String, pages: ConsolePaths) async throws {
        let environment = ProcessInfo.processInfo.environment
        try await withTemporaryDirectory { scratch in
            let folder = environment["RUNWATCH_ARTIFACTS_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? scratch
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, path) in [("console-overview.png", "/"), ("console-suite.png", pages.suite)] {
                let file = folder + "/" + name
                try await browser.screenshot(console + path, to: file, width: 1280, height: 1600)
                let size = PNGSize(file: file)
                #expect(size?.width == 1280 && size?.height == 1600, "\(name): \(String(describing: size))")
            }
        }
    }
}

/// The pages the test loads, by the console's routes.
struct ConsolePaths {
    var suite: String
    var run: String
    var all: [String] { ["/", "/suites", suite, run, "/deliveries"] }

    init(suiteName: String, instance: Int64, run: RunID) {
        suite = "/suites/" + ConsoleLinks.segment(suiteName) + "/\(instance)"
        self.run = "/runs/\(run)"
    }
}

/// A PNG's width and height from its IHDR chunk; nil when the file is not a PNG.
struct PNGSize: Equatable {
    var width: Int
    var height: Int

    init?(file: String) {
        guard let data = FileManager.default.contents(atPath: file), data.count >= 24,
            data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), data[12..<16] == Data("IHDR".utf8)
        else { return nil }
        func bigEndian(_ range: Range<Int>) -> Int { data[range].reduce(0) { $0 << 8 | Int($1) } }
        width = bigEndian(16..<20)
        height = bigEndian(20..<24)
    }
}
