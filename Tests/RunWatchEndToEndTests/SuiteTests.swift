import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// Suite verdicts end to end: the daemon against the simulator, a Slack-like receiver and
/// a signed webhook receiver over loopback. A suite yields exactly one summary per
/// notifier, with the right counts and every failing run named.
@Suite struct SuiteTests {
    static func script(_ status: String, success: Bool?) -> RunScript {
        RunScript(stages: [.init("running", seconds: 0.3), .init(status, seconds: 0)], success: success)
    }

    static func submit(_ h: TestBed, _ ids: [RunID], suite: String) throws {
        try SpoolWriter.submit(SpoolSubmission(runIDs: ids, labels: ["suite": suite], suite: suite), to: h.spool)
    }

    /// The summaries that reached `path`.
    static func summaries(_ h: TestBed, _ path: String) -> [WebhookReceiver.Delivery] {
        summaries(receiverDeliveries: h.receiver, path)
    }

    static func summaries(receiverDeliveries receiver: WebhookReceiver, _ path: String) -> [WebhookReceiver.Delivery] {
        // Webhook bodies say their type; Slack messages (text and blocks) do not.
        receiver.deliveries.filter { $0.path == path && ($0.json?["type"] as? String).map { $0 == SuiteReport.eventType } ?? true }
    }

