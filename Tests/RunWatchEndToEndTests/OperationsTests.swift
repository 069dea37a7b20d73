import AsyncHTTPClient
import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The operator's view: metrics after a scripted scenario, and `runwatch doctor` against a
/// healthy and a broken setup. Both run the real binary.
@Suite(.serialized) struct OperationsTests {
    @Test func metricsHaveConventionalNamesAndTheScenariosValues() async throws {
        let simulator = CekuraSimulator()
        simulator.addRun(1, script: RunScript(stages: [.init("running", seconds: 0.3), .init("failed", seconds: 0)], success: false))
        simulator.addRun(2, script: RunScript(stages: [.init("running", seconds: 0.3), .init("completed", seconds: 0)], success: true))
        simulator.addRun(3, script: RunScript(stages: [.init("pending", seconds: 0.3), .init("timeout", seconds: 0)], success: false))
        simulator.addRun(4, script: RunScript(stages: [.init("running", seconds: 600), .init("completed", seconds: 0)], success: true))
        try await withTemporaryDirectory { dir in
            try await LoopbackServers.serve(simulator: simulator) { servers in
                let config = dir + "/runwatch.yaml"
                try """
                api:
                  base_url: \(servers.apiURL)
                  poll_interval: 200ms
                  max_requests_per_second: 20
                spool_dir: \(dir)/spool
                state_dir: \(dir)/state
                metrics_listen: "127.0.0.1:0"
                log_level: info
                notifiers:
                  - name: ci
                    kind: webhook
                    url: \(servers.hooksURL)/hooks
                """.write(toFile: config, atomically: true, encoding: .utf8)
                try SpoolDirectory(root: dir + "/spool").prepare()
                try SpoolWriter.submit(SpoolSubmission(runIDs: [1, 2, 3, 4]), to: SpoolDirectory(root: dir + "/spool"))
                // Port 0, and the port read from the daemon's log: a port picked free
                // beforehand can be taken by a parallel test before the daemon binds it.
                let log = dir + "/daemon.log"
                let daemon = try DaemonProcess(launcher: [], config: config, apiKey: simulator.options.apiKey, logFile: log)
                var port: Int?
                let listening = await waitUntil(timeout: .seconds(60), every: .milliseconds(100)) {
                    port = Self.metricsPort(inLog: log)
                    return port != nil
                }
                try #require(listening, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "no log")")
                let url = "http://127.0.0.1:\(port ?? 0)"
                // The sampler refreshes gauges every 5 s; wait for the state after the ends.
                let ready = await waitUntil(timeout: .seconds(30), every: .milliseconds(200)) {
                    guard let text = try? await Self.get(url + "/metrics") else { return false }
                    return Self.value(text, "runwatch_deliveries_total", ["notifier": "ci", "outcome": "delivered"]) == 3
                        && Self.value(text, "runwatch_runs_watched", ["status": "running"]) == 1
                        && Self.value(text, "runwatch_outbox_depth", ["notifier": "ci"]) == 0
                }
                #expect(ready)
                let text = try await Self.get(url + "/metrics")
                #expect(Self.value(text, "runwatch_transitions_total", ["status": "failed"]) == 1)
                #expect(Self.value(text, "runwatch_transitions_total", ["status": "completed"]) == 1)
                #expect(Self.value(text, "runwatch_transitions_total", ["status": "timeout"]) == 1)
                #expect((Self.value(text, "runwatch_api_requests_total", ["outcome": "ok"]) ?? 0) >= 2)
                #expect(Self.value(text, "runwatch_spool_files_ingested_total", [:]) == 1)
                #expect(Self.value(text, "runwatch_delivery_latency_seconds_count", ["notifier": "ci"]) == 3)
                #expect(Self.value(text, "runwatch_detection_delay_seconds_count", [:]) == 3)
                #expect(Self.value(text, "runwatch_sweep_period_seconds", [:]) == 0.2)
                #expect(Self.value(text, "runwatch_dead_letters_total", ["notifier": "ci"]) == 0, "nothing died")
                // Prometheus conventions: counters end in _total, no metric outside our prefix.
                for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
                    let parts = line.split(separator: " ")
                    #expect(parts[2].hasPrefix("runwatch_"), "\(line)")
                    if parts[3] == "counter" { #expect(parts[2].hasSuffix("_total"), "\(line)") }
                }
                let health = try await Self.get(url + "/healthz")
                #expect(health.hasPrefix("ok: watching 1"))
                daemon.kill(SIGTERM)
                #expect(await daemon.waitForExit(timeout: 30))
            }
        }
    }

