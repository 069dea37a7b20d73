import Foundation
import Logging
import RunWatch
import RunWatchCore
import RunWatchTesting

/// The per-update work of the poller without the network: decode a bulk answer of 100
/// realistic run objects, apply the lifecycle rules, commit the result (one transaction
/// per answer), on one core.
struct PipelineBenchmark {
    let runs: Int

    struct Row {
        var pass: String
        var seconds: Double
        var cpu: Double
    }

    func run() async throws -> (runs: Int, rows: [Row]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-pipeline-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteRunStore.open(directory: dir)
        let ids = Array(1...runs)
        _ = try await store.ingest(SpoolSubmission(runIDs: ids), at: Date())
        var tracked = Dictionary(uniqueKeysWithValues: ids.map { ($0, TrackedRun(submittedAt: Date())) })
        let policy = WatchPolicy()
        var rows: [Row] = []
        var rng = SplitMix64(seed: 5)
        for (pass, status, final) in [
            ("first sight (a transition each)", "running", false), ("no change", "running", false),
            ("ended (completed, full objects)", "completed", true),
        ] {
            // Bodies are rendered before the clock starts: the API's work is not ours.
            let bodies = stride(from: 0, to: runs, by: 100).map { start in
                JSONValue.array(
                    ids[start..<min(start + 100, runs)].map {
                        SimulatedRunJSON.render(id: $0, status: status, success: final ? true : nil, isFinal: final, oddities: false, rng: &rng)
                    }
                ).encoded()
            }
            let cpu0 = ResourceUsage.cpuSeconds()
            let t0 = ContinuousClock.now
            for body in bodies {
                let decoded = try BulkResponseDecoder.decode(body)
                let at = Date()
                var updates: [RunUpdate] = []
                for case .run(let snapshot) in decoded {
                    guard let run = tracked[snapshot.id] else { continue }
                    let (next, update) = RunTracker.observe(snapshot, run: run, at: at, policy: policy)
                    tracked[snapshot.id] = next
                    if update.isNews { updates.append(update) }
                }
                try await store.record(
                    PollRecord(at: at, polled: decoded.compactMap { if case .run(let r) = $0 { r.id } else { nil } }, updates: updates, messages: []))
            }
            rows.append(Row(pass: pass, seconds: (ContinuousClock.now - t0).secondsDouble, cpu: ResourceUsage.cpuSeconds() - cpu0))
        }
        return (runs, rows)
    }

    static func print(_ result: (runs: Int, rows: [Row])) {
        Swift.print("\nDecode, diff, commit of \(result.runs) run updates in answers of 100 (no network; target ≥ 50,000 updates/s per core)\n")
        Swift.print([pad("pass", 34), lpad("wall s", 8), lpad("CPU s", 8), lpad("updates/s/core", 15)].joined(separator: " "))
        for row in result.rows {
            Swift.print(
                [
                    pad(row.pass, 34), lpad(String(format: "%.2f", row.seconds), 8), lpad(String(format: "%.2f", row.cpu), 8),
                    lpad(String(format: "%.0f", Double(result.runs) / row.cpu), 15),
                ].joined(separator: " "))
        }
    }
}
