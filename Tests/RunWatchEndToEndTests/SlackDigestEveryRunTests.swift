import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// A burst of failures reaches Slack with every run named: the daemon against the
/// simulator and a Slack-like receiver over loopback.
@Suite struct SlackDigestEveryRunEndToEndTests {
    static let failing = RunScript(stages: [.init("running", seconds: 0.2), .init("failed", seconds: 0)], success: false)

    /// The run ids a delivered Slack message names, from its blocks and from its text.
    static func named(_ message: [String: Any]) -> (blocks: [Int], text: String, sections: [String]) {
        let sections = (message["blocks"] as? [[String: Any]] ?? []).compactMap { ($0["text"] as? [String: Any])?["text"] as? String }
        let pattern = #/Run (\d+)>? /#
        let ids = sections.flatMap { section in section.matches(of: pattern).compactMap { Int($0.output.1) } }
        return (ids, message["text"] as? String ?? "", sections)
    }

    /// 88 failures (the "and 68 more" of the issue) and a burst bigger than one message
    /// holds: each run is named in exactly one delivered message, linked to its result in
    /// the dashboard, no message says "more" without naming them, every message fits
    /// Slack's limits, and messages are paced about a second apart.
    @Test(arguments: [88, SlackDigest.capacity + 30])
    func everyFailingRunIsNamedInSomeSlackMessage(count: Int) async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.notifiers = [.init(name: "ops", kind: .slack, url: hooks + "/slack", groupWindow: .seconds(2))]
                    config.cekura.dashboardURL = "https://dashboard.cekura.ai/acme/"
                }
            ) { h in
                let ids = Array(1...count)
                for id in ids { h.simulator.addRun(id, script: Self.failing) }
                try h.submit(ids, labels: ["suite": "nightly"])
                let settled = await waitUntil(timeout: .seconds(120)) { await h.settled(expecting: count) }
                #expect(settled)
                let deliveries = h.receiver.deliveries.filter { $0.path == "/slack" }.sorted { $0.receivedAt < $1.receivedAt }
                var seen: [Int: Int] = [:]
                for delivery in deliveries {
                    let message = try #require(delivery.json)
                    let (named, text, sections) = Self.named(message)
                    #expect(named.count <= SlackDigest.capacity)
                    #expect((message["blocks"] as? [Any])?.count ?? 0 <= 50)
                    #expect(sections.allSatisfy { $0.utf16.count <= SlackMessage.sectionTextLimit })
                    #expect(text.utf16.count <= SlackMessage.messageTextLimit)
                    #expect(!text.contains(" more") || text.contains("more run"), "no bare 'and K more': \(text.prefix(200))")
                    for id in named {
                        seen[id, default: 0] += 1
                        #expect(text.contains("\(id)"), "run \(id) is in the text fallback too")
                    }
                    var linked = 0
                    for section in sections {
                        for match in section.matches(of: /<([^|>]+)\|Run (\d+)>/) {
                            let id = try #require(Int(match.output.2))
                            #expect(match.output.1 == "https://dashboard.cekura.ai/acme/results/\(90_000 + id / 100)")
                            linked += 1
                        }
                    }
                    #expect(linked == named.count, "every run links to its result in the dashboard")
                }
                #expect(Set(seen.keys) == Set(ids), "every failing run is named")
                #expect(seen.values.allSatisfy { $0 == 1 }, "each in exactly one message")
                if count > SlackDigest.capacity { #expect(deliveries.count >= 2, "a burst bigger than one message is cut") }
                // Slack's pace (1/s) holds between send starts (DeliveryPlanTests pin it
                // exactly); arrival times add the loopback latency of each request, which
                // on a loaded 2-core machine differs by a few hundred ms, hence the margin.
                // Unpaced, the messages would arrive milliseconds apart.
                for (earlier, later) in zip(deliveries, deliveries.dropFirst()) {
                    #expect(later.receivedAt.timeIntervalSince(earlier.receivedAt) >= 0.5, "paced about 1 s apart")
                }
                let summary = try await h.daemon.store.summary()
                #expect(summary.delivered == count, "every run's alert is marked delivered")
            }
        }
    }

    /// With `cekura.dashboard_url`, one failed run links to its result in Slack, in the
    /// webhook's `dashboard_url` and in `runwatch show`; the simulator's run 4242 belongs
    /// to result 90042.
    @Test func aRunLinksToItsResultInSlackTheWebhookAndShow() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, hooks in
                    config.notifiers = [
                        .init(name: "ops", kind: .slack, url: hooks + "/slack", groupWindow: .zero),
                        .init(name: "ci", kind: .webhook, url: hooks + "/hooks"),
                    ]
                    config.cekura.dashboardURL = "https://dashboard.cekura.ai/acme"
                }
            ) { h in
                h.simulator.addRun(4242, script: Self.failing)
                try h.submit([4242])
                let settled = await waitUntil(timeout: .seconds(30)) { await h.settled(expecting: 1) }
                #expect(settled)
                let link = "https://dashboard.cekura.ai/acme/results/90042"
                let slack = try #require(h.receiver.deliveries.first { $0.path == "/slack" })
                #expect(String(decoding: slack.body, as: UTF8.self).contains("<\(link)|Run 4242> failed"))
                let webhook = try #require(h.receiver.deliveries.first { $0.path == "/hooks" }?.json)
                #expect((webhook["data"] as? [String: Any])?["dashboard_url"] as? String == link)

                let config = dir + "/show.yaml"
                try writeFile(config, "state_dir: \(h.configuration.stateDir)\ncekura:\n  dashboard_url: https://dashboard.cekura.ai/acme\n")
                let shown = try await runProcess(builtProduct("runwatch"), ["show", "4242", "--config", config])
                #expect(shown.status == 0, "\(shown.output)")
                #expect(shown.output.contains("dashboard: \(link)"), "\(shown.output)")
                let plain = dir + "/plain.yaml"
                try writeFile(plain, "state_dir: \(h.configuration.stateDir)\n")
                let unlinked = try await runProcess(builtProduct("runwatch"), ["show", "4242", "--config", plain])
                #expect(unlinked.status == 0, "\(unlinked.output)")
                #expect(!unlinked.output.contains("dashboard:"), "not configured: no link")
            }
        }
    }
}
