import Foundation
import RunWatch
import RunWatchCore

/// `runwatch wait`'s store read (`waitReading`): one read of a suite of N ended runs, by
/// suite name and by run ids; then what many CI jobs waiting at once cost the machine:
/// `waiters` read-only stores (one per job, as each `runwatch wait` process opens its own)
/// each reading its suite once a second, on the daemon's WAL file while a writer records
/// a poll answer of 100 changed runs ten times a second (the default budget's pace).
struct WaitReadingBenchmark {
    let runCounts: [Int]
    var reads = 15
    var waiters = 50
    var runsPerWaiter = 1000
    var seconds = 5.0

    struct ReadRow {
        var runs: Int
        var suiteMS: Double
        var idsMS: Double
    }

    struct LoadResult {
        var waiters: Int
        var runsEach: Int
        var seconds: Double
        var writerCPUPerSecond: Double
        var withWaitersCPUPerSecond: Double
        var reads: Int
        var readP50MS: Double
        var readP99MS: Double

        var waitersCPUPerSecond: Double { withWaitersCPUPerSecond - writerCPUPerSecond }
    }

    func runReads() async throws -> [ReadRow] {
        var rows: [ReadRow] = []
        for runs in runCounts {
            let dir = SuiteFixture.temporaryDirectory("wait-read")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let store = try SQLiteRunStore.open(directory: dir)
            let ids = Array(1...runs)
            try await SuiteFixture.submit(ids, suite: "ci", to: store, at: Date())
            try await SuiteFixture.end(ids, in: store, at: Date())
            let reader = try SQLiteRunStore.open(directory: dir, readOnly: true)
            let links = DashboardLinks(base: "https://dashboard.cekura.ai")
            let bySuite = try await Self.medianMS(reads) {
                let answer = try await reader.waitReading(WaitQuery(suite: "ci"), links: links)
                precondition(answer.reading.groups.first?.runs.count == runs, "the wait did not read the suite")
            }
            let byIDs = try await Self.medianMS(reads) { _ = try await reader.waitReading(WaitQuery(runIDs: ids), links: links) }
            rows.append(ReadRow(runs: runs, suiteMS: bySuite, idsMS: byIDs))
        }
        return rows
    }

    static func medianMS(_ rounds: Int, _ work: () async throws -> Void) async throws -> Double {
        var times: [Double] = []
        for _ in 0..<rounds {
            let t0 = ContinuousClock.now
            try await work()
            times.append((ContinuousClock.now - t0).secondsDouble * 1000)
        }
        return percentile(times, 0.5)
    }

