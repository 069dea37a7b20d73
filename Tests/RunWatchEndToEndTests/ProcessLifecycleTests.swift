import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The daemon process's life at its edges: one daemon per `state_dir`, and a stop that
/// ends in bounded time whatever its peers do.
@Suite(.serialized) struct ProcessLifecycleTests {
    @Test func aSecondDaemonOnTheSameStateDirRefusesNamingThePidWhileTheCLIKeepsWorking() async throws {
        try await withTemporaryDirectory { dir in
            let socket = try NotifySocket(path: dir + "/notify.sock")
            defer { socket.close() }
            try await LoopbackServers.serve { servers in
                let config = try Self.writeConfig(dir: dir, apiURL: servers.apiURL)
                let first = try DaemonProcess(
                    config: config, apiKey: servers.simulator.options.apiKey, extraEnvironment: ["NOTIFY_SOCKET": socket.path])
                let ready = await socket.receive(until: { $0.contains("READY=1") }, timeout: 30)
                try #require(ready.contains { $0.contains("READY=1") })

                // Run as a process with a bound: a daemon that ignores the lock keeps running.
                let log = dir + "/second.log"
                let refused = try DaemonProcess(launcher: [], config: config, apiKey: servers.simulator.options.apiKey, logFile: log)
                let ended = await refused.waitForExit(timeout: 30)
                #expect(ended, "a second daemon on the same state_dir refuses to start")
                if ended {
                    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                    #expect(refused.exitStatus == 75, "a restart may succeed once the other daemon has gone: systemd retries 75")
                    #expect(output.contains("another runwatch daemon (pid \(first.pid))"), "\(output)")
                }
                #expect(first.isRunning)

                // The CLI takes no lock: it works beside the daemon.
                let cli = builtProduct("runwatch")
                let submitted = try await runProcess(cli, ["submit", "--spool-dir", dir + "/spool", "41"])
                #expect(submitted.status == 0, "\(submitted.output)")
                for arguments in [["status"], ["outbox"], ["forget", "41"], ["show", "42"], ["doctor"]] {
                    let (code, text) = try await runProcess(cli, arguments + ["--config", config])
                    let expected: Int32 = arguments == ["show", "42"] || arguments == ["doctor"] ? 1 : 0
                    #expect(code == expected, "runwatch \(arguments.joined(separator: " ")): \(text)")
                    #expect(!text.contains("another runwatch daemon"), "runwatch \(arguments[0]) must not take the lock")
                }

                first.kill(SIGTERM)
                #expect(await first.waitForExit(timeout: 30))
                #expect(first.exitStatus == 0)

                // The lock went with the process: the next daemon starts.
                let second = try DaemonProcess(
                    config: config, apiKey: servers.simulator.options.apiKey, extraEnvironment: ["NOTIFY_SOCKET": socket.path])
                let again = await socket.receive(until: { $0.contains("READY=1") }, timeout: 30)
                #expect(again.contains { $0.contains("READY=1") })
                second.kill(SIGTERM)
                #expect(await second.waitForExit(timeout: 30))
                #expect(second.exitStatus == 0)
            }
        }
    }

    /// A receiver sends `200` and then holds the body: no request timeout ends that
    /// delivery, so only the shutdown bound (`Daemon.shutdownBudget`, 15 s) does.
    @Test func sigtermEndsInBoundedTimeWhileAReceiverHoldsADeliveryAndTheAlertStaysPending() async throws {
        try await withTemporaryDirectory { dir in
            let socket = try NotifySocket(path: dir + "/notify.sock")
            defer { socket.close() }
            let stalling = try await StallingReceiver()
            try await LoopbackServers.serve { servers in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await stalling.run() }
                    defer { group.cancelAll() }
                    servers.simulator.addRun(7001, script: RunScript(stages: [.init("failed", seconds: 0)], success: false))
                    let config = try Self.writeConfig(dir: dir, apiURL: servers.apiURL, hooksURL: stalling.baseURL)
                    try SpoolDirectory(root: dir + "/spool").prepare()
                    try SpoolWriter.submit(SpoolSubmission(runIDs: [7001]), to: SpoolDirectory(root: dir + "/spool"))
                    let daemon = try DaemonProcess(
                        config: config, apiKey: servers.simulator.options.apiKey, extraEnvironment: ["NOTIFY_SOCKET": socket.path])
                    #expect(await waitUntil(timeout: .seconds(60)) { stalling.requests > 0 }, "the alert reaches the receiver")

                    daemon.kill(SIGTERM)
                    // 15 s of budget; the rest is headroom for a loaded machine. Without
                    // the bound the process waits for the receiver for ever.
                    let exited = await daemon.waitForExit(timeout: 60)
                    #expect(exited, "SIGTERM ends the daemon although the receiver never finishes its answer")
                    guard exited else { return }
                    #expect(daemon.exitedNormally)
                    #expect(daemon.exitStatus == 0)
                    let store = try SQLiteRunStore.open(directory: dir + "/state", readOnly: true)
                    let summary = try await store.summary()
                    #expect(summary.outboxPending == 1, "the undelivered alert waits in the outbox for the next start")
                    #expect(summary.delivered == 0)
                }
            }
        }
    }

    static func writeConfig(dir: String, apiURL: String, hooksURL: String? = nil) throws -> String {
        let config = dir + "/runwatch.yaml"
        var text = """
            api:
              base_url: \(apiURL)
              poll_interval: 300ms
            spool_dir: \(dir)/spool
            state_dir: \(dir)/state
            spool_scan_interval: 200ms

            """
        if let hooksURL {
            text += """
                notifiers:
                  - name: ci
                    kind: webhook
                    url: \(hooksURL)/hooks

                """
        }
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        return config
    }
}
