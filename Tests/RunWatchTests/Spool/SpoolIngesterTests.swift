import Foundation
import Logging
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

@Suite struct SpoolIngesterTests {
    func setUp(_ dir: String, logger: Logger = testLogger()) throws -> (SpoolDirectory, SQLiteRunStore, SpoolIngester) {
        let spool = SpoolDirectory(root: dir + "/spool")
        try spool.prepare()
        let store = try SQLiteRunStore.open(directory: dir + "/state")
        let ingester = SpoolIngester(
            spool: spool, store: store, logger: logger, now: { Date() }, configuredNotifiers: { ["ops", "team-a", "team-b"] })
        return (spool, store, ingester)
    }

    func drop(_ content: String, named name: String, in spool: SpoolDirectory) throws {
        try writeFile(spool.new + "/" + name, content)
    }

    func listing(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    @Test func goodFilesAreIngestedThenRemoved() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, store, ingester) = try setUp(dir)
            try SpoolWriter.submit(SpoolSubmission(runIDs: [1, 2, 3]), to: spool)
            try SpoolWriter.submit(SpoolSubmission(runIDs: [3, 4], labels: ["suite": "x"]), to: spool)
            for name in try listing(spool.new) {
                let mode = try FileManager.default.attributesOfItem(atPath: spool.new + "/" + name)[.posixPermissions] as? Int
                #expect(mode == 0o640, "readable by the spool's group whatever the producer's umask")
            }
            let ingested = try await ingester.scanOnce()
            #expect(ingested.newIDs.sorted() == [1, 2, 3, 4])
            #expect(try listing(spool.new).isEmpty)
            #expect(try listing(spool.tmp).isEmpty)
            #expect(try await store.activeRuns()[3]?.routing.labels == ["suite": "x"])
            #expect(try await ingester.scanOnce().isEmpty)
        }
    }

    @Test func badFilesAreSetAsideWithAReason() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, _, ingester) = try setUp(dir)
            try drop("hello world\n", named: "words.ids", in: spool)
            try drop(#"{"run_ids": "#, named: "broken.json", in: spool)
            try Data([0x31, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: spool.new + "/latin1.ids"))
            #expect(try await ingester.scanOnce().isEmpty)
            #expect(try listing(spool.new).isEmpty)
            #expect(
                try listing(spool.rejected) == [
                    "broken.json", "broken.json.reason", "latin1.ids", "latin1.ids.reason", "words.ids", "words.ids.reason",
                ])
            let reason = try String(contentsOfFile: spool.rejected + "/words.ids.reason", encoding: .utf8)
            #expect(reason.contains("line 1, token 1: not a run id (5 bytes)"))
            #expect(!reason.contains("hello"), "never quoted")
            #expect(try String(contentsOfFile: spool.rejected + "/latin1.ids.reason", encoding: .utf8).contains("not UTF-8"))
        }
    }

    @Test func goodIdsOfAPartlyBadFileAreIngestedAndTheReasonSaysSo() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, _, ingester) = try setUp(dir)
            try drop("10 11\nnope\n12\n", named: "mixed.ids", in: spool)
            #expect(try await ingester.scanOnce().newIDs == [10, 11, 12])
            let reason = try String(contentsOfFile: spool.rejected + "/mixed.ids.reason", encoding: .utf8)
            #expect(reason.contains("ingested 3 valid run id(s)"))
            #expect(reason.contains("line 2, token 1: not a run id (4 bytes)"))
        }
    }

    @Test func newFilesArePickedUpAtOnceWithoutWaitingForTheRescan() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, _ in
                    config.spoolScanInterval = .seconds(3600)
                }
            ) { h in
                h.simulator.addRandomRuns(1...3)
                try h.submit([1, 2, 3])
                let picked = await waitUntil(timeout: .seconds(10)) { h.daemon.poller.watchedCount == 3 }
                #expect(picked, "inotify should wake the ingester; the rescan is an hour away")
            }
        }
    }

    @Test func dotfilesAreIgnoredAndRejectedNamesNeverClobber() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, _, ingester) = try setUp(dir)
            try drop("1", named: ".partial", in: spool)
            try drop("x", named: "a.ids", in: spool)
            _ = try await ingester.scanOnce()
            try drop("y", named: "a.ids", in: spool)
            _ = try await ingester.scanOnce()
            #expect(try listing(spool.new) == [".partial"])
            #expect(try listing(spool.rejected) == ["a.ids", "a.ids.2", "a.ids.2.reason", "a.ids.reason"])
        }
    }
}
