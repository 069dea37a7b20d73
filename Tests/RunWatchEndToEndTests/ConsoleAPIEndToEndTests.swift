import AsyncHTTPClient
import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// `/api/v1` from a running daemon: its console endpoint serves what the store and the
/// daemon's memory hold, and every delivery attempt the notifier queue made is in the
/// run's attempt log.
@Suite struct ConsoleAPIEndToEndTests {
    static let failing = RunScript(stages: [.init("running", seconds: 0.2), .init("failed", seconds: 0)], success: false)

    func get<T: Decodable>(_ type: T.Type, _ url: String) async throws -> T {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        #expect(response.status.code == 200, "\(url)")
        let body = try await response.body.collect(upTo: 4 << 20)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(body.readableBytesView))
    }

    @Test func theDaemonsConsoleServesItsStateAndEveryDeliveryAttempt() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.consoleListen = "127.0.0.1:0"
                    config.notifiers = [.init(name: "ci", kind: .webhook, url: hooks + "/hooks")]
                }
            ) { h in
                let base = try #require(h.daemon.console?.baseURL)
                var down = WebhookReceiver.Behaviour()
                down.failureRate = 1
                h.receiver.setBehaviour(down)
                for id in 1...3 { h.simulator.addRun(RunID(id), script: Self.failing) }
                try h.submit([1, 2, 3])
                let refused = await waitUntil(timeout: .seconds(30)) { h.receiver.refused >= 3 }
                #expect(refused)
                h.receiver.setBehaviour(WebhookReceiver.Behaviour())
                let settled = await waitUntil(timeout: .seconds(90)) { await h.settled(expecting: 3) }
                #expect(settled)

                let overview = try await get(OverviewDocument.self, base + "/api/v1/overview")
                #expect(overview.summary.active == 0 && overview.summary.runsByStatus["failed"] == 3)
                #expect(overview.endedLast24h == ["failed": 3])
                #expect(overview.notifiers.map(\.name) == ["ci"] && overview.notifiers.first?.deliveredLast24h == 3)
                let live = try #require(overview.live, "the daemon knows its live state")
                #expect(live.api == "ok" && live.statusLine.hasPrefix("watching 0"))

                let run = try await get(RunDocument.self, base + "/api/v1/runs/1")
                #expect(run.run.outcome == .failed && run.snapshot != nil)
                let delivery = try #require(run.deliveries.first)
                #expect(delivery.state == "delivered" && delivery.attemptLog.count == delivery.attempts)
                #expect(delivery.attemptLog.first?.outcome == "retry" && delivery.attemptLog.first?.answer?.contains("503") == true)
                #expect(delivery.attemptLog.last?.outcome == "delivered" && delivery.attemptLog.last?.answer == nil)
                #expect(delivery.attemptLog.map(\.attempt) == Array(1...delivery.attempts))
            }
        }
    }
}
