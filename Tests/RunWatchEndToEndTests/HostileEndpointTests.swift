import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The API and the receivers as hostile peers: redirects are never followed (nothing
/// marked delivered, the key never reaches another host), a trickled body fails within
/// the deadline and does not hold shutdown, a huge body is read only up to its cap.
@Suite struct HostileEndpointTests {
    static let failing = RunScript(stages: [.init("running", seconds: 0.2), .init("failed", seconds: 0)], success: false)

    /// A second server that records whatever reaches it: where the redirects point.
    static func withElsewhere<T: Sendable>(_ body: (WebhookReceiver, String) async throws -> T) async throws -> T {
        let elsewhere = WebhookReceiver()
        let server = try await ScriptedHTTPServer.bind { await elsewhere.answer($0) }
        return try await InProcess.serving([server]) { try await body(elsewhere, server.baseURL) }
    }

    /// Runs `body`; false if it did not finish within `limit` (it is then cancelled).
    static func finishes(within limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
    }

    func summary(_ h: TestBed) async -> StoreSummary? { try? await h.daemon.store.summary() }

    @Test(arguments: [301, 302, 307])
    func aWebhookRedirectDisablesTheNotifierAndKeepsTheMessage(status: Int) async throws {
        try await Self.withElsewhere { elsewhere, elsewhereURL in
            try await withTemporaryDirectory { dir in
                try await TestBed.run(
                    simulator: CekuraSimulator(), in: dir,
                    configure: { config, hooks in config.notifiers = [.init(name: "ci", kind: .webhook, url: hooks + "/hooks")] }
                ) { h in
                    var redirecting = WebhookReceiver.Behaviour()
                    redirecting.hostile = .redirect(status: status, location: elsewhereURL + "/moved/T0KEN-in-path?token=s3cret")
                    h.receiver.setBehaviour(redirecting)
                    h.simulator.addRun(1, script: Self.failing)
                    try h.submit([1])
                    let disabled = await waitUntil(timeout: .seconds(30)) { await summary(h)?.disabledNotifiers["ci"] != nil }
                    #expect(disabled, "the notifier must be disabled with a reason")
                    let after = await summary(h)
                    let reason = after?.disabledNotifiers["ci"] ?? ""
                    #expect(reason.contains("answered \(status)"))
                    #expect(reason.contains("redirect to host 127.0.0.1"))
                    #expect(!reason.contains("T0KEN") && !reason.contains("s3cret"), "only the Location host, never its path or query")
                    #expect(after?.outboxPending == 1, "the alert waits in the outbox")
                    #expect(after?.delivered == 0)
                    #expect(elsewhere.allRequests.isEmpty, "the redirect must not be followed")
                    #expect(h.receiver.deliveries.isEmpty)
                    // The operator fixes the endpoint and reloads: the waiting alert goes out.
                    h.receiver.setBehaviour(WebhookReceiver.Behaviour())
                    try h.daemon.reload(h.configuration)
                    let delivered = await waitUntil(timeout: .seconds(30)) { await summary(h)?.delivered == 1 }
                    #expect(delivered, "the kept message goes out after the reload")
                }
            }
        }
    }

    @Test(arguments: [301, 302, 307])
    func anAPIRedirectIsNeverFollowedAndTheKeyStaysHome(status: Int) async throws {
        try await Self.withElsewhere { elsewhere, elsewhereURL in
            try await withTemporaryDirectory { dir in
                try await TestBed.run(simulator: CekuraSimulator(), in: dir) { h in
                    h.simulator.setHostile(.redirect(status: status, location: elsewhereURL + "/test_framework/v1/runs/bulk/?run_ids=1"))
                    h.simulator.addRun(1, script: Self.failing)
                    try h.submit([1])
                    let reported = await waitUntil(timeout: .seconds(30)) {
                        await summary(h)?.lastAPIError?.contains("redirect to host 127.0.0.1") == true
                    }
                    #expect(reported, "runwatch status must show the redirect, naming the host")
                    let error = await summary(h)?.lastAPIError ?? ""
                    #expect(error.contains("api.base_url"))
                    #expect(!error.contains("run_ids"), "the Location is not quoted")
                    #expect(h.simulator.counters.bulkRequests >= 1)
                    #expect(elsewhere.allRequests.isEmpty, "the redirect must not be followed")
                    #expect(!elsewhere.allRequests.contains { $0.header("X-CEKURA-API-KEY") != nil })
                }
            }
        }
    }

    @Test func aReceiverTricklingItsBodyFailsWithinTheDeadlineAndShutdownStaysPrompt() async throws {
        try await withTemporaryDirectory { dir in
            let ended = try await Self.finishes(within: .seconds(60)) {
                try await TestBed.run(
                    simulator: CekuraSimulator(), in: dir,
                    configure: { config, hooks in
                        config.notifiers = [.init(name: "ci", kind: .webhook, url: hooks + "/hooks", timeout: .seconds(2))]
                    }
                ) { h in
                    var trickling = WebhookReceiver.Behaviour()
                    trickling.hostile = .trickle(every: .seconds(1))
                    h.receiver.setBehaviour(trickling)
                    h.simulator.addRun(1, script: Self.failing)
                    try h.submit([1])
                    let failed = await waitUntil(timeout: .seconds(30)) {
                        let history = try? await h.daemon.store.history(of: 1)
                        return history?.deliveries.first?.lastError?.contains("no complete answer within 2s") == true
                    }
                    #expect(failed, "the attempt must fail at its deadline, body included")
                    #expect(await summary(h)?.outboxPending == 1, "and the alert stays in the outbox")
                    // Shut down while the next attempt is trickling.
                    _ = await waitUntil(timeout: .seconds(30)) { h.receiver.attempts >= 2 }
                }
            }
            #expect(ended, "graceful shutdown must not wait on a trickling receiver")
        }
    }

    @Test func anAPITricklingItsBodyFailsWithinTheDeadlineAndShutdownStaysPrompt() async throws {
        try await withTemporaryDirectory { dir in
            let ended = try await Self.finishes(within: .seconds(60)) {
                try await TestBed.run(
                    simulator: CekuraSimulator(), in: dir,
                    configure: { config, _ in config.api.requestTimeout = .seconds(2) }
                ) { h in
                    h.simulator.setHostile(.trickle(every: .seconds(1)))
                    h.simulator.addRun(1, script: Self.failing)
                    try h.submit([1])
                    let failed = await waitUntil(timeout: .seconds(30)) {
                        await summary(h)?.lastAPIError?.contains("no complete answer within 2s") == true
                    }
                    #expect(failed, "the bulk request must fail at its deadline, body included")
                    // Shut down while another request is trickling.
                    let before = h.simulator.counters.bulkRequests
                    _ = await waitUntil(timeout: .seconds(30)) { h.simulator.counters.bulkRequests > before }
                }
            }
            #expect(ended, "graceful shutdown must not wait on a trickling API")
        }
    }

    @Test func theDaemonProcessExitsCleanlyOnSIGTERMWhileAReceiverTrickles() async throws {
        try await withTemporaryDirectory { dir in
            try await LoopbackServers.serve { servers in
                let config = dir + "/runwatch.yaml"
                try writeFile(
                    config,
                    """
                    api:
                      base_url: \(servers.apiURL)
                      poll_interval: 300ms
                    spool_dir: \(dir)/spool
                    state_dir: \(dir)/state
                    notifiers:
                      - name: ci
                        kind: webhook
                        url: \(servers.hooksURL)/hooks
                        timeout: 10s
                    """)
                var trickling = WebhookReceiver.Behaviour()
                trickling.hostile = .trickle(every: .seconds(1))
                servers.receiver.setBehaviour(trickling)
                servers.simulator.addRun(1, script: Self.failing)
                let process = try DaemonProcess(config: config, apiKey: servers.simulator.options.apiKey)
                let started = await waitUntil(timeout: .seconds(30)) { FileManager.default.fileExists(atPath: dir + "/spool/tmp") }
                #expect(started)
                try SpoolWriter.submit(.init(runIDs: [1]), to: SpoolDirectory(root: dir + "/spool"))
                let inFlight = await waitUntil(timeout: .seconds(30)) { servers.receiver.attempts >= 1 }
                #expect(inFlight, "a delivery should be trickling when SIGTERM comes")
                process.kill(SIGTERM)
                let exited = await process.waitForExit(timeout: 30)
                #expect(exited, "SIGTERM must end the daemon within the delivery deadline")
                guard exited else { return }
                #expect(process.exitedNormally && process.exitStatus == 0)
                let summary = try await SQLiteRunStore.open(directory: dir + "/state", readOnly: true).summary()
                #expect(summary.outboxPending == 1 && summary.delivered == 0, "the alert stays in the outbox for the next start")
            }
        }
    }

    @Test func aHugeAnswerFromAReceiverIsReadOnlyToItsCap() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator(), in: dir,
                configure: { config, hooks in config.notifiers = [.init(name: "ci", kind: .webhook, url: hooks + "/hooks")] }
            ) { h in
                var huge = WebhookReceiver.Behaviour()
                huge.hostile = .huge(bytes: 4 << 30)
                h.receiver.setBehaviour(huge)
                h.simulator.addRun(1, script: Self.failing)
                try h.submit([1])
                // A 2xx is a delivery whatever follows it; the rest of the body is not read.
                let delivered = await waitUntil(timeout: .seconds(60)) { await summary(h)?.delivered == 1 }
                #expect(delivered)
                #expect(h.receiver.hostileBytesSent < 1 << 30, "the connection must be closed, not drained (sent \(h.receiver.hostileBytesSent))")
            }
        }
    }

    @Test func aHugeAnswerFromTheAPIIsRefusedAtItsCap() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator(), in: dir,
                configure: { config, _ in config.api.maxResponseSize = 1 << 20 }
            ) { h in
                h.simulator.setHostile(.huge(bytes: 4 << 30))
                h.simulator.addRun(1, script: Self.failing)
                try h.submit([1])
                let refused = await waitUntil(timeout: .seconds(60)) {
                    await summary(h)?.lastAPIError?.contains("larger than 1 MiB") == true
                }
                #expect(refused, "the answer must be refused at api.max_response_size")
                #expect(h.simulator.hostileBytesSent < 1 << 30, "the connection must be closed, not drained (sent \(h.simulator.hostileBytesSent))")
            }
        }
    }

    @Test func doctorAndNotifyTestShowARedirectAsAConfigurationError() async throws {
        try await Self.withElsewhere { _, elsewhereURL in
            try await withTemporaryDirectory { dir in
                try await LoopbackServers.serve { servers in
                    try writeFile(dir + "/key", servers.simulator.options.apiKey)
                    let path = dir + "/runwatch.yaml"
                    try writeFile(
                        path,
                        """
                        api:
                          base_url: \(servers.apiURL)
                          api_key_file: \(dir)/key
                        spool_dir: \(dir)/spool
                        state_dir: \(dir)/state
                        notifiers:
                          - name: ops
                            kind: slack
                            url: \(servers.hooksURL)/slack/T0KEN
                        """)
                    var redirecting = WebhookReceiver.Behaviour()
                    redirecting.hostile = .redirect(status: 301, location: elsewhereURL + "/services/T0KEN2")
                    servers.receiver.setBehaviour(redirecting)
                    servers.simulator.setHostile(.redirect(status: 302, location: elsewhereURL + "/bulk?x=T0KEN3"))

                    let doctor = try await OperationsTests.runwatch(["doctor", "--config", path])
                    #expect(doctor.status == 1)
                    #expect(doctor.output.contains("FAIL api: no usable answer"), "\(doctor.output)")
                    #expect(doctor.output.contains("the API answered 302, a redirect to host 127.0.0.1"), "\(doctor.output)")
                    #expect(doctor.output.contains("FAIL notifier ops: answered 301 (redirect to host 127.0.0.1)"), "\(doctor.output)")
                    let notify = try await OperationsTests.runwatch(["notify-test", "--config", path, "ops"])
                    #expect(notify.status == 1)
                    #expect(notify.output.contains("would disable this notifier until reload: answered 301"), "\(notify.output)")
                    for output in [doctor.output, notify.output] {
                        #expect(!output.contains("T0KEN"), "no URL in the output")
                    }
                }
            }
        }
    }

    @Test func checkConfigRefusesPlainHTTPToAnotherHostNamingTheKeys() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/runwatch.yaml"
            try writeFile(
                path,
                """
                api:
                  base_url: http://api.cekura.ai
                notifiers:
                  - name: ci
                    kind: webhook
                    url: http://ci.example.org/hooks/T0KEN
                """)
            let refused = try await OperationsTests.runwatch(["check-config", "--config", path])
            #expect(refused.status == 78, "\(refused.output)")
            #expect(refused.output.contains("api.base_url: uses http: runwatch sends secrets only over https"), "\(refused.output)")
            #expect(refused.output.contains("notifiers[0].url: uses http"), "\(refused.output)")
            #expect(!refused.output.contains("T0KEN"))
            try writeFile(path, "api:\n  base_url: http://127.0.0.1:8080\n")
            let loopback = try await OperationsTests.runwatch(["check-config", "--config", path])
            #expect(loopback.status == 0, "\(loopback.output)")
        }
    }

    @Test func anHTTPErrorNeverCarriesAHeaderValue() async throws {
        try await LoopbackServers.serve { servers in
            // An internal newline makes the header invalid; AsyncHTTPClient's error prints it.
            let http = OutboundHTTP(apiReadTimeout: .seconds(10))
            let client = CekuraClient(
                baseURL: servers.apiURL, bulkPath: "/test_framework/v1/runs/bulk/", apiKey: Secret("first-half\nSECRET-second-half"),
                http: http.api, timeout: .seconds(10), retryAfterCap: .seconds(60))
            let answer = await client.fetch([1], now: { Date() })
            await http.shutdown()
            guard case .retryable(let reason) = answer else {
                Issue.record("expected a failure, got \(answer)")
                return
            }
            #expect(!reason.contains("SECRET") && !reason.contains("first-half"), "the error text carried the key: \(reason)")
        }
    }
}
