import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// Delivery against a misbehaving receiver: every alert arrives, once per run unless a
/// retry was needed, and retries carry the original `webhook-id`.
@Suite struct NotificationTests {
    static let failing = RunScript(stages: [.init("running", seconds: 0.2), .init("failed", seconds: 0)], success: false)

    /// Runs the simulator fails after 0.2 s, submitted through the spool.
    static func submitFailing(_ h: TestBed, _ ids: [RunID], labels: [String: String] = [:]) throws {
        for id in ids { h.simulator.addRun(id, script: failing) }
        try h.submit(ids, labels: labels)
    }

    func webhook(_ hooks: String, path: String = "/hooks", secret: String? = nil) -> Configuration.Notifier {
        .init(name: "ci", kind: .webhook, url: hooks + path, secretFile: secret)
    }

    @Test func aReceiverDownForAWhileGetsEverythingOnceItIsBack() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.notifiers = [webhook(hooks)]
                }
            ) { h in
                var down = WebhookReceiver.Behaviour()
                down.down = true
                h.receiver.setBehaviour(down)
                try Self.submitFailing(h, Array(1...10))
                let tried = await waitUntil(timeout: .seconds(15)) { h.receiver.attempts >= 10 }
                #expect(tried)
                h.receiver.setBehaviour(WebhookReceiver.Behaviour())
                // Backoff after a few failures is a few seconds (full jitter, 1 s base).
                let delivered = await waitUntil(timeout: .seconds(60)) { await h.settled(expecting: 10) }
                #expect(delivered)
                let ids = h.receiver.deliveries.compactMap { ($0.json?["data"] as? [String: Any])?["run_id"] as? Int }
                #expect(ids.sorted() == Array(1...10), "each run delivered exactly once")
            }
        }
    }

    @Test func underThirtyPercentErrorsEveryEventArrivesWithAStableWebhookID() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.notifiers = [webhook(hooks)]
                }
            ) { h in
                var flaky = WebhookReceiver.Behaviour()
                flaky.failureRate = 0.3
                h.receiver.setBehaviour(flaky)
                try Self.submitFailing(h, Array(1...40))
                let settled = await waitUntil(timeout: .seconds(90)) { await h.settled(expecting: 40) }
                #expect(settled)
                #expect(h.receiver.refused > 0, "the fault should have fired")
                var keysByRun: [Int: Set<String>] = [:]
                for request in h.receiver.allRequests {
                    guard let id = (request.json?["data"] as? [String: Any])?["run_id"] as? Int, let key = request.header("webhook-id") else {
                        continue
                    }
                    keysByRun[id, default: []].insert(key)
                }
                #expect(keysByRun.count == 40)
                #expect(keysByRun.values.allSatisfy { $0.count == 1 }, "retries must carry the original webhook-id")
                #expect(h.receiver.deliveries.count == 40)
            }
        }
    }

    @Test func retryAfterFromTheReceiverIsHonoured() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.notifiers = [webhook(hooks)]
                }
            ) { h in
                var limited = WebhookReceiver.Behaviour()
                limited.rateLimitRetryAfter = 2
                h.receiver.setBehaviour(limited)
                try Self.submitFailing(h, [1])
                let refused = await waitUntil(timeout: .seconds(10)) { h.receiver.attempts >= 1 }
                #expect(refused)
                h.receiver.setBehaviour(WebhookReceiver.Behaviour())
                let delivered = await waitUntil(timeout: .seconds(20)) { h.receiver.deliveries.count == 1 }
                #expect(delivered)
                let requests = h.receiver.allRequests
                #expect(requests.count == 2)
                if requests.count == 2 {
                    #expect(requests[1].receivedAt.timeIntervalSince(requests[0].receivedAt) >= 1.9, "the retry came before Retry-After ran out")
                }
            }
        }
    }

    @Test func aRestartDeliversWhatTheOutboxStillHolds() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.notifiers = [webhook(hooks)]
                }
            ) { h in
                var down = WebhookReceiver.Behaviour()
                down.down = true
                h.receiver.setBehaviour(down)
                try Self.submitFailing(h, Array(1...5))
                let queued = await waitUntil(timeout: .seconds(15)) {
                    (try? await h.daemon.store.summary())?.outboxPending == 5 && h.daemon.poller.watchedCount == 0
                }
                #expect(queued)
            }
            // The next life, with a receiver that works (a fresh one: the old one is gone).
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.notifiers = [webhook(hooks)]
                }
            ) { h in
                // The receiver counts a delivery before the daemon records it: wait for both.
                let delivered = await waitUntil(timeout: .seconds(30)) {
                    let pending = (try? await h.daemon.store.summary())?.outboxPending
                    return h.receiver.deliveries.count == 5 && pending == 0
                }
                #expect(delivered)
                #expect(h.receiver.deliveries.count == 5, "each once")
            }
        }
    }

    @Test func signaturesVerifyWithTheReferenceImplementation() async throws {
        let secret = "whsec_" + Data((0..<24).map { UInt8($0 * 7 % 256) }).base64EncodedString()
        try await withTemporaryDirectory { dir in
            try writeFile(dir + "/secret", secret + "\n")
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.notifiers = [webhook(hooks, secret: dir + "/secret")]
                }
            ) { h in
                try Self.submitFailing(h, [1, 2, 3])
                let delivered = await waitUntil(timeout: .seconds(15)) { h.receiver.deliveries.count == 3 }
                #expect(delivered)
                for (index, delivery) in h.receiver.deliveries.enumerated() {
                    let base = "\(dir)/d\(index)"
                    try delivery.body.write(to: URL(fileURLWithPath: base + ".body"))
                    let headers = ["webhook-id", "webhook-timestamp", "webhook-signature"].reduce(into: [String: String]()) {
                        $0[$1] = delivery.header($1)
                    }
                    try JSONSerialization.data(withJSONObject: headers).write(to: URL(fileURLWithPath: base + ".headers"))
                    let (status, output) = try await runPython(
                        """
                        import json, sys
                        from standardwebhooks.webhooks import Webhook
                        body = open(sys.argv[1] + ".body", "rb").read()
                        headers = json.load(open(sys.argv[1] + ".headers"))
                        Webhook(sys.argv[2]).verify(body, headers)
                        print("verified")
                        """, arguments: [base, secret])
                    #expect(status == 0 && output.contains("verified"), "standardwebhooks rejected the signature: \(output)")
                }
                // And a tampered body must fail, or the check proves nothing.
                let base = "\(dir)/d0"
                try Data("{}".utf8).write(to: URL(fileURLWithPath: base + ".body"))
                let (status, _) = try await runPython(
                    """
                    import json, sys
                    from standardwebhooks.webhooks import Webhook
                    Webhook(sys.argv[2]).verify(open(sys.argv[1] + ".body", "rb").read(), json.load(open(sys.argv[1] + ".headers")))
                    """, arguments: [base, secret])
                #expect(status != 0)
            }
        }
    }

    @Test func aSlowWebhookGetsSeveralDeliveriesAtOnce() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    var notifier = webhook(hooks)
                    notifier.maxInFlight = 4
                    config.notifiers = [notifier]
                }
            ) { h in
                // Each answer takes 3 s: one at a time, the second request would arrive
                // 3 s after the first.
                var slow = WebhookReceiver.Behaviour()
                slow.delaySeconds = 3
                h.receiver.setBehaviour(slow)
                try Self.submitFailing(h, Array(1...4))
                let settled = await waitUntil(timeout: .seconds(60)) { await h.settled(expecting: 4) }
                #expect(settled)
                let arrivals = h.receiver.allRequests.map(\.receivedAt).sorted()
                let first = try #require(arrivals.first)
                #expect(
                    arrivals.filter { $0.timeIntervalSince(first) < 2.5 }.count >= 2,
                    "requests overlapped: \(arrivals.map { $0.timeIntervalSince(first) })")
                #expect(h.receiver.deliveries.count == 4)
            }
        }
    }

    @Test func failuresEndingTogetherGoToSlackAsOneDigest() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.notifiers = [.init(name: "ops", kind: .slack, url: hooks + "/slack", groupWindow: .seconds(2), minInterval: .zero)]
                }
            ) { h in
                try Self.submitFailing(h, Array(1...30), labels: ["suite": "nightly"])
                let settled = await waitUntil(timeout: .seconds(30)) { await h.settled(expecting: 30) }
                #expect(settled)
                let messages = h.receiver.deliveries
                #expect(messages.count <= 3, "30 failures within seconds should be a digest or two, got \(messages.count)")
                let texts = messages.compactMap { $0.json?["text"] as? String }
                #expect(texts.contains { $0.contains("runs failed in suite nightly") })
                let summary = try await h.daemon.store.summary()
                #expect(summary.delivered == 30, "every run's alert is marked delivered")
            }
        }
    }

    @Test func anEndpointThatIsGoneDisablesItsNotifierOnlyUntilReload() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.notifiers = [
                        .init(name: "ops", kind: .slack, url: hooks + "/slack", groupWindow: .zero, minInterval: .zero),
                        webhook(hooks),
                    ]
                }
            ) { h in
                var archived = WebhookReceiver.Behaviour()
                archived.fixedAnswer = (410, "channel_is_archived")
                h.receiver.setBehaviour(archived)
                try Self.submitFailing(h, [1])
                let disabled = await waitUntil(timeout: .seconds(10)) { h.daemon.status.current.disabledNotifiers.count == 2 }
                #expect(disabled)
                #expect(h.daemon.status.current.rendered.contains("notifier disabled"))
                let summary = try await h.daemon.store.summary()
                #expect(summary.outboxPending == 2, "messages wait for the notifier to come back")
                #expect(summary.disabledNotifiers["ops"]?.contains("channel_is_archived") == true)

                h.receiver.setBehaviour(WebhookReceiver.Behaviour())
                try h.daemon.reload(h.daemon.currentConfiguration)
                let delivered = await waitUntil(timeout: .seconds(15)) { h.receiver.deliveries.count == 2 }
                #expect(delivered)
            }
        }
    }

    @Test func slackRefusingBlocksGetsThePlainTextOnce() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.notifiers = [.init(name: "ops", kind: .slack, url: hooks + "/slack", groupWindow: .zero, minInterval: .zero)]
                }
            ) { h in
                var picky = WebhookReceiver.Behaviour()
                picky.refuseBlocks = true
                h.receiver.setBehaviour(picky)
                try Self.submitFailing(h, [1])
                let delivered = await waitUntil(timeout: .seconds(10)) { h.receiver.deliveries.count == 1 }
                #expect(delivered)
                let message = h.receiver.deliveries.first?.json
                #expect(message?["blocks"] == nil)
                #expect((message?["text"] as? String)?.contains("Run 1 failed") == true)
            }
        }
    }

    @Test func transitionSubscribersGetEveryChangeOfTheRunsTheirLabelsMatch() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.notifiers = [
                        .init(name: "audit", kind: .webhook, url: hooks + "/audit", events: [], transitions: true, labels: ["suite": "nightly"])
                    ]
                }
            ) { h in
                // Run 1 stays `running` until the subscriber has heard so, then fails: the
                // test does not depend on how fast a loaded machine polls.
                let running = RunScript(stages: [.init("running", seconds: 3600)], success: nil)
                h.simulator.addRun(1, script: running)
                h.simulator.addRun(2, script: running)
                try h.submit([1], labels: ["suite": "nightly"])
                try h.submit([2], labels: ["suite": "adhoc"])
                let sawRunning = await waitUntil(timeout: .seconds(15)) {
                    h.receiver.deliveries.contains { ($0.json?["data"] as? [String: Any])?["status"] as? String == "running" }
                }
                #expect(sawRunning)
                h.simulator.addRun(1, script: Self.failing)
                h.simulator.addRun(2, script: Self.failing)
                let settled = await waitUntil(timeout: .seconds(15)) { await h.settled(expecting: 2) }
                #expect(settled)
                let changes = h.receiver.deliveries.compactMap { delivery -> String? in
                    guard let data = delivery.json?["data"] as? [String: Any], delivery.json?["type"] as? String == "run.transition" else {
                        return nil
                    }
                    return "\(data["run_id"] ?? "?"):\(data["status"] ?? "?")"
                }
                #expect(changes.allSatisfy { $0.hasPrefix("1:") }, "run 2's labels do not match")
                #expect(changes.last == "1:failed")
                #expect(changes.count >= 2)
            }
        }
    }

    func runPython(_ script: String, arguments: [String]) async throws -> (Int32, String) {
        // The caller's PATH: python3 with the standardwebhooks package from scripts/setup.
        try await runProcess("/usr/bin/env", ["python3", "-c", script] + arguments, environment: nil)
    }
}
