import Foundation
import GRDB
import Logging
import RunWatch
import RunWatchCore
import RunWatchTesting

/// Spool ingest throughput, and the time to READY from a cold start with a big store.
struct IngestBenchmark {
    let ids: Int
    let files: Int

    struct Result {
        var ids: Int
        var files: Int
        var ingestSeconds: Double
        var readyActiveSeconds: Double
        var readyEndedSeconds: Double
    }

    func run() async throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-ingest-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spool = InProcessDaemon.spool(in: dir)
        try spool.prepare()
        let perFile = ids / files
        for file in 0..<files {
            let first = file * perFile + 1
            try SpoolWriter.submit(SpoolSubmission(runIDs: Array(first..<(first + perFile))), to: spool)
        }
        let logger = Logger(label: "bench")
        let state = InProcessDaemon.stateDirectory(in: dir)
        let store = try SQLiteRunStore.open(directory: state)
        let ingester = SpoolIngester(spool: spool, store: store, logger: logger, now: { Date() }, configuredNotifiers: { [] })
        let started = ContinuousClock.now
        let ingested = try await ingester.scanOnce()
        let ingestSeconds = (ContinuousClock.now - started).secondsDouble
        precondition(ingested.newIDs.count == perFile * files, "ingest lost ids")

        let readyActive = try await timeToReady(over: dir, logger)

        // The same rows, all ended: what a long-running install's store mostly holds.
        let queue = try DatabaseQueue(path: state + "/" + SQLiteRunStore.fileName)
        try await queue.write { db in
            try db.execute(
                sql: "UPDATE runs SET status = 'completed', success = 1, terminal = 1, ended_at = ?", arguments: [Date().timeIntervalSince1970])
        }
        try queue.close()
        let readyEnded = try await timeToReady(over: dir, logger)
        return Result(ids: ids, files: files, ingestSeconds: ingestSeconds, readyActiveSeconds: readyActive, readyEndedSeconds: readyEnded)
    }

    /// What `runwatch daemon` does before READY=1 over the store in `dir`: open and check
    /// it, load the active runs into the schedule, scan the spool. Nothing listens at the
    /// API URL; the daemon is prepared, never run.
    private func timeToReady(over dir: String, _ logger: Logger) async throws -> Double {
        let started = ContinuousClock.now
        _ = try await InProcessDaemon.prepare(apiURL: "http://127.0.0.1:9", in: dir, apiKey: "x", logger: logger)
        return (ContinuousClock.now - started).secondsDouble
    }

    static func print(_ result: Result) {
        Swift.print("\nSpool ingest and start-up (targets: ≥ 100,000 ids/s ingested; READY within 2 s at 1M rows)\n")
        Swift.print([pad("measure", 44), lpad("value", 14)].joined(separator: " "))
        Swift.print(
            [
                pad("ingest \(result.ids) ids from \(result.files) files", 44),
                lpad(String(format: "%.0f ids/s", Double(result.ids) / result.ingestSeconds), 14),
            ].joined(separator: " "))
        Swift.print(
            [pad("READY, \(result.ids) active runs in the store", 44), lpad(String(format: "%.2f s", result.readyActiveSeconds), 14)].joined(
                separator: " "))
        Swift.print(
            [pad("READY, \(result.ids) ended runs in the store", 44), lpad(String(format: "%.2f s", result.readyEndedSeconds), 14)].joined(
                separator: " "))
        Swift.print(
            [pad("peak RSS of the benchmark so far", 44), lpad(String(format: "%.0f MB", ResourceUsage.peakRSSMegabytes()), 14)].joined(
                separator: " "))
    }
}
