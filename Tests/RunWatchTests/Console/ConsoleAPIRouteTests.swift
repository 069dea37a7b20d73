import Foundation
import Logging
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// Every `/api/v1` route answered by `ConsoleHandler` over loopback, against a real store
/// (ConsoleStoreFixture): status codes, the counts the store holds, JSON errors, GET only,
/// and no configured secret in any answer.
@Suite struct ConsoleAPIRouteTests {
    typealias F = ConsoleStoreFixture

    struct Answer {
        var status: Int
        var head: String
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// A configuration whose secrets are all recognisable: `SECRET` is in each.
    static func configuration(_ dir: String) throws -> Configuration {
        try writeFile(dir + "/api-key", "SECRET-API-KEY\n")
        try writeFile(dir + "/signing", "whsec_SECRET-SIGNING\n")
        return try Configuration.parse(
            yaml: """
                api:
                  api_key_file: \(dir)/api-key
                  max_requests_per_second: 2
                notifiers:
                  - name: ops
                    kind: slack
                    url: https://hooks.slack.example/services/T0/B0/SECRET-SLACK
                  - name: hook
                    kind: webhook
                    url: https://ci.example/hook?token=SECRET-HOOK
                    secret_file: \(dir)/signing
                  - name: quiet
                    kind: slack
                    url: https://hooks.slack.example/services/T0/B1/SECRET-QUIET
                """)
    }

