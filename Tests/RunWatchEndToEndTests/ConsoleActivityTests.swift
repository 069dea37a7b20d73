import AsyncHTTPClient
import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// The console's history end to end: the daemon counts every request it sends (bulk
/// polls and result reads, 429s as throttled), every delivery attempt (2xx as delivered)
/// and every run end it notices, and `/api/v1/history` serves those counts.
@Suite struct ConsoleActivityTests {
    static let failing = RunScript(stages: [.init("running", seconds: 0.2), .init("failed", seconds: 0)], success: false)

    struct Totals: Equatable, CustomStringConvertible {
        var requests = 0
        var throttled = 0
        var deliveries = 0
        var deliveryFailures = 0
        var detections = 0

        init(requests: Int, throttled: Int, deliveries: Int, deliveryFailures: Int, detections: Int) {
            (self.requests, self.throttled, self.deliveries, self.deliveryFailures, self.detections) =
                (requests, throttled, deliveries, deliveryFailures, detections)
        }

        init(_ minutes: [ActivityHistory.Minute]) {
            for minute in minutes {
                requests += minute.requests
                throttled += minute.throttled
                deliveries += minute.deliveries
                deliveryFailures += minute.deliveryFailures
                detections += minute.detections
            }
        }

        var description: String {
            "requests \(requests) (throttled \(throttled)), deliveries \(deliveries) (failed \(deliveryFailures)), detections \(detections)"
        }
    }

    static func get(_ url: String) async throws -> (status: UInt, body: Data) {
        var request = HTTPClientRequest(url: url)
        // No connection left in the shared pool once the daemon's server is gone.
        request.headers.add(name: "Connection", value: "close")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 22)
        return (response.status.code, Data(body.readableBytesView))
    }

    @Test func theDaemonRecordsWhatItDidAndTheHistoryServesIt() async throws {
        var options = CekuraSimulator.Options()
        options.stageSeconds = 0.2...0.6
        options.faults.rateLimitRate = 1
        options.faults.retryAfterSeconds = 0.2
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: options, in: dir,
                configure: { config, hooks in
                    config.notifiers = [.init(name: "ci", kind: .webhook, url: hooks + "/hooks")]
                    config.consoleListen = "127.0.0.1:0"
                    config.api.backoffBase = .milliseconds(100)
                    config.api.backoffCap = .seconds(1)
                }
            ) { h in
                var refusing = WebhookReceiver.Behaviour()
                refusing.fixedAnswer = (500, "down for maintenance")
                h.receiver.setBehaviour(refusing)
                for id in 1...5 { h.simulator.addRun(RunID(id), script: Self.failing) }
                h.simulator.addResult(8123, runs: [9001, 9002, 9003], script: Self.failing)
                var submission = SpoolSubmission(runIDs: Array(1...5))
                submission.resultIDs = [8123]
                try SpoolWriter.submit(submission, to: h.spool)

                // The first answers are 429s, the first deliveries refused; then all is well.
                let throttled = await waitUntil(timeout: .seconds(30)) { h.simulator.counters.rateLimited >= 2 }
                #expect(throttled)
                h.simulator.setFaults(.none)
                let refused = await waitUntil(timeout: .seconds(60)) { h.receiver.refused >= 2 }
                #expect(refused)
                h.receiver.setBehaviour(WebhookReceiver.Behaviour())
                let settled = await waitUntil(timeout: .seconds(90), every: .milliseconds(100)) {
                    guard (try? await h.daemon.store.result(8123))?.0.state == "stable" else { return false }
                    return await h.settled(expecting: 8)
                }
                try #require(settled, "all 8 runs ended and every alert delivered")

                // What the servers saw, once the last answers are handled.
                func expected() -> Totals {
                    Totals(
                        requests: h.simulator.counters.requests, throttled: h.simulator.counters.rateLimited,
                        deliveries: h.receiver.attempts, deliveryFailures: h.receiver.refused, detections: 8)
                }
                var recorded = Totals([])
                let agrees = await waitUntil(timeout: .seconds(20)) {
                    recorded = Totals(h.daemon.activity.window(endingAt: Date()))
                    return recorded == expected()
                }
                #expect(agrees, "recorded \(recorded); the servers saw \(expected())")
                #expect(h.simulator.counters.resultRequests >= 1, "result reads are requests too")
                #expect(h.receiver.deliveries.count == 8, "one alert per failed run")

                let console = try #require(h.daemon.console, "console_listen set: the console has its own server")
                let (status, body) = try await Self.get(console.baseURL + "/api/v1/history")
                #expect(status == 200)
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .iso8601
                let document = try decoder.decode(HistoryDocument.self, from: body)
                #expect(document.budgetRequestsPerMinute == 50 * 60)
                #expect(document.minutes.count == 360)
                #expect(Totals(document.minutes) == expected(), "\(Totals(document.minutes))")
                let minutes = document.minutes.map(\.start)
                #expect(zip(minutes, minutes.dropFirst()).allSatisfy { $1.timeIntervalSince($0) == 60 }, "every minute, oldest first")
            }
        }
    }
}