    @Test func aSuiteOf200MixedRunsYieldsOneSummaryPerNotifierNamingEveryFailure() async throws {
        let secret = "whsec_" + Data((0..<24).map { UInt8($0 * 5 % 256) }).base64EncodedString()
        // 170 pass; 30 do not, of four kinds.
        var expected: [RunOutcome: [RunID]] = [:]
        var scripts: [RunID: RunScript] = [:]
        for id in 1...200 {
            let (status, success, outcome): (String, Bool?, RunOutcome) =
                switch id % 20 {
                case 3: ("failed", false, .failed)
                case 7 where id % 40 == 7: ("timeout", nil, .timeout)
                case 11 where id <= 80: ("completed", false, .unsuccessful)
                case 13 where id <= 60: ("cancelled", nil, .cancelled)
                default: ("completed", true, .completed)
                }
            scripts[id] = Self.script(status, success: success)
            expected[outcome, default: []].append(id)
        }
        let failing = expected.filter { $0.key != .completed }.flatMap(\.value).sorted()
        try await withTemporaryDirectory { dir in
            try writeFile(dir + "/secret", secret + "\n")
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.suites.quietPeriod = .seconds(1)
                    config.notifiers = [
                        .init(name: "ops", kind: .slack, url: hooks + "/slack", events: []),
                        .init(name: "ci", kind: .webhook, url: hooks + "/ci", secretFile: dir + "/secret", events: []),
                    ]
                }
            ) { h in
                for (id, script) in scripts { h.simulator.addRun(id, script: script) }
                // One suite in two spool files, as a nightly often arrives.
                try Self.submit(h, Array(1...100), suite: "nightly")
                try Self.submit(h, Array(101...200), suite: "nightly")
                let delivered = await waitUntil(timeout: .seconds(90)) {
                    !Self.summaries(h, "/slack").isEmpty && !Self.summaries(h, "/ci").isEmpty
                }
                #expect(delivered)
                let settled = await waitUntil(timeout: .seconds(30)) { await h.settled(expecting: 200) }
                #expect(settled)
                #expect(try await h.daemon.store.openSuites().isEmpty)
                let report = try #require(try await h.daemon.store.suiteReport(name: "nightly"))
                #expect(report.runs.count == 200 && report.completedAt != nil)

                let ci = Self.summaries(h, "/ci")
                #expect(ci.count == 1, "exactly one webhook summary")
                let body = try #require(ci.first?.json)
                #expect(body["type"] as? String == "suite.completed")
                #expect(ci.first?.header("webhook-id") == report.idempotencyKey)
                #expect(report.idempotencyKey.hasPrefix("msg_suite\(report.instance)_"))
                let data = try #require(body["data"] as? [String: Any])
                #expect(data["total"] as? Int == 200)
                #expect(data["passed"] as? Int == expected[.completed]?.count)
                let counts = try #require(data["counts"] as? [String: Int])
                for (outcome, ids) in expected { #expect(counts[outcome.rawValue] == ids.count, "\(outcome)") }
                let failures = try #require(data["failures"] as? [[String: Any]])
                #expect(failures.compactMap { $0["run_id"] as? Int }.sorted() == failing)
                #expect(failures.allSatisfy { $0["scenario_name"] is String && $0["outcome"] is String })
                try await verifySignature(try #require(ci.first), secret: secret, in: dir)

                let slack = Self.summaries(h, "/slack")
                #expect(slack.count == 1, "30 failures fit one Slack message")
                let text = String(decoding: try #require(slack.first?.body), as: UTF8.self)
                let headline =
                    "nightly: \(expected[.completed]!.count) of 200 passed; \(expected[.unsuccessful]!.count) completed unsuccessfully, "
                    + "\(expected[.failed]!.count) failed, \(expected[.timeout]!.count) timed out, \(expected[.cancelled]!.count) were cancelled"
                #expect(text.contains(headline))
                for id in failing {
                    #expect(text.contains("Run \(id) ") || text.contains("Run \(id)\"") || text.contains("Run \(id),"), "run \(id) named")
                }
            }
        }
    }

    @Test func aPassingSuiteReachesTheWebhookButNotSlackAndOffSendsNothing() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.suites.quietPeriod = .milliseconds(500)
                    config.notifiers = [
                        .init(name: "ops", kind: .slack, url: hooks + "/slack", events: []),
                        .init(name: "ci", kind: .webhook, url: hooks + "/ci", events: []),
                        .init(name: "silent", kind: .webhook, url: hooks + "/silent", events: [], suites: .off),
                    ]
                }
            ) { h in
                for id in 1...5 { h.simulator.addRun(RunID(id), script: Self.script("completed", success: true)) }
                try Self.submit(h, Array(1...5), suite: "smoke")
                let delivered = await waitUntil(timeout: .seconds(60)) { !Self.summaries(h, "/ci").isEmpty }
                #expect(delivered)
                let settled = await waitUntil(timeout: .seconds(30)) { await h.settled(expecting: 5) }
                #expect(settled)
                #expect(try await h.daemon.store.openSuites().isEmpty)
                #expect(Self.summaries(h, "/ci").count == 1)
                let data = Self.summaries(h, "/ci").first?.json?["data"] as? [String: Any]
                #expect(data?["pass_rate"] as? Double == 1)
                #expect((data?["failures"] as? [Any])?.isEmpty == true)
                #expect(Self.summaries(h, "/slack").isEmpty, "Slack's default is failures only")
                #expect(Self.summaries(h, "/silent").isEmpty, "suites: off")
            }
        }
    }

    /// More failures than one Slack message holds: several parts, paced a second apart,
    /// together naming every failing run exactly once; the webhook still gets one body.
    @Test func manyFailuresBecomeSeveralPacedSlackPartsNamingEachRunOnce() async throws {
        let failing = Array(RunID(1)...RunID(420))
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.suites.quietPeriod = .milliseconds(500)
                    config.notifiers = [
                        .init(name: "ops", kind: .slack, url: hooks + "/slack", events: []),
                        .init(name: "ci", kind: .webhook, url: hooks + "/ci", events: []),
                    ]
                }
            ) { h in
                for id in failing { h.simulator.addRun(id, script: Self.script("failed", success: false)) }
                for id in 421...430 { h.simulator.addRun(RunID(id), script: Self.script("completed", success: true)) }
                try Self.submit(h, Array(1...430), suite: "big")
                let delivered = await waitUntil(timeout: .seconds(90)) { await h.settled(expecting: 430) && !Self.summaries(h, "/ci").isEmpty }
                #expect(delivered)
                let parts = Self.summaries(h, "/slack")
                #expect(parts.count == 2, "420 failures: 300 in the first message, 120 in the second")
                var named: [Int] = []
                for (index, part) in parts.enumerated() {
                    let body = try #require(part.json)
                    let text = try #require(body["text"] as? String)
                    #expect(text.hasPrefix("big (\(index + 1)/2): 10 of 430 passed; 420 failed"))
                    let list = try #require(text.range(of: " — not passed: "))
                    named += text[list.upperBound...].split(separator: ", ").compactMap { Int($0.dropFirst("Run ".count)) }
                    #expect(String(decoding: part.body, as: UTF8.self).count < 200_000)
                }
                #expect(named.sorted() == failing.map { Int($0) }, "each failing run in exactly one part")
                if parts.count == 2 {
                    // Send starts are 1 s apart; arrivals add loopback latency that varies by a
                    // few hundred ms on a loaded machine. Unpaced, they would be ms apart.
                    #expect(parts[1].receivedAt.timeIntervalSince(parts[0].receivedAt) >= 0.5, "paced by Slack's min_interval")
                }
                let ci = Self.summaries(h, "/ci")
                #expect(ci.count == 1)
                #expect(((ci.first?.json?["data"] as? [String: Any])?["failures"] as? [Any])?.count == 420)
            }
        }
    }

    /// A summary queued while the receiver is down survives a restart and arrives once.
    @Test func aSummaryOwedAcrossARestartArrivesExactlyOnce() async throws {
        let simulator = CekuraSimulator()
        let receiver = WebhookReceiver()
        var down = WebhookReceiver.Behaviour()
        down.down = true
        receiver.setBehaviour(down)
        for id in 1...3 { simulator.addRun(RunID(id), script: Self.script(id == 2 ? "failed" : "completed", success: id != 2)) }
        let configure: (inout Configuration, String) -> Void = { config, hooks in
            config.suites.quietPeriod = .milliseconds(300)
            config.notifiers = [.init(name: "ci", kind: .webhook, url: hooks + "/ci", events: [])]
        }
        try await withTemporaryDirectory { dir in
            try await TestBed.run(simulator: simulator, receiver: receiver, in: dir, configure: configure) { h in
                try Self.submit(h, [1, 2, 3], suite: "nightly")
                let completed = await waitUntil(timeout: .seconds(60)) {
                    (try? await h.daemon.store.suiteReport(name: "nightly"))??.completedAt != nil && receiver.attempts > 0
                }
                #expect(completed)
            }
            #expect(receiver.deliveries.isEmpty)
            receiver.setBehaviour(WebhookReceiver.Behaviour())
            try await TestBed.run(simulator: simulator, receiver: receiver, in: dir, configure: configure) { h in
                let delivered = await waitUntil(timeout: .seconds(60)) { await h.settled(expecting: 3) && !receiver.deliveries.isEmpty }
                #expect(delivered)
                let open = try await h.daemon.store.openSuites()
                #expect(open.isEmpty)
            }
            #expect(Self.summaries(receiverDeliveries: receiver, "/ci").count == 1, "one summary, not lost, not repeated")
        }
    }

    /// A suite sent in two files whose first runs all end before the second file comes
    /// still completes once, with both files' runs: the quiet period holds it open.
    @Test func theQuietPeriodKeepsASuiteOpenBetweenTwoFiles() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.suites.quietPeriod = .seconds(10)
                    config.notifiers = [.init(name: "ci", kind: .webhook, url: hooks + "/ci", events: [])]
                }
            ) { h in
                for id in 1...4 { h.simulator.addRun(RunID(id), script: Self.script(id == 4 ? "failed" : "completed", success: id != 4)) }
                try Self.submit(h, [1, 2], suite: "nightly")
                let firstEnded = await waitUntil(timeout: .seconds(30)) {
                    (try? await h.daemon.store.openSuites().first?.facts).map { $0.runs == 2 && $0.ended == 2 } ?? false
                }
                #expect(firstEnded)
                // The service looks at least once a second: it must keep the suite open.
                let completedEarly = await waitUntil(timeout: .seconds(2)) { (try? await h.daemon.store.openSuites().isEmpty) ?? false }
                #expect(!completedEarly, "completed between the two files")
                try Self.submit(h, [3, 4], suite: "nightly")
                let delivered = await waitUntil(timeout: .seconds(60)) { !Self.summaries(h, "/ci").isEmpty }
                #expect(delivered)
                let settled = await waitUntil(timeout: .seconds(30)) { await h.settled(expecting: 4) }
                #expect(settled)
                let summaries = Self.summaries(h, "/ci")
                #expect(summaries.count == 1)
                let data = summaries.first?.json?["data"] as? [String: Any]
                #expect(data?["total"] as? Int == 4, "both files' runs in one verdict")
                #expect(data?["passed"] as? Int == 3)
            }
        }
    }

    /// A reload applies a notifier's new `suites` mode to the suites that complete after it.
    @Test func aReloadChangesWhoHearsOfSuites() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.suites.quietPeriod = .zero
                    config.notifiers = [.init(name: "ci", kind: .webhook, url: hooks + "/ci", events: [], suites: .off)]
                }
            ) { h in
                for id in 1...2 { h.simulator.addRun(RunID(id), script: Self.script("completed", success: true)) }
                try Self.submit(h, [1], suite: "before")
                let first = await waitUntil(timeout: .seconds(30)) {
                    (try? await h.daemon.store.suiteReport(name: "before"))??.completedAt != nil
                }
                #expect(first)
                var changed = h.configuration
                changed.notifiers[0].suites = .always
                try h.daemon.reload(changed)
                try Self.submit(h, [2], suite: "after")
                let delivered = await waitUntil(timeout: .seconds(30)) { !Self.summaries(h, "/ci").isEmpty }
                #expect(delivered)
                let settled = await waitUntil(timeout: .seconds(30)) { await h.settled(expecting: 2) }
                #expect(settled)
                #expect(Self.summaries(h, "/ci").compactMap { ($0.json?["data"] as? [String: Any])?["suite"] as? String } == ["after"])
            }
        }
    }

    /// The suite summary is signed like every other message: the reference library agrees.
    private func verifySignature(_ delivery: WebhookReceiver.Delivery, secret: String, in dir: String) async throws {
        let base = dir + "/suite"
        try delivery.body.write(to: URL(fileURLWithPath: base + ".body"))
        let headers = ["webhook-id", "webhook-timestamp", "webhook-signature"].reduce(into: [String: String]()) { $0[$1] = delivery.header($1) }
        try JSONSerialization.data(withJSONObject: headers).write(to: URL(fileURLWithPath: base + ".headers"))
        let (status, output) = try await runProcess(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import json, sys
                from standardwebhooks.webhooks import Webhook
                Webhook(sys.argv[2]).verify(open(sys.argv[1] + ".body", "rb").read(), json.load(open(sys.argv[1] + ".headers")))
                print("verified")
                """, base, secret,
            ], environment: nil)
        #expect(status == 0 && output.contains("verified"), "standardwebhooks rejected the suite summary's signature: \(output)")
    }
}
