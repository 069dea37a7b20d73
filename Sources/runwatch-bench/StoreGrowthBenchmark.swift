import Foundation
import GRDB
import RunWatch
import RunWatchCore

/// What keeping the snapshot of every ended run (since issue 12; before, only of runs that
/// ended badly) costs on disk: a store of `runs` runs in one suite, ended through the
/// poller's path with realistic answers and Cekura's mix of outcomes, copied compacted
/// (`VACUUM INTO`); then the same copy with the passed runs' snapshots nulled (the old
/// rule), compacted again.
struct StoreGrowthBenchmark {
    let runs: Int

    struct Result {
        var runs: Int
        var passed: Int
        var newBytes: Int
        var oldBytes: Int
        var snapshotBytes: Int
        var passedSnapshotBytes: Int
    }

    func run() async throws -> Result {
        let dir = SuiteFixture.temporaryDirectory("growth")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteRunStore.open(directory: dir)
        let ids = Array(1...runs)
        try await SuiteFixture.submit(ids, suite: "nightly", to: store, at: Date())
        try await SuiteFixture.end(ids, in: store, at: Date())

        let compact = dir + "/compact.sqlite"
        let live = try DatabaseQueue(path: dir + "/" + SQLiteRunStore.fileName)
        try await live.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [compact]) }
        try live.close()
        let copy = try DatabaseQueue(path: compact)
        defer { try? copy.close() }
        let passedRule = "status = 'completed' AND success = 1"
        let (passed, snapshotBytes, passedBytes) = try await copy.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE \(passedRule)") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(LENGTH(snapshot)), 0) FROM runs") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(LENGTH(snapshot)), 0) FROM runs WHERE \(passedRule)") ?? 0
            )
        }
        let newBytes = try Self.fileBytes(compact)
        try await copy.writeWithoutTransaction { db in
            try db.execute(sql: "UPDATE runs SET snapshot = NULL WHERE \(passedRule)")
            try db.execute(sql: "VACUUM")
        }
        return Result(
            runs: runs, passed: passed, newBytes: newBytes, oldBytes: try Self.fileBytes(compact), snapshotBytes: snapshotBytes,
            passedSnapshotBytes: passedBytes)
    }

    static func fileBytes(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    }

    static func print(_ r: Result) {
        Swift.print("\nStore growth: \(r.runs) ended runs in one suite (\(r.passed) passed), compacted store file\n")
        Swift.print([pad("rule", 44), lpad("store KB", 10), lpad("bytes/run", 10)].joined(separator: " "))
        for (name, bytes) in [("every ended run keeps its snapshot (now)", r.newBytes), ("only runs that ended badly (before)", r.oldBytes)] {
            Swift.print([pad(name, 44), lpad("\(bytes / 1024)", 10), lpad("\(bytes / r.runs)", 10)].joined(separator: " "))
        }
        let extra = r.newBytes - r.oldBytes
        Swift.print(
            [pad("difference, per passed run", 44), lpad("\(extra / 1024)", 10), lpad("\(extra / max(1, r.passed))", 10)].joined(separator: " "))
        Swift.print(
            [pad("snapshot JSON per run (average)", 44), lpad("\(r.snapshotBytes / 1024)", 10), lpad("\(r.snapshotBytes / r.runs)", 10)].joined(
                separator: " "))
        Swift.print(
            [
                pad("snapshot JSON per passed run (average)", 44), lpad("\(r.passedSnapshotBytes / 1024)", 10),
                lpad("\(r.passedSnapshotBytes / max(1, r.passed))", 10),
            ].joined(separator: " "))
    }
}
