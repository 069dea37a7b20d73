import AsyncHTTPClient
import Foundation
import Logging
import RunWatch
import RunWatchCore
import RunWatchTesting

/// One full sweep of N watched runs against `cekura-sim` in its own process, so the CPU
/// and memory measured here are the daemon's alone.
struct ScaleBenchmark {
    let counts: [Int]

    struct Row {
        var runs: Int
        var requests: Int
        var expected: Int
        var sweepSeconds: Double
        var cpuSeconds: Double
        var peakRSS: Double
    }

    func run() async throws -> [Row] {
        var rows: [Row] = []
        for count in counts.sorted() {  // ascending, so each peak RSS is that size's own
            rows.append(try await measure(count))
        }
        return rows
    }

    private func measure(_ count: Int) async throws -> Row {
        let (simulator, baseURL) = try SimulatorProcess.start(arguments: ["--register", "1-\(count)", "--stage-seconds", "3600-3600"])
        defer { simulator.terminate() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-scale-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spool = InProcessDaemon.spool(in: dir)
        try spool.prepare()
        try SpoolWriter.submit(SpoolSubmission(runIDs: Array(1...count)), to: spool)
        // Ingest happens here, before the clock starts: the sweep is what is measured.
        let runwatch = try await InProcessDaemon.prepare(apiURL: baseURL, in: dir, apiKey: "sim-api-key", logger: Logger(label: "bench")) { config in
            config.api.batchSize = 100
            config.api.maxRequestsPerSecond = 200
            config.api.pollInterval = .seconds(3600)
        }
        let cpuBefore = ResourceUsage.cpuSeconds()
        let started = ContinuousClock.now
        let swept = try await runwatch.run {
            _ = await waitUntil(timeout: .seconds(900), every: .milliseconds(50)) {
                guard let summary = try? await runwatch.daemon.store.summary() else { return false }
                return summary.runsByStatus["submitted"] == nil
            }
            return ContinuousClock.now
        }
        let cpu = ResourceUsage.cpuSeconds() - cpuBefore
        let requests = try await SimulatorProcess.bulkRequests(baseURL: baseURL)
        return Row(
            runs: count, requests: requests, expected: (count + 99) / 100,
            sweepSeconds: (swept - started).secondsDouble, cpuSeconds: cpu, peakRSS: ResourceUsage.peakRSSMegabytes())
    }

    static func printTable(_ rows: [Row]) {
        print("\nOne sweep of N watched runs (batch 100, budget 200 req/s; cekura-sim in its own process)")
        print("targets: requests per sweep = ceil(N / 100); ≥ 50,000 run updates/s per core; 100k runs in ≤ 100 MB RSS\n")
        let header = [
            lpad("runs", 8), lpad("requests", 9), lpad("expected", 9), lpad("sweep s", 8),
            lpad("CPU ms/1000 upd", 16), lpad("updates/s/core", 15), lpad("peak RSS MB", 12),
        ]
        print(header.joined(separator: " "))
        for row in rows {
            let perThousand = row.cpuSeconds * 1000 / (Double(row.runs) / 1000)
            let line = [
                lpad("\(row.runs)", 8), lpad("\(row.requests)", 9), lpad("\(row.expected)", 9),
                lpad(String(format: "%.1f", row.sweepSeconds), 8), lpad(String(format: "%.1f", perThousand), 16),
                lpad(String(format: "%.0f", Double(row.runs) / row.cpuSeconds), 15), lpad(String(format: "%.0f", row.peakRSS), 12),
            ]
            print(line.joined(separator: " "))
        }
        print("\nCPU is the whole daemon process during the sweep (HTTP, decode, diff, commit); a first")
        print("observation of every run is a transition, so each run costs one store write.")
    }
}

/// `cekura-sim` from the same build folder, on an ephemeral port.
enum SimulatorProcess {
    static func start(arguments: [String]) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: builtProduct("cekura-sim"))
        process.arguments = ["--port", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: "http://127.0.0.1:"), let end = text[range.upperBound...].firstIndex(where: { !$0.isNumber }) else {
            process.terminate()
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "cekura-sim did not start: \(text)"])
        }
        return (process, "http://127.0.0.1:" + text[range.upperBound..<end])
    }

    static func bulkRequests(baseURL: String) async throws -> Int {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: baseURL + "/_sim/stats"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let stats = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return stats?["bulkRequests"] as? Int ?? -1
    }
}