    /// Serves the fixture's store through a `ConsoleHandler` while `body` runs.
    func withConsole(
        _ body: @Sendable (_ dir: String, _ get: @Sendable (String, String) async throws -> Answer) async throws -> Void
    )
        async throws
    {
        try await withTemporaryDirectory { dir in
            let store = try await F.make(dir + "/state")
            try await store.noteNotifier("hook", disabled: "answered 410 (gone)", at: F.now)
            let facts = ConsoleFacts(try Self.configuration(dir))
            let status = StatusBoard(systemd: .disabled)
            status.update { $0.api = .rateLimited(until: "12:00:05") }
            let activity = ActivityRecorder()
            for _ in 0..<3 { activity.record(.request(throttled: false), at: F.now - 30) }
            let context = ConsoleContext(store: store, status: status, activity: activity, facts: { facts }, now: { F.now })
            let handler = ConsoleHandler(context: context, logger: testLogger())
            let server = try await LoopbackHTTPServer.bind(limits: .console) { await handler.respond($0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                try await body(dir) { method, path in
                    let raw = try await RawTCPConnection(port: server.port).exchange(
                        "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeout: .seconds(30)
                    ).received
                    let parts = raw.components(separatedBy: "\r\n\r\n")
                    let head = parts.first ?? ""
                    let code = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? -1
                    return Answer(status: code, head: head, body: Data(parts.dropFirst().joined(separator: "\r\n\r\n").utf8))
                }
                group.cancelAll()
            }
        }
    }

    @Test func everyJSONRouteAnswersWithWhatTheStoreHolds() async throws {
        try await withConsole { _, get in
            let overviewAnswer = try await get("GET", "/api/v1/overview")
            #expect(overviewAnswer.status == 200 && overviewAnswer.head.contains("Content-Type: application/json"))
            let overview = try Self.decoder().decode(OverviewDocument.self, from: overviewAnswer.body)
            #expect(overview.summary.active == 1)
            #expect(overview.endedLast24h == ["completed": 1, "failed": 1, "timeout": 1])
            #expect(overview.openSuites.map(\.runs) == [4])
            #expect(overview.notifiers.map(\.name) == ["ops", "hook", "quiet", "gone"])
            #expect(overview.notifiers.map(\.kind) == ["slack", "webhook", "slack", nil])
            #expect(overview.notifiers.map(\.pending) == [0, 0, 0, 1])
            #expect(overview.notifiers.map(\.dead) == [0, 1, 0, 0])
            #expect(overview.notifiers.map(\.deliveredLast24h) == [1, 0, 0, 0])
            #expect(overview.notifiers.map(\.disabledReason) == [nil, "answered 410 (gone)", nil, nil])
            #expect(overview.effectiveSweepPeriodSeconds == 15)
            let live = try #require(overview.live)
            #expect(live.api == "rate_limited" && live.apiDetail == "until 12:00:05")
            #expect(live.budgetRequestsPerMinute == 120 && live.requestsLastMinute == 3)
            #expect(live.statusLine.contains("API rate limited (429)"))

            let suites = try Self.decoder().decode(SuiteListDocument.self, from: try await get("GET", "/api/v1/suites").body)
            #expect(suites.suites.map(\.instance) == [2, 1])
            #expect(suites.suites.map(\.verdict) == ["running", "failed"])
            #expect(suites.suites.map(\.passRate) == [0.25, 0.5])
            #expect(suites.suites[0].counts == ["completed": 1, "failed": 1, "timeout": 1] && suites.suites[0].ended == 3)

            let suite = try Self.decoder().decode(SuiteDocument.self, from: try await get("GET", "/api/v1/suites/nightly").body)
            #expect(suite.suite.instance == 2 && suite.suite.runs == 4 && suite.suite.passed == 1)
            #expect(suite.runs.map(\.id) == [2, 4, 3, 1], "failures first, then running, then passed")
            #expect(suite.labels["build"] == F.label)
            #expect(suite.otherInstances.map(\.instance) == [1])
            let older = try Self.decoder().decode(SuiteDocument.self, from: try await get("GET", "/api/v1/suites/nightly/1").body)
            #expect(older.suite.verdict == "failed" && older.runs.map(\.id) == [11, 10])

            let run = try Self.decoder().decode(RunDocument.self, from: try await get("GET", "/api/v1/runs/2").body)
            #expect(run.run.outcome == .failed && run.snapshot?.errorMessage == "SIP 408 \(F.label)")
            #expect(run.transitions.last?.to == "failed")
            #expect(run.deliveries.map(\.notifier) == ["ops", "hook"] && run.deliveries.map(\.attemptLog.count) == [2, 1])
            #expect(run.suites == [SuiteRef(name: "nightly", instance: 2)])
            let passed = try Self.decoder().decode(RunDocument.self, from: try await get("GET", "/api/v1/runs/1").body)
            #expect(passed.snapshot == nil, "a passed run needs no snapshot")

            let deliveries = try Self.decoder().decode(DeliveriesDocument.self, from: try await get("GET", "/api/v1/deliveries").body)
            #expect(deliveries.pending.map(\.notifier) == ["gone"] && deliveries.dead.map(\.notifier) == ["hook"])
            #expect(deliveries.dead.first?.lastError == "HTTP 410 gone")
            #expect(deliveries.notifiers == overview.notifiers)

            let history = try Self.decoder().decode(HistoryDocument.self, from: try await get("GET", "/api/v1/history").body)
            #expect(history.budgetRequestsPerMinute == 120 && history.minutes.map(\.requests).reduce(0, +) == 3)
        }
    }

    @Test func suiteRunsArePagedByAValidatedWindow() async throws {
        try await withConsole { _, get in
            let window = try Self.decoder().decode(SuiteDocument.self, from: try await get("GET", "/api/v1/suites/nightly?offset=1&limit=2").body)
            #expect(window.suite.runs == 4 && window.runs.count == 2 && window.runsOffset == 1 && window.runsOmitted == 2)
            for bad in ["?limit=0", "?limit=1001", "?offset=-1", "?offset=x"] {
                let answer = try await get("GET", "/api/v1/suites/nightly" + bad)
                #expect(answer.status == 400 && answer.text.contains("\"error\""), "\(bad)")
                #expect(try await get("GET", "/suites/nightly" + bad).status == 400, "\(bad)")
            }
            let page = try await get("GET", "/suites/nightly/2?offset=3")
            #expect(page.status == 200 && page.text.contains(#"<p id="more-runs" class="more-runs">3 more runs"#))
        }
    }

    @Test func unknownThingsAre404AndWritesAre405WithJSONErrors() async throws {
        try await withConsole { _, get in
            for path in ["/api/v1/runs/999", "/api/v1/suites/weekly", "/api/v1/suites/nightly/9", "/api/v1/nothing"] {
                let answer = try await get("GET", path)
                #expect(answer.status == 404, "\(path)")
                #expect(answer.head.contains("Content-Type: application/json"), "\(path)")
                let error = try JSONSerialization.jsonObject(with: answer.body) as? [String: String]
                #expect(error?["error"]?.isEmpty == false, "\(path): \(answer.text)")
            }
            let post = try await get("POST", "/api/v1/overview")
            #expect(post.status == 405 && post.head.contains("Allow: GET"))
        }
    }

    @Test func noConfiguredSecretIsInAnyAnswer() async throws {
        try await withConsole { _, get in
            for path in [
                "/api/v1/overview", "/api/v1/suites", "/api/v1/suites/nightly", "/api/v1/suites/nightly/1", "/api/v1/runs/2", "/api/v1/runs/4",
                "/api/v1/deliveries", "/api/v1/history",
            ] {
                let answer = try await get("GET", path)
                #expect(answer.status == 200, "\(path)")
                #expect(!answer.text.contains("SECRET"), "\(path) leaks a secret")
                #expect(!answer.text.contains("hooks.slack.example") && !answer.text.contains("ci.example"), "\(path) names a notifier URL")
            }
            // The answers do talk about those notifiers: the check above looked at real data.
            let overview = try await get("GET", "/api/v1/overview")
            #expect(overview.text.contains("\"hook\"") && overview.text.contains("\"ops\""))
        }
    }
}
