import Foundation
import Logging
import RunWatch
import RunWatchCore
import RunWatchTesting

/// From the answer that showed a run ended to the alert's arrival at a healthy webhook
/// receiver, and how many deliveries per second one notifier sustains.
struct DeliveryBenchmark {
    let runs: Int
    /// The notifier's `max_in_flight`; nil: the default for a webhook. For a sweep, set
    /// `RUNWATCH_BENCH_MAX_IN_FLIGHT` (the table's other options are left as they are).
    var maxInFlight: Int? = ProcessInfo.processInfo.environment["RUNWATCH_BENCH_MAX_IN_FLIGHT"].flatMap { Int($0) }

    struct Result {
        var p50: Double
        var p99: Double
        var perSecond: Double
        var delivered: Int
    }

    func run() async throws -> Result {
        let sim = CekuraSimulator()
        let receiver = WebhookReceiver()
        let script = RunScript(stages: [.init("running", seconds: 0.5), .init("failed", seconds: 0)], success: false)
        for id in 1...runs { sim.addRun(id, script: script) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-delivery-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runs = self.runs
        let maxInFlight = self.maxInFlight
        try await TestBed.run(
            simulator: sim, receiver: receiver, in: dir, logger: Logger(label: "bench"),
            configure: { config, hooks in
                config.api.maxRequestsPerSecond = 100
                config.api.pollInterval = .milliseconds(200)
                config.notifiers = [.init(name: "ci", kind: .webhook, url: hooks + "/hooks", maxInFlight: maxInFlight)]
            }
        ) { bed in
            try bed.submit(Array(1...runs))
            _ = await waitUntil(timeout: .seconds(300), every: .milliseconds(100)) { receiver.deliveries.count >= runs }
        }
        let served = sim.terminalServedDates()
        let deliveries = receiver.deliveries
        let latencies = deliveries.compactMap { delivery -> Double? in
            guard let id = (delivery.json?["data"] as? [String: Any])?["run_id"] as? Int, let seen = served[id] else { return nil }
            return delivery.receivedAt.timeIntervalSince(seen)
        }
        let times = deliveries.map(\.receivedAt).sorted()
        let span = (times.last ?? Date()).timeIntervalSince(times.first ?? Date())
        return Result(
            p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), perSecond: span > 0 ? Double(times.count - 1) / span : .nan,
            delivered: deliveries.count)
    }

    static func print(_ result: Result, runs: Int) {
        Swift.print("\nDelivery to a healthy webhook receiver (\(runs) runs ending at once, one notifier)\n")
        Swift.print([pad("measure", 44), lpad("value", 12)].joined(separator: " "))
        Swift.print(
            [pad("latency, ended answer → receiver, p50", 44), lpad(String(format: "%.0f ms", result.p50 * 1000), 12)].joined(separator: " "))
        Swift.print(
            [pad("latency, ended answer → receiver, p99", 44), lpad(String(format: "%.0f ms", result.p99 * 1000), 12)].joined(separator: " "))
        Swift.print([pad("deliveries per second", 44), lpad(String(format: "%.0f", result.perSecond), 12)].joined(separator: " "))
        Swift.print([pad("delivered", 44), lpad("\(result.delivered)", 12)].joined(separator: " "))
    }
}
