import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting

/// Stores and reports shaped like the daemon's after a nightly: runs submitted into suites,
/// then ended through the poller's own path (realistic bulk answers decoded, the lifecycle
/// rules, `record`), so every snapshot is what the daemon keeps.
enum SuiteFixture {
    /// Cekura's mix of outcomes, most passing: (status, success, share).
    static let mix: [(status: String, success: Bool?, share: Double)] = [
        ("completed", true, 0.80), ("completed", false, 0.08), ("failed", nil, 0.05), ("timeout", nil, 0.04), ("cancelled", nil, 0.03),
    ]

    static func temporaryDirectory(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-\(name)-\(UUID().uuidString)").path
    }

    /// Submits `ids` as suite `suite` (nil: no suite) in one spool submission.
    static func submit(_ ids: [RunID], suite: String?, to store: SQLiteRunStore, at: Date) async throws {
        _ = try await store.ingest(SpoolSubmission(runIDs: ids, labels: ["team": "voice"], suite: suite), at: at)
    }

    /// Ends `ids` as the poller would, in answers of 100 (one transaction each). `failing`:
    /// every run ends badly (`failed`); otherwise Cekura's mix. Each snapshot is what the
    /// bulk decoder reads from the simulator's run object for that id; the objects are
    /// rendered and decoded once per outcome and id class (rendering every one with
    /// JSONEncoder was most of these tables' time) and the per-id fields filled in.
    static func end(_ ids: [RunID], in store: SQLiteRunStore, at: Date, failing: Bool = false, seed: UInt64 = 7) async throws {
        var rng = SplitMix64(seed: seed)
        let policy = WatchPolicy()
        let templates = try Templates()
        for start in stride(from: 0, to: ids.count, by: 100) {
            let chunk = ids[start..<min(start + 100, ids.count)]
            let updates = chunk.map { id -> RunUpdate in
                let (status, success) = failing ? ("failed", nil) : outcome(&rng)
                let snapshot = templates.snapshot(id: id, status: status, success: success)
                return RunTracker.observe(snapshot, run: TrackedRun(submittedAt: at.addingTimeInterval(-600)), at: at, policy: policy).1
            }
            try await store.record(PollRecord(at: at, polled: Array(chunk), updates: updates, messages: []))
        }
    }

    /// Decoded simulator run objects for every outcome and every id modulo 20 (scenario
    /// names cycle by 5, personalities by 4).
    struct Templates {
        static let cycle = 20
        private var decoded: [String: RunSnapshot] = [:]

        init() throws {
            var rng = SplitMix64(seed: 3)
            for (status, success) in SuiteFixture.mix.map({ ($0.status, $0.success) }) {
                let body = JSONValue.array(
                    (1...Self.cycle).map {
                        SimulatedRunJSON.render(id: $0, status: status, success: success, isFinal: true, oddities: false, rng: &rng)
                    }
                ).encoded()
                for case .run(let snapshot) in try BulkResponseDecoder.decode(body) {
                    decoded[Self.key(snapshot.id, status, success)] = snapshot
                }
            }
        }

        private static func key(_ id: RunID, _ status: String, _ success: Bool?) -> String {
            "\(id % cycle)/\(status)/\(success.map(String.init) ?? "nil")"
        }

        /// The simulator's object for `id` as decoded: its class's template with the id's
        /// own duration, result id and recording link.
        func snapshot(id: RunID, status: String, success: Bool?) -> RunSnapshot {
            guard var snapshot = decoded[Self.key(id, status, success)] else { fatalError("no template for \(status)") }
            snapshot.id = id
            snapshot.duration = String(format: "%02d:%02d", (id % 5) + 1, id % 60)
            snapshot.resultID = 90_000 + id / 100
            snapshot.voiceRecordingURL = "https://recordings.example.invalid/runs/\(id)/recording.wav"
            return snapshot
        }
    }

    static func outcome(_ rng: inout SplitMix64) -> (String, Bool?) {
        var draw = rng.unit()
        for entry in mix {
            if draw < entry.share { return (entry.status, entry.success) }
            draw -= entry.share
        }
        return ("completed", true)
    }

    /// A completed suite report of `runs` runs without a store: `failures` of them failed
    /// (the rest passed), each with the facts the store keeps (scenario, personality,
    /// duration, result, dashboard link, the error of a failure).
    static func report(runs: Int, failures: Int, links: DashboardLinks = DashboardLinks(base: "https://dashboard.cekura.ai")) -> SuiteReport {
        let started = Date(timeIntervalSince1970: 1_790_000_000)
        var rng = SplitMix64(seed: 11)
        let results = (1...runs).map { id -> RunResult in
            let failed = id <= failures
            let status = failed ? (id % 3 == 0 ? "timeout" : "failed") : "completed"
            let json = SimulatedRunJSON.render(id: id, status: status, success: failed ? nil : true, isFinal: true, oddities: false, rng: &rng)
            guard case .run(let snapshot)? = try? BulkResponseDecoder.decode(JSONValue.array([json]).encoded()).first else {
                fatalError("the simulator's run object did not decode")
            }
            return RunResult(
                id: id, status: snapshot.status, success: snapshot.success, terminal: true, snapshot: snapshot,
                submittedAt: started, endedAt: started.addingTimeInterval(Double(60 + id % 300)), links: links)
        }
        return SuiteReport(
            name: "nightly-regression", instance: 42, startedAt: started, completedAt: started.addingTimeInterval(3600), runs: results,
            labels: ["team": "voice", "env": "staging"], dashboardURL: links.result(90_000))
    }
}
