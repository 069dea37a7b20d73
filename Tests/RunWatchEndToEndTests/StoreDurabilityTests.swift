import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What producers were told is safe stays safe: a spool file goes only after its ids are
/// on the disk, and a full disk keeps files waiting instead of losing or setting them aside.
/// The real daemon binary, under `strace` or on a small tmpfs in its own mount namespace.
@Suite(.serialized) struct StoreDurabilityTests {
    static let strace = "/usr/bin/strace"
    static let unshare = "/usr/bin/unshare"

    /// Root, and a private mount namespace allowed (CI runs as root).
    static let canMountPrivately: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: unshare) else { return false }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: unshare)
        probe.arguments = ["-m", "true"]
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: strace), "needs strace to watch the daemon's system calls"))
    func aSpoolFileIsDeletedOnlyAfterTheCommitOfItsIdsReachedTheDisk() async throws {
        try await withTemporaryDirectory { dir in
            let socket = try NotifySocket(path: dir + "/notify.sock")
            defer { socket.close() }
            try await LoopbackServers.serve { servers in
                let config = try ProcessLifecycleTests.writeConfig(dir: dir, apiURL: servers.apiURL)
                let trace = dir + "/trace"
                let daemon = try DaemonProcess(
                    launcher: [Self.strace, "-f", "-y", "-qq", "--seccomp-bpf", "-e", "trace=openat,unlink,unlinkat,fsync,fdatasync", "-o", trace],
                    config: config, apiKey: servers.simulator.options.apiKey, extraEnvironment: ["NOTIFY_SOCKET": socket.path])
                let ready = await socket.receive(until: { $0.contains("READY=1") }, timeout: 60)
                try #require(ready.contains { $0.contains("READY=1") })
                let file = try SpoolWriter.submit(SpoolSubmission(runIDs: [5150, 5151]), to: SpoolDirectory(root: dir + "/spool"))
                let name = (file as NSString).lastPathComponent
                #expect(await waitUntil(timeout: .seconds(60)) { !FileManager.default.fileExists(atPath: file) }, "the file is ingested")

                // strace's child is the daemon; stop it, and strace follows.
                let children = Self.children(of: daemon.pid)
                try #require(children.count == 1)
                kill(children[0], SIGTERM)
                #expect(await daemon.waitForExit(timeout: 30))

                let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
                let opened = try #require(lines.firstIndex { $0.contains("openat(") && $0.contains(name) }, "the daemon read the file")
                let removed = try #require(lines.firstIndex { $0.contains("unlink") && $0.contains(name) }, "the daemon deleted the file")
                try #require(opened < removed)
                let synced = lines[opened..<removed].contains {
                    ($0.contains("fdatasync(") || $0.contains("fsync(")) && $0.contains(SQLiteRunStore.fileName + "-wal>")
                }
                #expect(synced, "between reading the file and deleting it, the store's WAL was synced to the disk")
            }
        }
    }

    @Test(.enabled(if: canMountPrivately, "needs root and a private mount namespace to give the store a small tmpfs"))
    func aFullDiskAtStartIsATransientFailureThatSystemdRetries() async throws {
        try await withTemporaryDirectory { dir in
            let config = try ProcessLifecycleTests.writeConfig(dir: dir, apiURL: "http://127.0.0.1:9")
            let state = dir + "/state"
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            let script = #"mount -t tmpfs -o size=128k tmpfs "$0" && { dd if=/dev/zero of="$0/fill" bs=4k 2>/dev/null; exec "$@"; }"#
            let (status, output) = try await runProcess(
                Self.unshare, ["-m", "--propagation", "private", "sh", "-c", script, state, builtProduct("runwatch"), "daemon", "--config", config],
                environment: ["PATH": "/usr/bin:/bin:/sbin:/usr/sbin", "CEKURA_API_KEY": "k"])
            #expect(output.contains("cannot start"), "\(output)")
            #expect(status == 1, "not 69: a restart succeeds once there is space again. \(output)")
        }
    }

    @Test(.enabled(if: canMountPrivately, "needs root and a private mount namespace to give the store a small tmpfs"))
    func aFullDiskDuringIngestLosesNothingSetsNothingAsideAndRecoversWhenSpaceReturns() async throws {
        try await withTemporaryDirectory { dir in
            let socket = try NotifySocket(path: dir + "/notify.sock")
            defer { socket.close() }
            try await LoopbackServers.serve { servers in
                let config = try ProcessLifecycleTests.writeConfig(dir: dir, apiURL: servers.apiURL)
                let state = dir + "/state"
                let spool = SpoolDirectory(root: dir + "/spool")
                try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
                let log = dir + "/daemon.log"
                let daemon = try DaemonProcess(
                    launcher: [
                        Self.unshare, "-m", "--propagation", "private", "sh", "-c", #"mount -t tmpfs -o size=4m tmpfs "$0" && exec "$@""#, state,
                    ],
                    config: config, apiKey: servers.simulator.options.apiKey,
                    extraEnvironment: ["NOTIFY_SOCKET": socket.path, "PATH": "/usr/bin:/bin:/sbin:/usr/sbin"], logFile: log)
                let ready = await socket.receive(until: { $0.contains("READY=1") }, timeout: 60)
                try #require(ready.contains { $0.contains("READY=1") }, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")

                // The store's folder as the daemon sees it, on its tmpfs.
                let seen = "/proc/\(daemon.pid)/root" + state
                let filler = seen + "/filler"
                try Self.fill(filler)

                var files: [String] = []
                for chunk in 0..<3 {
                    let ids = (0..<20_000).map { RunID(1_000_000 + chunk * 20_000 + $0) }
                    files.append(try SpoolWriter.submit(SpoolSubmission(runIDs: ids), to: spool))
                }
                // Many failed scans: a store that fails for every file must not set files
                // aside, however often it is tried.
                let failedScans = await waitUntil(timeout: .seconds(60), every: .milliseconds(100)) {
                    Self.count("spool ingest failed", in: log) >= 10
                }
                #expect(failedScans, "the daemon tried and failed to ingest while the disk was full")
                #expect(daemon.isRunning, "a full disk does not stop the daemon")
                #expect(files.allSatisfy { FileManager.default.fileExists(atPath: $0) }, "every file waits in new/")
                #expect(try FileManager.default.contentsOfDirectory(atPath: spool.rejected).isEmpty, "nothing set aside")

                try FileManager.default.removeItem(atPath: filler)
                let drained = await waitUntil(timeout: .seconds(60), every: .milliseconds(100)) {
                    files.allSatisfy { !FileManager.default.fileExists(atPath: $0) }
                }
                #expect(drained, "once there is space, the waiting files are ingested")
                #expect(try FileManager.default.contentsOfDirectory(atPath: spool.rejected).isEmpty, "nothing set aside")
                // Read in the daemon's mount namespace: SQLite resolves /proc/PID/root to "/".
                let (code, status) = try await runProcess(
                    "/usr/bin/nsenter", ["-t", "\(daemon.pid)", "-m", builtProduct("runwatch"), "status", "--state-dir", state])
                #expect(code == 0, "\(status)")
                #expect(status.contains("runs: 60000 total"), "every id of every file is in the store: \(status)")

                daemon.kill(SIGTERM)
                #expect(await daemon.waitForExit(timeout: 30))
                #expect(daemon.exitStatus == 0)
            }
        }
    }

    /// Writes zeros into `path` until the file system is full.
    static func fill(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let written = write(fd, chunk, chunk.count)
            if written <= 0 { break }
        }
        // Then the last partial chunk.
        while write(fd, chunk, 512) > 0 {}
    }

    static func count(_ text: String, in file: String) -> Int {
        guard let log = try? String(contentsOfFile: file, encoding: .utf8) else { return 0 }
        return log.components(separatedBy: text).count - 1
    }

    static func children(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "").split(separator: " ").compactMap {
                Int32($0)
            }
        }
    }
}
