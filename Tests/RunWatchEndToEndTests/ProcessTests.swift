import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Tests of the built `runwatch` binary as a process: sd_notify over a real unix datagram
/// socket, signals, exit codes, and the CLI.
@Suite(.serialized) struct ProcessTests {
    @Test func daemonSendsReadyThenStoppingOnSIGTERMAndExitsZero() async throws {
        try await withTemporaryDirectory { dir in
            let socket = try NotifySocket(path: dir + "/notify.sock")
            defer { socket.close() }
            try await LoopbackServers.serve { servers in
                let config = dir + "/runwatch.yaml"
                try """
                api:
                  base_url: \(servers.apiURL)
                  poll_interval: 1s
                spool_dir: \(dir)/spool
                state_dir: \(dir)/state
                """.write(toFile: config, atomically: true, encoding: .utf8)
                try await Self.driveDaemon(config: config, dir: dir, socket: socket, simulator: servers.simulator)
            }
        }
    }

    static func driveDaemon(config: String, dir: String, socket: NotifySocket, simulator: CekuraSimulator) async throws {
        let process = try DaemonProcess(config: config, apiKey: simulator.options.apiKey, extraEnvironment: ["NOTIFY_SOCKET": socket.path])

        let ready = await socket.receive(until: { $0.contains("READY=1") }, timeout: 30)
        #expect(ready.contains { $0.contains("READY=1") })
        #expect(ready.contains { $0.contains("STATUS=watching 0") }, "STATUS= is sent with READY=1")
        #expect(FileManager.default.fileExists(atPath: dir + "/spool/new"), "spool folders are created")

        // A run submitted while running changes the status line.
        simulator.addRandomRuns([77])
        try SpoolWriter.submit(.init(runIDs: [77]), to: SpoolDirectory(root: dir + "/spool"))
        let watching = await socket.receive(until: { $0.contains("STATUS=watching 1") }, timeout: 30)
        #expect(watching.contains { $0.contains("STATUS=watching 1") })

        // `systemctl reload` sends SIGHUP: RELOADING=1 with MONOTONIC_USEC, then READY=1.
        process.kill(SIGHUP)
        let reloaded = await socket.receive(until: { $0.hasPrefix("READY=1") }, timeout: 30)
        #expect(reloaded.contains { $0.contains("RELOADING=1") && $0.contains("MONOTONIC_USEC=") })
        #expect(reloaded.contains { $0.hasPrefix("READY=1") })
        // A broken file on reload keeps the old configuration running, and says why.
        let good = try String(contentsOfFile: config, encoding: .utf8)
        try "api:\n  batch_size: nope\n".write(toFile: config, atomically: true, encoding: .utf8)
        process.kill(SIGHUP)
        let refused = await socket.receive(until: { $0.contains("reload failed") }, timeout: 30)
        #expect(
            refused.contains { $0.contains("READY=1") && $0.contains("reload failed, previous configuration kept") && $0.contains("api.batch_size") })
        try good.write(toFile: config, atomically: true, encoding: .utf8)
        simulator.addRandomRuns([78])
        try SpoolWriter.submit(.init(runIDs: [78]), to: SpoolDirectory(root: dir + "/spool"))
        let afterHangup = await socket.receive(until: { $0.contains("STATUS=watching 2") }, timeout: 30)
        #expect(afterHangup.contains { $0.contains("STATUS=watching 2") }, "still working after SIGHUP")
        #expect(process.isRunning)

