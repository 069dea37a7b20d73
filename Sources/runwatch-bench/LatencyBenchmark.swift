import AsyncHTTPClient
import Foundation
import Logging
import RunWatch
import RunWatchCore
import RunWatchTesting

/// runwatch against the loop from Cekura's docs (bulk every 3 s, chunks of 100, no
/// backoff), on the same simulated API with a real rate limit and the same run lifecycles.
struct LatencyBenchmark {
    let runs: Int
    let rps: Double
    /// The API misbehaves as the issue's "polling under faults" scenario says: 10% 5xx,
    /// 2% truncated bodies, and at most 50 ids per request (414 above).
    var faulty = false

    struct Row {
        var system: String
        var requests: Int
        var rateLimited: Int
        var insideRetryAfter: Int
        var pollsAfterEnd: Int
        var p50: Double
        var p99: Double
        var floor: Double
        var unfinished: Int
        var seconds: Double
    }

    func simulator() -> CekuraSimulator {
        var options = CekuraSimulator.Options()
        options.seed = 2000
        // Runs end between ~15 s and ~75 s after they start: endings spread over a minute.
        options.stageSeconds = 4...15
        options.faults.rateLimitPerSecond = rps
        if faulty {
            options.faults.serverErrorRate = 0.10
            options.faults.truncateRate = 0.02
            options.faults.maxIDsPerRequest = 50
        }
        return CekuraSimulator(options: options)
    }

    /// Ids one request may carry: what the API accepts.
    var batch: Int { faulty ? 50 : 100 }
    /// One budget-limited sweep of every run, in seconds.
    var sweep: Double { Double((runs + batch - 1) / batch) / rps }
    /// Half of one budget-limited sweep: the median wait of a uniform sweep.
    var floor: Double { sweep / 2 }

    func run() async throws -> [Row] {
        var rows: [Row] = []
        rows.append(try await runwatch(name: "runwatch (uniform)", statusIntervals: [:], pollInterval: .seconds(1)))
        if !faulty {
            rows.append(
                try await runwatch(
                    name: "runwatch (evaluating 2s, others 10s)", statusIntervals: ["evaluating": .seconds(2)], pollInterval: .seconds(10)))
        }
        rows.append(try await docsLoop())
        return rows
    }