    func runLoad() async throws -> LoadResult {
        let dir = SuiteFixture.temporaryDirectory("wait-load")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteRunStore.open(directory: dir)
        for job in 0..<waiters {
            let ids = Array((job * runsPerWaiter + 1)...((job + 1) * runsPerWaiter))
            try await SuiteFixture.submit(ids, suite: "ci-\(job)", to: store, at: Date())
            try await SuiteFixture.end(ids, in: store, at: Date())
        }
        // The runs the daemon is polling meanwhile.
        let active = Array(10_000_001...10_010_000)
        try await SuiteFixture.submit(active, suite: nil, to: store, at: Date())
        let readers = try (0..<waiters).map { _ in try SQLiteRunStore.open(directory: dir, readOnly: true) }

        let cpu0 = ResourceUsage.cpuSeconds()
        _ = try await Self.write(active, to: store, for: seconds)
        let cpu1 = ResourceUsage.cpuSeconds()
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            group.addTask {
                _ = try await Self.write(active, to: store, for: seconds, offset: 1)
                return []
            }
            for (job, reader) in readers.enumerated() {
                group.addTask { try await Self.wait(reader, suite: "ci-\(job)", start: Double(job) / Double(waiters), for: seconds) }
            }
            var latencies: [Double] = []
            for try await times in group { latencies += times }
            return latencies
        }
        let cpu2 = ResourceUsage.cpuSeconds()
        return LoadResult(
            waiters: waiters, runsEach: runsPerWaiter, seconds: seconds, writerCPUPerSecond: (cpu1 - cpu0) / seconds,
            withWaitersCPUPerSecond: (cpu2 - cpu1) / seconds, reads: latencies.count,
            readP50MS: percentile(latencies, 0.5), readP99MS: percentile(latencies, 0.99))
    }

    /// Records an answer of 100 changed runs every 100 ms for `seconds`; returns how many.
    private static func write(_ active: [RunID], to store: SQLiteRunStore, for seconds: Double, offset: Int = 0) async throws -> Int {
        let clock = ContinuousClock()
        let start = clock.now
        var answer = 0
        var tracked: [RunID: TrackedRun] = [:]
        let policy = WatchPolicy()
        while clock.now - start < .secondsDouble(seconds) {
            let at = Date()
            let statuses = ["running", "evaluating"]
            let first = (answer * 100) % active.count
            let chunk = active[first..<first + 100]
            let status = RunStatus(stored: statuses[(answer / (active.count / 100) + offset) % 2])
            let updates = chunk.map { id -> RunUpdate in
                let (next, update) = RunTracker.observe(
                    RunSnapshot(id: id, status: status), run: tracked[id] ?? TrackedRun(submittedAt: at), at: at, policy: policy)
                tracked[id] = next
                return update
            }
            try await store.record(PollRecord(at: at, polled: Array(chunk), updates: updates.filter(\.isNews), messages: []))
            answer += 1
            try await clock.sleep(until: start + .milliseconds(100 * answer))
        }
        return answer
    }

    /// One `runwatch wait`: reads its suite once a second; returns each read's wall time (ms).
    private static func wait(_ reader: SQLiteRunStore, suite: String, start: Double, for seconds: Double) async throws -> [Double] {
        let clock = ContinuousClock()
        let begin = clock.now + .secondsDouble(start)
        var times: [Double] = []
        var tick = 0
        while Double(tick) < seconds {
            try await clock.sleep(until: begin + .seconds(tick))
            let t0 = clock.now
            _ = try await reader.waitReading(WaitQuery(suite: suite), links: .none)
            times.append((clock.now - t0).secondsDouble * 1000)
            tick += 1
        }
        return times
    }

    static func print(reads: [ReadRow], load: LoadResult?) {
        Swift.print("\nrunwatch wait: one store read of a suite of N ended runs (read-only store, wall ms, median of 15)\n")
        Swift.print([lpad("runs", 8), lpad("--suite ms", 11), lpad("run ids ms", 11)].joined(separator: " "))
        for row in reads {
            Swift.print(
                [lpad("\(row.runs)", 8), lpad(String(format: "%.2f", row.suiteMS), 11), lpad(String(format: "%.2f", row.idsMS), 11)].joined(
                    separator: " "))
        }
        guard let load else { return }
        Swift.print(
            "\n\(load.waiters) waiters, each reading its suite of \(load.runsEach) runs once a second, while a writer records 10 answers/s (\(Int(load.seconds)) s each)\n"
        )
        Swift.print([pad("measure", 44), lpad("value", 14)].joined(separator: " "))
        let rows = [
            ("CPU, writer alone", String(format: "%.0f ms/s", load.writerCPUPerSecond * 1000)),
            ("CPU, writer + waiters", String(format: "%.0f ms/s", load.withWaitersCPUPerSecond * 1000)),
            ("CPU of the waiters", String(format: "%.0f ms/s", load.waitersCPUPerSecond * 1000)),
            ("… as a share of one core", String(format: "%.1f %%", load.waitersCPUPerSecond * 100)),
            ("… per read", String(format: "%.2f ms", load.waitersCPUPerSecond * load.seconds * 1000 / Double(max(1, load.reads)))),
            ("reads", "\(load.reads)"),
            ("read wall time p50", String(format: "%.1f ms", load.readP50MS)),
            ("read wall time p99", String(format: "%.1f ms", load.readP99MS)),
        ]
        for (name, value) in rows { Swift.print([pad(name, 44), lpad(value, 14)].joined(separator: " ")) }
    }
}