    /// The port of `serving metrics url=http://127.0.0.1:PORT/metrics` in a daemon's log.
    static func metricsPort(inLog path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let match = text.firstMatch(of: /serving metrics.*127\.0\.0\.1:(\d+)\/metrics|127\.0\.0\.1:(\d+)\/metrics.*serving metrics/)
        else { return nil }
        return Int(match.output.1 ?? match.output.2 ?? "")
    }

    @Test func doctorPassesAHealthySetupAndNamesWhatIsBroken() async throws {
        try await withTemporaryDirectory { dir in
            try await LoopbackServers.serve { servers in
                try SpoolDirectory(root: dir + "/spool").prepare()
                try FileManager.default.createDirectory(atPath: dir + "/state", withIntermediateDirectories: true)
                try writeFile(dir + "/key", servers.simulator.options.apiKey)
                func config(key: String, hook: String) throws -> String {
                    let path = dir + "/runwatch-\(UUID().uuidString).yaml"
                    try """
                    api:
                      base_url: \(servers.apiURL)
                      api_key_file: \(key)
                    spool_dir: \(dir)/spool
                    state_dir: \(dir)/state
                    notifiers:
                      - name: ops
                        kind: slack
                        url: \(hook)
                    """.write(toFile: path, atomically: true, encoding: .utf8)
                    return path
                }
                let healthy = try await Self.runwatch(["doctor", "--config", try config(key: dir + "/key", hook: servers.hooksURL + "/slack")])
                #expect(healthy.status == 0, "\(healthy.output)")
                #expect(healthy.output.contains("PASS api: "))
                #expect(healthy.output.contains("PASS notifier ops: slack endpoint reachable"))
                #expect(healthy.output.contains("all checks passed"))
                #expect(servers.receiver.deliveries.filter { $0.method == "POST" }.isEmpty, "doctor only probes without --send")

                let sent = try await Self.runwatch(["doctor", "--send", "--config", try config(key: dir + "/key", hook: servers.hooksURL + "/slack")])
                #expect(sent.status == 0)
                #expect(sent.output.contains("PASS notifier ops: sample alert delivered (HTTP 200)"))
                #expect(servers.receiver.deliveries.filter { $0.method == "POST" }.count == 1)

                try writeFile(dir + "/bad-key", "wrong")
                let deadPort = try freePort()
                let broken = try await Self.runwatch([
                    "doctor", "--config", try config(key: dir + "/bad-key", hook: "http://127.0.0.1:\(deadPort)/slack"),
                ])
                #expect(broken.status == 1)
                #expect(broken.output.contains("FAIL api: key rejected (HTTP 401: Invalid API key.)"))
                #expect(broken.output.contains("FAIL notifier ops: endpoint not reachable"))
                #expect(!broken.output.contains(String(deadPort)), "the notifier URL is a secret and must not be printed")
                #expect(broken.output.contains("2 check(s) failed"))
            }
        }
    }

    static func runwatch(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await runProcess(builtProduct("runwatch"), arguments)
    }

    static func get(_ url: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 22)
        return String(decoding: body.readableBytesView, as: UTF8.self)
    }

    /// The value of the sample `name{labels}` in a Prometheus text exposition.
    static func value(_ text: String, _ name: String, _ labels: [String: String]) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            let series = parts[0]
            let metric = series.prefix { $0 != "{" }
            guard metric == name else { continue }
            let labelText = series.dropFirst(metric.count)
            let wanted = labels.allSatisfy { labelText.contains("\($0.key)=\"\($0.value)\"") }
            let count = labelText.isEmpty ? 0 : labelText.split(separator: ",").count
            guard wanted, count == labels.count else { continue }
            return Double(parts[1])
        }
        return nil
    }
}
