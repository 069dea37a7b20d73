import Foundation
import GRDB
import Logging
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// Producers are other teams: whatever they leave in new/, the daemon reads only regular
/// files, never blocks, never quotes, and never loses or silences another team's runs.
@Suite(.timeLimit(.minutes(2))) struct SpoolHostileProducerTests {
    static let secret = "sk-live-FAKEKEY-0123456789abcdef"

    func setUp(_ dir: String, recorder: LogRecorder = LogRecorder()) throws -> (SpoolDirectory, SQLiteRunStore, SpoolIngester) {
        try SpoolIngesterTests().setUp(dir, logger: recorder.logger())
    }

    func listing(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    func reason(_ spool: SpoolDirectory, _ name: String) throws -> String {
        try String(contentsOfFile: spool.rejected + "/" + name + ".reason", encoding: .utf8)
    }

    func allReasons(_ spool: SpoolDirectory) throws -> String {
        try listing(spool.rejected).filter { $0.hasSuffix(".reason") }.map { try reason(spool, String($0.dropLast(".reason".count))) }
            .joined(separator: "\n")
    }

    @Test func aSymlinkOrHardLinkToASecretIsSetAsideUnreadAndTheSecretGoesNowhere() async throws {
        try await withTemporaryDirectory { dir in
            let recorder = LogRecorder()
            let (spool, store, ingester) = try setUp(dir, recorder: recorder)
            let secretPath = dir + "/cekura-api-key"
            try writeFile(secretPath, Self.secret + "\n")
            try SpecialFiles.symlink(at: spool.new + "/key.ids", to: secretPath)
            try SpecialFiles.symlink(at: spool.new + "/key.json", to: secretPath)
            try SpecialFiles.hardLink(at: spool.new + "/hard.ids", to: secretPath)
            try SpoolWriter.submit(SpoolSubmission(runIDs: [7]), to: spool)

            #expect(try await ingester.scanOnce().newIDs == [7])
            // A hard link may be a Maildir-style producer between link() and unlink():
            // retried, and set aside only if it stays a link for 3 scans.
            #expect(try listing(spool.new) == ["hard.ids"])
            _ = try await ingester.scanOnce()
            #expect(try listing(spool.new) == ["hard.ids"])
            _ = try await ingester.scanOnce()
            #expect(try listing(spool.new).isEmpty)
            #expect(SpecialFiles.kind(of: spool.rejected + "/key.ids") == "symlink", "moved as it is, never followed")
            #expect(try reason(spool, "key.ids").contains("a symbolic link; runwatch reads only regular files"))
            #expect(try reason(spool, "key.json").contains("a symbolic link; runwatch reads only regular files"))
            #expect(try reason(spool, "hard.ids").contains("set aside after 3 failed attempts; the last: a hard link (2 links)"))
            #expect(try String(contentsOfFile: secretPath, encoding: .utf8) == Self.secret + "\n", "the target is untouched")

            let needle = "FAKEKEY"
            #expect(!(try allReasons(spool)).contains(needle))
            #expect(!recorder.all.contains { $0.contains(needle) })
            #expect(recorder.contains("set aside spool file"))
            let stored = SpecialFiles.allBytes(under: dir + "/state")
            #expect(stored.range(of: Data(needle.utf8)) == nil, "no store row holds the secret")
            #expect(try await store.summary().runsByStatus.values.reduce(0, +) == 1)
        }
    }

    @Test func aFIFOASocketAndADirectoryAreSetAsideWithoutBlocking() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, _, ingester) = try setUp(dir)
            try SpecialFiles.fifo(at: spool.new + "/a-pipe.ids")
            try SpecialFiles.socket(at: spool.new + "/b-socket.ids")
            try FileManager.default.createDirectory(atPath: spool.new + "/c-folder.ids", withIntermediateDirectories: false)
            try writeFile(spool.new + "/d-good.ids", "1 2 3\n")

            #expect(try await ingester.scanOnce().newIDs == [1, 2, 3])
            #expect(try listing(spool.new).isEmpty)
            #expect(try reason(spool, "a-pipe.ids").contains("a FIFO (named pipe); runwatch reads only regular files"))
            #expect(try reason(spool, "b-socket.ids").contains("a socket; runwatch reads only regular files"))
            #expect(try reason(spool, "c-folder.ids").contains("a directory; runwatch reads only regular files"))
            #expect(SpecialFiles.kind(of: spool.rejected + "/a-pipe.ids") == "fifo")
        }
    }

    @Test func aFileLinkedInMaildirStyleIsReadOnceItsStagingNameIsGone() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, _, ingester) = try setUp(dir)
            try writeFile(spool.tmp + "/m.ids", "42\n")
            try SpecialFiles.hardLink(at: spool.new + "/m.ids", to: spool.tmp + "/m.ids")
            #expect(try await ingester.scanOnce().isEmpty, "caught between link() and unlink()")
            #expect(try listing(spool.rejected).isEmpty)
            #expect(unlink(spool.tmp + "/m.ids") == 0)
            #expect(try await ingester.scanOnce().newIDs == [42])
        }
    }

    @Test func aPrivateFileOfAnotherUserIsSetAsideWithWhatToDo() async throws {
        // Decided from the mode, not from whether open() works: tests and CI run as root,
        // where it always does. Without root there is no other user's file to make.
        guard getuid() == 0 else { return }
        try await withTemporaryDirectory { dir in
            let (spool, _, ingester) = try setUp(dir)
            let path = spool.new + "/private.ids"
            try writeFile(path, "5\n")
            #expect(chmod(path, 0o600) == 0)
            #expect(chown(path, 65534, 65534) == 0)
            #expect(try await ingester.scanOnce().isEmpty)
            let text = try reason(spool, "private.ids")
            #expect(text.contains("not readable by the daemon's user or group (mode 0600, owner uid 65534"))
            #expect(text.contains("group-readable (mode 0640)"))
        }
    }

    @Test func theIssuesHugeLabelIsRefusedAndNothingIsStored() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, store, ingester) = try setUp(dir)
            // The issue's file: 38 KB, one 20 KB label, the rest ids.
            let ids = (1_000_000...1_002_200).map(String.init).joined(separator: ",")
            let label = String(repeating: "x", count: 20 * 1024)
            try writeFile(spool.new + "/huge.json", #"{"run_ids": [\#(ids)], "labels": {"blob": "\#(label)"}}"#)
            #expect(try await ingester.scanOnce().isEmpty)
            let text = try reason(spool, "huge.json")
            #expect(text.contains("labels or notifiers refused, so no run id of this file was ingested"))
            #expect(text.contains("its value is 20480 bytes; the limit is 512 bytes"))
            #expect(!text.contains("xxxx"))
            #expect(try await store.summary().runsByStatus.isEmpty)
        }
    }

    @Test func aTenMebibyteGarbageFileLeavesASmallReason() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, _, ingester) = try setUp(dir)
            var bytes = [UInt8](repeating: UInt8(ascii: "g"), count: 10 * 1024 * 1024)
            for index in stride(from: 9, to: bytes.count, by: 10) { bytes[index] = UInt8(ascii: index % 1000 == 9 ? "\n" : " ") }
            try Data(bytes).write(to: URL(fileURLWithPath: spool.new + "/garbage.ids"))
            try Data(bytes + [0x20]).write(to: URL(fileURLWithPath: spool.new + "/over.ids"))
            #expect(try await ingester.scanOnce().isEmpty)
            let garbage = try reason(spool, "garbage.ids")
            #expect(garbage.utf8.count <= SpoolLimits.default.maxReasonBytes)
            #expect(garbage.contains("line 1, token 1: not a run id (9 bytes)"))
            #expect(garbage.contains("and 1048556 more problem(s)"))
            #expect(try reason(spool, "over.ids").contains("file is 10485761 bytes, over the 10485760-byte limit"))
        }
    }

    @Test func unknownNotifierNamesAreReportedAndTheKnownOnesKept() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, store, ingester) = try setUp(dir)
            try writeFile(spool.new + "/a.json", #"{"run_ids": [1, 2], "notifiers": ["team-a", "nobody", "team-b"]}"#)
            try writeFile(spool.new + "/b.json", #"{"run_ids": [3], "notifiers": ["ghost"]}"#)
            _ = try await ingester.scanOnce()
            let runs = try await store.activeRuns()
            #expect(runs[1]?.routing.notifiers == ["team-a", "team-b"])
            #expect(runs[3]?.routing.notifiers == nil, "no known name: routed as if no list were given, never muted")
            let a = try reason(spool, "a.json")
            #expect(a.contains("ingested 2 valid run id(s)"))
            #expect(a.contains("notifiers[1]: no notifier of that name (6 bytes) is configured; ignored"))
            #expect(try reason(spool, "b.json").contains("notifiers[0]: no notifier of that name (5 bytes) is configured; ignored"))
        }
    }

    @Test func aSecondProducerCanWidenButNeverSilenceOrRelabel() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, store, ingester) = try setUp(dir)
            // Team A's job, then another team's job naming the same runs.
            try SpoolWriter.submit(SpoolSubmission(runIDs: [1, 2], labels: ["team": "a"], notifiers: ["team-a"]), to: spool)
            _ = try await ingester.scanOnce()
            try SpoolWriter.submit(SpoolSubmission(runIDs: [1, 2], labels: ["team": "b", "build": "9"], notifiers: []), to: spool)
            let muted = try await ingester.scanOnce()
            #expect(muted.newIDs.isEmpty)
            var runs = try await store.activeRuns()
            #expect(runs[1]?.routing == RunRouting(labels: ["team": "a", "build": "9"], notifiers: ["team-a"]))
            #expect(muted.rerouted[1] == runs[1]?.routing, "the poller learns the same routing")

            try SpoolWriter.submit(SpoolSubmission(runIDs: [2], notifiers: ["team-b"]), to: spool)
            _ = try await ingester.scanOnce()
            runs = try await store.activeRuns()
            #expect(runs[2]?.routing.notifiers == ["team-a", "team-b"])
            #expect(runs[1]?.routing.notifiers == ["team-a"])
            #expect(try await store.history(of: 1)?.labels == ["team": "a", "build": "9"])
        }
    }

    func addTrigger(_ dir: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: dir + "/state/" + SQLiteRunStore.fileName)
        try queue.write { try $0.execute(sql: sql) }
        try queue.close()
    }

    @Test func aFileTheStoreKeepsRefusingIsSetAsideAndNeverBlocksTheOthers() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, _, ingester) = try setUp(dir)
            try addTrigger(dir, "CREATE TRIGGER poison BEFORE INSERT ON runs WHEN NEW.id = 666 BEGIN SELECT RAISE(ABORT, 'poisoned'); END")
            try writeFile(spool.new + "/a.ids", "1")
            try writeFile(spool.new + "/b.ids", "666")
            try writeFile(spool.new + "/c.ids", "3")
            #expect(try await ingester.scanOnce().newIDs == [1, 3])
            #expect(try listing(spool.new) == ["b.ids"])
            try writeFile(spool.new + "/d.ids", "4")
            #expect(try await ingester.scanOnce().newIDs == [4])
            #expect(try listing(spool.new) == ["b.ids"])
            try writeFile(spool.new + "/e.ids", "5")
            #expect(try await ingester.scanOnce().newIDs == [5])
            #expect(try listing(spool.new).isEmpty)
            let text = try reason(spool, "b.ids")
            #expect(text.contains("set aside after 3 failed attempts"))
            #expect(text.contains("the store refused it while accepting other files"))
        }
    }

    @Test func aStoreThatRefusesEverythingSetsNothingAside() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, _, ingester) = try setUp(dir)
            // Every insert fails, as when the disk is full.
            try addTrigger(dir, "CREATE TRIGGER full BEFORE INSERT ON runs BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
            for name in ["a", "b", "c"] { try writeFile(spool.new + "/\(name).ids", "\(name == "a" ? 1 : name == "b" ? 2 : 3)") }
            for _ in 1...5 {
                #expect(try await ingester.scanOnce().isEmpty)
                #expect(try listing(spool.new) == ["a.ids", "b.ids", "c.ids"])
                #expect(try listing(spool.rejected).isEmpty)
            }
            try addTrigger(dir, "DROP TRIGGER full")
            #expect(try await ingester.scanOnce().newIDs == [1, 2, 3], "recovers when space returns")
            #expect(try listing(spool.new).isEmpty)
        }
    }

    @Test func aScanStopsAtItsDeadlineAndLeavesTheRestForTheNext() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, _, ingester) = try setUp(dir)
            try writeFile(spool.new + "/a.ids", "1")
            try writeFile(spool.new + "/b.ids", "2")
            // The start-up scan's bound: past its deadline it stops before the next file.
            #expect(try await ingester.scanOnce(until: .now - .seconds(1)).isEmpty)
            #expect(try listing(spool.new) == ["a.ids", "b.ids"])
            var seen = 0
            #expect(try await ingester.scanOnce { seen += 1 }.newIDs == [1, 2])
            #expect(seen == 2, "progress is reported per file (the spool loop's heartbeat)")
        }
    }

    @Test func aDanglingLinkSetAsideEarlierIsNeverOverwritten() async throws {
        try await withTemporaryDirectory { dir in
            let (spool, _, ingester) = try setUp(dir)
            try SpecialFiles.symlink(at: spool.new + "/x.ids", to: dir + "/nowhere")
            _ = try await ingester.scanOnce()
            try writeFile(spool.new + "/x.ids", "nope")
            _ = try await ingester.scanOnce()
            #expect(try listing(spool.rejected) == ["x.ids", "x.ids.2", "x.ids.2.reason", "x.ids.reason"])
            #expect(SpecialFiles.kind(of: spool.rejected + "/x.ids") == "symlink")
        }
    }

    @Test func reasonFilesAreCapped() {
        let long = (1...2000).map { "line \($0) of a long reason" }.joined(separator: "\n")
        let capped = SpoolIngester.capped(long, to: 8192)
        #expect(capped.utf8.count <= 8192)
        #expect(capped.hasSuffix("(reason cut at 8192 bytes)"))
    }

    @Test func namesAreShownWithControlCharactersEscaped() {
        #expect(SpoolIngester.shown("a\nb\u{1b}[31m.ids") == "a\\u{a}b\\u{1b}[31m.ids")
    }
}