    private func runwatch(name: String, statusIntervals: [String: Duration], pollInterval: Duration) async throws -> Row {
        let sim = simulator()
        let ids = Array(1...runs)
        sim.addRandomRuns(ids)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let started = ContinuousClock.now
        let rps = self.rps
        try await TestBed.run(
            simulator: sim, in: dir, logger: Logger(label: "bench"),
            configure: { config, _ in
                config.api.batchSize = 100
                config.api.maxRequestsPerSecond = rps
                config.api.pollInterval = pollInterval
                config.api.statusIntervals = statusIntervals
            }
        ) { bed in
            try bed.submit(ids)
            _ = await waitUntil(timeout: .seconds(600), every: .milliseconds(250)) {
                guard let summary = try? await bed.daemon.store.summary() else { return false }
                return summary.runsByStatus.values.reduce(0, +) == ids.count && summary.active == 0
            }
        }
        let latencies = sim.detectionLatencies()
        let counters = sim.counters
        return Row(
            system: name, requests: counters.bulkRequests, rateLimited: counters.rateLimited,
            insideRetryAfter: counters.requestsInsideRetryAfter, pollsAfterEnd: counters.pollsAfterTerminalServed,
            p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), floor: floor,
            unfinished: runs - latencies.count, seconds: (ContinuousClock.now - started).secondsDouble)
    }

    /// The loop in Cekura's docs: every 3 s, request every chunk of 100 unfinished ids at
    /// once, no backoff, Retry-After ignored; it stops on completed/failed/timeout only.
    private func docsLoop() async throws -> Row {
        let sim = simulator()
        let ids = Array(1...runs)
        sim.addRandomRuns(ids)
        let server = try await ScriptedHTTPServer.bind { await sim.answer($0) }
        let started = ContinuousClock.now
        let doneStatuses: Set<String> = ["completed", "failed", "timeout"]
        let lastEnd = ContinuousClock.now + .seconds(90)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await server.run() }
            var pending = Set(ids)
            while !pending.isEmpty, ContinuousClock.now < lastEnd + .seconds(60) {
                let tick = ContinuousClock.now
                let chunks = stride(from: 0, to: pending.count, by: 100).map { Array(pending.sorted()[$0..<min($0 + 100, pending.count)]) }
                let finished = await withTaskGroup(of: [RunID].self) { group -> [RunID] in
                    for chunk in chunks {
                        group.addTask {
                            var request = HTTPClientRequest(
                                url: "\(server.baseURL)/test_framework/v1/runs/bulk/?run_ids=\(chunk.map(String.init).joined(separator: ","))")
                            request.headers.add(name: "X-CEKURA-API-KEY", value: sim.options.apiKey)
                            guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(30)),
                                let body = try? await response.body.collect(upTo: 64 << 20),
                                response.status.code == 200,
                                let runs = try? BulkResponseDecoder.decode(Data(body.readableBytesView))
                            else { return [] }
                            return runs.compactMap { item -> RunID? in
                                guard case .run(let run) = item, doneStatuses.contains(run.status.rawValue) else { return nil }
                                return run.id
                            }
                        }
                    }
                    var all: [RunID] = []
                    for await ended in group { all += ended }
                    return all
                }
                pending.subtract(finished)
                try await Task.sleep(until: tick + .seconds(3))
            }
            tasks.cancelAll()
        }
        let latencies = sim.detectionLatencies()
        let counters = sim.counters
        let neverFinished = ids.filter { id in sim.truth(id).map { !doneStatuses.contains($0.status.rawValue) } ?? false }.count
        return Row(
            system: "docs loop (3 s, chunks of 100)", requests: counters.bulkRequests, rateLimited: counters.rateLimited,
            insideRetryAfter: counters.requestsInsideRetryAfter, pollsAfterEnd: counters.pollsAfterTerminalServed,
            p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), floor: floor,
            unfinished: neverFinished, seconds: (ContinuousClock.now - started).secondsDouble)
    }

    func printTable(_ rows: [Row]) {
        print("")
        if faulty {
            print("Detection latency under faults: 10% 5xx, 2% truncated bodies, at most 50 ids per request (414 above), \(runs) runs, \(rps) req/s")
            print(
                "sweep = \(String(format: "%.1f", sweep)) s (ceil(runs / 50) / rps), floor = half a sweep; target: p99 ≤ 1.5× sweep = \(String(format: "%.1f", 1.5 * sweep)) s\n"
            )
        } else {
            print("Detection latency, simulator clock (run's final stage began → first complete answer showing it)")
            print("floor = half a budget-limited sweep = \(String(format: "%.1f", floor)) s; targets: p50 ≤ 1.2× floor, p99 ≤ 2× floor\n")
        }
        let header = [
            pad("system", 38), lpad("requests", 9), lpad("429s", 6), lpad("in R-A", 7), lpad("after end", 10),
            lpad("p50 s", 7), lpad("p99 s", 7), lpad("p50/fl", 7), lpad("p99/fl", 7), lpad("p99/swp", 8), lpad("unended", 8), lpad("wall s", 7),
        ]
        print(header.joined(separator: " "))
        for row in rows {
            let line = [
                pad(row.system, 38), lpad("\(row.requests)", 9), lpad("\(row.rateLimited)", 6), lpad("\(row.insideRetryAfter)", 7),
                lpad("\(row.pollsAfterEnd)", 10), lpad(String(format: "%.1f", row.p50), 7), lpad(String(format: "%.1f", row.p99), 7),
                lpad(String(format: "%.2f", row.p50 / row.floor), 7), lpad(String(format: "%.2f", row.p99 / row.floor), 7),
                lpad(String(format: "%.2f", row.p99 / sweep), 8),
                lpad("\(row.unfinished)", 8), lpad(String(format: "%.0f", row.seconds), 7),
            ]
            print(line.joined(separator: " "))
        }
        print("\nin R-A: requests that arrived while a Retry-After was running; after end: ids polled again after")
        print("a complete answer showed them ended; unended: runs the client never saw end (docs loop: cancelled).")
    }
}