        process.kill(SIGTERM)
        let stopping = await socket.receive(until: { $0.contains("STOPPING=1") }, timeout: 30)
        #expect(stopping.contains { $0.contains("STOPPING=1") })
        let exited = await process.waitForExit(timeout: 30)
        #expect(exited, "the daemon exits after SIGTERM")
        guard exited else { return }
        #expect(process.exitedNormally)
        #expect(process.exitStatus == 0)
    }

    /// A hostile API's status string (a line break, then an sd_notify assignment, then
    /// kilobytes) must reach systemd as one bounded line: no injected `READY=1` or
    /// `WATCHDOG=1`, no datagram systemd would drop.
    @Test func statusStringsFromTheAPICannotInjectNotifyAssignments() async throws {
        try await withTemporaryDirectory { dir in
            let socket = try NotifySocket(path: dir + "/notify.sock")
            defer { socket.close() }
            try await LoopbackServers.serve { servers in
                let hostile = "paused\nWATCHDOG=1\nERRNO=5\n" + String(repeating: "z", count: 5000)
                servers.simulator.addRun(91, script: RunScript(stages: [.init(hostile, seconds: 3600)], success: nil))
                try writeFile(
                    dir + "/runwatch.yaml",
                    "api:\n  base_url: \(servers.apiURL)\n  poll_interval: 1s\nspool_dir: \(dir)/spool\nstate_dir: \(dir)/state\n")
                try SpoolDirectory(root: dir + "/spool").prepare()
                try SpoolWriter.submit(.init(runIDs: [91]), to: SpoolDirectory(root: dir + "/spool"))
                let process = try DaemonProcess(
                    config: dir + "/runwatch.yaml", apiKey: servers.simulator.options.apiKey, extraEnvironment: ["NOTIFY_SOCKET": socket.path])
                let messages = await socket.receive(until: { $0.contains("unknown statuses") }, timeout: 60)
                process.kill(SIGTERM)
                _ = await process.waitForExit(timeout: 30)
                let shown = try #require(messages.first { $0.contains("unknown statuses") })
                #expect(shown.hasPrefix("STATUS=watching 1"))
                #expect(!shown.contains("\n"), "one assignment, one line")
                #expect(shown.utf8.count <= 4096)
                let assignments = messages.flatMap { $0.split(separator: "\n") }
                #expect(!assignments.contains { $0.hasPrefix("ERRNO=") || $0 == "WATCHDOG=1" })
            }
        }
    }

    @Test func aBadConfigStopsTheDaemonWithTheKeyNamed() async throws {
        try await withTemporaryDirectory { dir in
            let config = dir + "/bad.yaml"
            try "api:\n  batch_size: lots\n  colour: red\nwatch:\n  deadline: 1s\n".write(toFile: config, atomically: true, encoding: .utf8)
            let (status, output) = try await run(["daemon", "--config", config])
            #expect(status == 78)
            #expect(output.contains("api.batch_size"))
            let (checkStatus, checkOutput) = try await run(["check-config", "--config", config])
            #expect(checkStatus == 78)
            #expect(checkOutput.contains("config \(config): api.batch_size: expected an integer"))
            #expect(checkOutput.contains("config \(config): api.colour: unknown key"), "every bad key is named, not just the first")
        }
    }

    @Test func aMissingApiKeyIsAClearStartError() async throws {
        try await withTemporaryDirectory { dir in
            let config = dir + "/ok.yaml"
            try "spool_dir: \(dir)/spool\nstate_dir: \(dir)/state\n".write(toFile: config, atomically: true, encoding: .utf8)
            let (status, output) = try await run(["daemon", "--config", config])
            #expect(status == 69)
            #expect(output.contains("no Cekura API key"))
        }
    }

    @Test func submitWritesOneSpoolFileAtomicallyAndStatusCountsIt() async throws {
        try await withTemporaryDirectory { dir in
            let (missingStatus, missingOutput) = try await run(["submit", "--spool-dir", dir + "/nowhere", "5"])
            #expect(missingStatus == 73)
            #expect(missingOutput.contains("spool folder '\(dir)/nowhere/tmp' does not exist"))

            try SpoolDirectory(root: dir).prepare()
            let (status, output) = try await run(["submit", "--spool-dir", dir, "--label", "suite=nightly", "5", "6", "7"])
            #expect(status == 0, "\(output)")
            let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/new")
            #expect(files.count == 1)
            let submission = try SpoolFileParserBridge.parse(dir + "/new/" + files[0])
            #expect(submission.runIDs == [5, 6, 7])
            #expect(submission.labels == ["suite": "nightly"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/tmp").isEmpty)

            let (badStatus, badOutput) = try await run(["submit", "--spool-dir", dir, "5", "abc"])
            #expect(badStatus == 65)
            #expect(badOutput.contains("'abc' is not a run id"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/new").count == 1, "nothing submitted on a bad id")

            let (stdinStatus, _) = try await run(["submit", "--spool-dir", dir], stdin: "8\n9, 10 # comment\n")
            #expect(stdinStatus == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/new").count == 2)

            // `runwatch status` reads the store the daemon writes.
            let store = try SQLiteRunStore.open(directory: dir + "/state")
            _ = try await store.ingest(.init(runIDs: [5, 6, 7]), at: Date())
            let (statusCode, statusOutput) = try await run(["status", "--state-dir", dir + "/state"])
            #expect(statusCode == 0)
            #expect(statusOutput.contains("runs: 3 total, 3 active"))
            #expect(statusOutput.contains("submitted"))
            #expect(statusOutput.contains("API: not contacted yet"))

            let (forgetCode, forgetOutput) = try await run(["forget", "--state-dir", dir + "/state", "7", "99"])
            #expect(forgetCode == 0)
            #expect(forgetOutput.contains("forgot 1 run(s); not in the store: 99"))
            let (_, after) = try await run(["status", "--state-dir", dir + "/state"])
            #expect(after.contains("runs: 2 total, 2 active"))
        }
    }

    func run(_ arguments: [String], stdin: String? = nil) async throws -> (Int32, String) {
        try await runProcess(builtProduct("runwatch"), arguments, stdin: stdin)
    }
}

enum SpoolFileParserBridge {
    static func parse(_ path: String) throws -> RunWatchCore.SpoolSubmission {
        try RunWatchCore.SpoolFileParser.parse(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// A bound unix datagram socket standing in for systemd's notify socket.
final class NotifySocket: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            path.utf8CString.withUnsafeBytes { buffer.copyMemory(from: $0) }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    /// Collects datagrams until one satisfies `done` or `timeout` seconds pass. Reads
    /// without blocking and waits with `Task.sleep`, so no thread is held.
    func receive(until done: (String) -> Bool, timeout: Double) async -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard count > 0 else {
                try? await Task.sleep(for: .milliseconds(20))
                continue
            }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            messages.append(message)
            if done(message) { break }
        }
        return messages
    }

    func close() {
        Glibc.close(fd)
        unlink(path)
    }
}
