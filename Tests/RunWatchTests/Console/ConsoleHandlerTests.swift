import Foundation
import GRDB
import Logging
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// `ConsoleHandler.respond` for every page route against a real SQLite store: status
/// codes, content types, security headers, escaping of a hostile label, and no secret
/// from the configuration in any answer.
@Suite struct ConsoleHandlerTests {
    let t0 = Date(timeIntervalSince1970: 1_784_000_000)
    static let secrets = ["KEY-SECRET-0451", "T000/B000/SLACKSECRET", "hook-token-SECRET", "whsec_SIGNINGSECRET"]
    static let hostileLabel = "<script>alert(1)</script>"

    static let expectedHeaders = [
        ("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store"),
    ]

    /// A handler over a store holding a failed run in suite `nightly` with a hostile label,
    /// and a configuration whose key, notifier URLs and signing secret are all secrets.
    func withHandler(_ body: (ConsoleHandler) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(
                SpoolSubmission(runIDs: [101, 102], labels: ["suite": "nightly", "team": Self.hostileLabel], suite: "nightly"), at: t0)
            let (_, ended) = RunTracker.observe(
                RunSnapshot(id: 101, status: .failed, success: false, scenarioName: Self.hostileLabel, errorMessage: "\"><img src=x onerror=1>"),
                run: TrackedRun(state: RunState(status: .running), submittedAt: t0), at: t0.addingTimeInterval(60), policy: WatchPolicy())
            let draft = OutboxDraft(notifier: "ops", runID: 101, event: "run.failed", idempotencyKey: "k101", payload: Data("{}".utf8))
            try await store.record(PollRecord(at: t0.addingTimeInterval(60), updates: [ended], messages: [draft]))
            try writeFile(dir + "/key", Self.secrets[0] + "\n")
            try writeFile(dir + "/signing", Self.secrets[3] + "\n")
            let configuration = try Configuration.parse(
                yaml: """
                    api:
                      api_key_file: \(dir)/key
                    notifiers:
                      - name: ops
                        kind: slack
                        url: https://hooks.slack.com/services/\(Self.secrets[1])
                      - name: ci
                        kind: webhook
                        url: https://ci.example/hook?token=\(Self.secrets[2])
                        secret_file: \(dir)/signing
                    """)
            let now = t0.addingTimeInterval(120)
            let context = ConsoleContext(store: store, facts: { ConsoleFacts(configuration) }, now: { now })
            try await body(ConsoleHandler(context: context, logger: Logger(label: "console-test")))
        }
    }

    func expectSecurityHeaders(_ response: LoopbackHTTPServer.Response, _ path: String) {
        for (name, value) in Self.expectedHeaders {
            #expect(response.header(name) == value, "\(path): \(name)")
        }
    }

    @Test func everyPageRouteAnswersHTMLWithTheSecurityHeadersAndNoSecret() async throws {
        try await withHandler { handler in
            for path in ["/", "/suites", "/suites/", "/deliveries", "/suites/nightly", "/suites/nightly/1", "/runs/101", "/runs/102"] {
                let response = await handler.respond(.make(path))
                let (status, _, body) = try #require(response.parts)
                #expect(status == 200, "\(path): \(status)")
                #expect(response.header("Content-Type") == "text/html; charset=utf-8", "\(path)")
                expectSecurityHeaders(response, path)
                #expect(body.hasPrefix("<!doctype html>"), "\(path)")
                #expect(body.contains("<title>runwatch"), "\(path)")
                for secret in Self.secrets { #expect(!body.contains(secret), "\(path) shows a secret") }
                #expect(!body.contains("hooks.slack.com"), "\(path) shows a notifier URL")
                #expect(!body.contains("ci.example"), "\(path) shows a notifier URL")
                #expect(!body.contains(Self.hostileLabel), "\(path) prints a label unescaped")
                #expect(!body.contains("<img"), "\(path) prints an API string unescaped")
            }
        }
    }

    @Test func everyJSONRouteAnswersJSONWithNoSecret() async throws {
        try await withHandler { handler in
            for path in ["/api/v1/overview", "/api/v1/suites", "/api/v1/deliveries", "/api/v1/history", "/api/v1/suites/nightly", "/api/v1/runs/101"]
            {
                let response = await handler.respond(.make(path))
                let (status, _, body) = try #require(response.parts)
                #expect(status == 200, "\(path): \(status)")
                #expect(response.header("Content-Type") == "application/json", "\(path)")
                expectSecurityHeaders(response, path)
                #expect(try JSONSerialization.jsonObject(with: Data(body.utf8)) is [String: Any], "\(path)")
                for secret in Self.secrets { #expect(!body.contains(secret), "\(path) shows a secret") }
                #expect(!body.contains("hooks.slack.com") && !body.contains("ci.example"), "\(path) shows a notifier URL")
            }
        }
    }

    @Test func pagesThatNeedTheStoreShowItsRunsEscaped() async throws {
        try await withHandler { handler in
            let suite = try #require(await handler.respond(.make("/suites/nightly")).parts)
            #expect(suite.status == 200)
            let suitePage = HTMLProbe(suite.body)
            #expect(suitePage.contains("<span id=\"suite-runs\">2</span>"))
            #expect(suitePage.values(of: "data-run").sorted() == ["101", "102"])
            #expect(suitePage.contains("<tr class=\"run\" data-run=\"101\" data-outcome=\"failed\">"))
            #expect(suitePage.contains("<tr class=\"run\" data-run=\"102\" data-outcome=\"running\">"))
            #expect(suitePage.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the scenario and the label, escaped")
            let run = try #require(await handler.respond(.make("/runs/101")).parts)
            #expect(run.status == 200)
            let runPage = HTMLProbe(run.body)
            #expect(runPage.count("<li>") >= 1)
            #expect(runPage.contains("<ol id=\"transitions\">"))
            #expect(runPage.contains("&quot;&gt;&lt;img src=x onerror=1&gt;"), "the error, escaped")
            #expect(runPage.contains("<tr class=\"delivery\" data-notifier=\"ops\" data-state=\"pending\">"))
            #expect(runPage.contains("<a href=\"/suites/nightly/1\">nightly #1</a>"), "the suite it is in")
        }
    }

    @Test func theOverviewCountsWhatTheStoreHolds() async throws {
        try await withHandler { handler in
            let (status, _, body) = try #require(await handler.respond(.make("/")).parts)
            #expect(status == 200)
            let page = HTMLProbe(body)
            #expect(page.contains("<span id=\"watched-total\">1</span>"), "run 102 is still watched")
            #expect(page.contains("<tr data-status=\"failed\"><th scope=\"row\">failed</th><td class=\"count\">1</td></tr>"))
            #expect(page.contains("<span class=\"state-unknown\"><span id=\"api-state\">unknown</span></span>"), "no daemon: no live state")
        }
    }

    @Test func unknownSuitesRunsAndPathsAre404Pages() async throws {
        try await withHandler { handler in
            for path in ["/suites/no-such-suite", "/suites/nightly/999", "/runs/999999", "/nope", "/runs/abc", "/suites/..", "/index.html"] {
                let response = await handler.respond(.make(path))
                let (status, _, body) = try #require(response.parts)
                #expect(status == 404, "\(path)")
                #expect(response.header("Content-Type") == "text/html; charset=utf-8", "\(path)")
                expectSecurityHeaders(response, path)
                #expect(body.contains("<h1>Not found <span class=\"status\">(404)</span></h1>"), "\(path)")
                #expect(!body.contains("no-such-suite") && !body.contains("999999") && !body.contains("index.html"), "\(path) is echoed")
            }
            let api = await handler.respond(.make("/api/v1/runs/999999"))
            #expect(api.parts?.status == 404)
            #expect(api.header("Content-Type") == "application/json")
        }
    }

    @Test func aRequestPathIsNeverEchoed() async throws {
        try await withHandler { handler in
            let path = "/suites/%3Cscript%3Ealert(9)%3C%2Fscript%3E"
            let body = try #require(await handler.respond(.make(path)).parts).body
            #expect(!body.contains("<script>alert(9)"))
            #expect(!body.contains("alert(9)"))
        }
    }

    /// A store that fails to read (here its `runs` table is gone, as in a damaged file) is a
    /// 503 page in the console's own words: not the SQL error, not the store's path.
    @Test func aStoreThatCannotBeReadIsA503PageThatNamesNoInternals() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [1]), at: t0)
            let context = ConsoleContext(
                store: store,
                facts: { ConsoleFacts(maxRequestsPerSecond: 1, batchSize: 50, pollInterval: .seconds(5), notifiers: []) }, now: { self.t0 })
            let handler = ConsoleHandler(context: context, logger: Logger(label: "console-test"))
            let damage = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
            try await damage.write { db in try db.execute(sql: "ALTER TABLE runs RENAME TO runs_gone") }
            let page = await handler.respond(.make("/"))
            let (status, _, body) = try #require(page.parts)
            #expect(status == 503)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            expectSecurityHeaders(page, "/")
            #expect(body.contains("<h1>Unavailable <span class=\"status\">(503)</span></h1>"))
            #expect(body.contains("store unavailable; try again shortly"))
            for detail in ["runs_gone", "no such table", "SQLite", dir] { #expect(!body.contains(detail), "\(detail)") }
            let api = await handler.respond(.make("/api/v1/overview"))
            #expect(api.parts?.status == 503)
            #expect(api.header("Content-Type") == "application/json")
            #expect(api.parts?.body.contains("runs_gone") == false)
            // The stylesheet needs no store: a 503 page still has its style.
            #expect(await handler.respond(.make("/console.css")).parts?.status == 200)
        }
    }

    /// Viewers share answers: within the cache's time a page is the one already built;
    /// with no cache time every request reads the store.
    @Test func answersAreSharedForTheCacheTimeThenBuiltAgain() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [1], suite: "first"), at: t0)
            let context = ConsoleContext(
                store: store,
                facts: { ConsoleFacts(maxRequestsPerSecond: 1, batchSize: 50, pollInterval: .seconds(5), notifiers: []) }, now: { self.t0 })
            let cached = ConsoleHandler(context: context, logger: Logger(label: "console-test"), cacheTTL: .seconds(3600))
            let uncached = ConsoleHandler(context: context, logger: Logger(label: "console-test"), cacheTTL: .zero)
            let before = try #require(await cached.respond(.make("/api/v1/suites")).parts?.body)
            _ = try await store.ingest(SpoolSubmission(runIDs: [2], suite: "second"), at: t0)
            #expect(await cached.respond(.make("/api/v1/suites")).parts?.body == before)
            #expect(await uncached.respond(.make("/api/v1/suites")).parts?.body.contains("second") == true)
            #expect(await cached.respond(.make("/api/v1/suites?x=1")).parts?.body.contains("second") == true, "another target")
        }
    }

    @Test(arguments: ["POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"])
    func onlyGETIsAnswered(method: String) async throws {
        try await withHandler { handler in
            for path in ["/", "/runs/101", "/api/v1/overview", "/console.css"] {
                let response = await handler.respond(.make(path, method: method))
                #expect(response.parts?.status == 405, "\(method) \(path)")
                #expect(response.header("Allow") == "GET")
                expectSecurityHeaders(response, path)
            }
        }
    }

    @Test func theStylesheetIsServedAsCSS() async throws {
        try await withHandler { handler in
            let response = await handler.respond(.make("/console.css"))
            let (status, _, body) = try #require(response.parts)
            #expect(status == 200)
            #expect(response.header("Content-Type") == "text/css; charset=utf-8")
            expectSecurityHeaders(response, "/console.css")
            #expect(body == ConsolePages().stylesheet)
            #expect(!body.isEmpty)
        }
    }
}
