import Foundation
import RunWatchCore
import Testing

/// Suite verdicts as people and machines read them: the headline's grammar, Slack's limits
/// with every failing run named in exactly one part, the webhook payload, and which
/// notifiers get which verdicts.
@Suite struct SuiteSummaryTests {
    typealias F = SuiteFixtures

    @Test(arguments: [
        (47, [RunStatus.failed, .failed, .timeout], "nightly: 47 of 50 passed; 2 failed, 1 timed out"),
        (3, [], "nightly: 3 of 3 passed"),
        (0, [.cancelled], "nightly: 0 of 1 passed; 1 was cancelled"),
        (1, Array(repeating: .cancelled, count: 21), "nightly: 1 of 22 passed; 21 were cancelled"),
        (0, [.notFound, .notFound, .expired], "nightly: 0 of 3 passed; 2 are no longer returned by the API, 1 did not end before its deadline"),
        (2, [.completed, .rejected], "nightly: 2 of 4 passed; 1 completed unsuccessfully, 1 is refused by the API"),
    ])
    func headlineCountsAndAgrees(passed: Int, failing: [RunStatus], expected: String) {
        #expect(SuiteHeadline.render(F.report(passed: passed, failing: failing)) == expected)
    }

    @Test func anEmptySuiteSaysSo() {
        #expect(SuiteHeadline.render(F.report(passed: 0)) == "nightly: no runs")
    }

    @Test func aPassingSuiteIsOneShortSlackMessage() throws {
        let report = F.report(passed: 50)
        let sink = SlackSink()
        #expect(sink.suiteParts(report) == 1)
        let body = try json(sink.render(report, part: 1).body)
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        #expect(blocks.count == 2, "headline and context only")
        #expect((body["text"] as? String) == "nightly: 50 of 50 passed")
        #expect(texts(blocks).first?.contains(":white_check_mark:") == true)
    }

    @Test func failuresComeFirstGroupedByOutcomeInOneMessageWhenTheyFit() throws {
        let report = F.report(passed: 47, failing: [.timeout, .failed, .failed], links: DashboardLinks(base: "https://dashboard.cekura.ai/acme/"))
        let blocks = try #require(try json(SlackSink().render(report, part: 1).body)["blocks"] as? [[String: Any]])
        let all = texts(blocks).joined(separator: "\n")
        #expect(texts(blocks)[0].contains("nightly: 47 of 50 passed; 2 failed, 1 timed out"))
        let failed = try #require(all.range(of: "*Failed (2)*"))
        let timedOut = try #require(all.range(of: "*Timed out (1)*"))
        #expect(failed.lowerBound < timedOut.lowerBound, "groups in outcome order")
        for id in 48...50 { #expect(all.contains("<https://dashboard.cekura.ai/acme/results/77|Run \(id)>")) }
        #expect(!all.contains("Run 1>"), "passed runs are counted, not listed")
        #expect(all.contains("SIP 408 Request Timeout"))
    }

    @Test func withoutConfiguredLinksNoRunIsLinked() throws {
        let report = F.report(passed: 1, failing: [.failed])
        let all = texts(try #require(try json(SlackSink().render(report, part: 1).body)["blocks"] as? [[String: Any]]))
        #expect(all.joined().contains("• Run 2 — Scenario 2"))
        #expect(!all.joined().contains("<http"))
    }

    /// Up to 900 failures with the longest, most escaped excerpts: several parts, each within
    /// Slack's limits, that together name every failing run exactly once.
    @Test(arguments: [1, 29, 300, 301, 900])
    func everyFailureIsNamedOnceAcrossPartsWithinSlackLimits(failures: Int) throws {
        let hostile = String(repeating: "<&>", count: 200) + "\n<!channel>"
        var report = F.report(
            passed: 5, failing: Array(repeating: .failed, count: failures / 2) + Array(repeating: .timeout, count: failures - failures / 2),
            error: hostile)
        report.runs = report.runs.map { run in
            var run = run
            // Escapes that grow, emoji (two UTF-16 units), a bidi override, and one grapheme
            // of 10,000 scalars: bounded in Slack's own units, whatever the API sent.
            run.scenarioName = String(repeating: "&", count: 200) + String(repeating: "🎧", count: 100) + "\u{202E}evil"
            run.personalityName = "e" + String(repeating: "\u{0301}", count: 10_000)
            return run
        }
        let sink = SlackSink()
        let parts = sink.suiteParts(report)
        var named: [Int] = []
        for part in 1...parts {
            let rendered = sink.render(report, part: part)
            let body = try json(rendered.body)
            let blocks = try #require(body["blocks"] as? [[String: Any]])
            #expect(blocks.count <= 50)
            for text in texts(blocks) {
                #expect(text.utf16.count <= 3000)
                #expect(!text.unicodeScalars.contains("\u{202E}"), "no bidi override from the API")
                #expect(!text.contains("<!channel>"), "API text cannot mention the channel")
            }
            let fallback = try #require(body["text"] as? String)
            #expect(fallback.count <= 40_000)
            if parts > 1 { #expect(texts(blocks)[0].contains("nightly (\(part)/\(parts)):")) }
            let ids = try runIDs(in: texts(blocks).dropFirst(2).joined(separator: "\n"))
            #expect(try runIDs(in: fallback) == ids, "the plain-text form names the same runs")
            named += ids
            #expect(rendered.plainText != nil)
        }
        #expect(named.sorted() == Array(6...(5 + failures)), "each failing run in exactly one part")
        #expect(parts >= (failures + SlackSuiteSummaryLimits.runsPerPart - 1) / SlackSuiteSummaryLimits.runsPerPart)
        #expect(!texts(try #require(try json(sink.render(report, part: parts).body)["blocks"] as? [[String: Any]])).joined().contains("more"))
    }

    @Test func theWebhookPayloadCarriesCountsRateAndEveryFailingRun() throws {
        let report = F.report(
            passed: 47, failing: [.failed, .failed, .timeout], links: DashboardLinks(base: "https://d.example/p"), labels: ["build": "4711"])
        let sink = WebhookSink()
        #expect(sink.suiteParts(report) == 1)
        let body = try json(sink.render(report, part: 1).body)
        #expect(body["type"] as? String == "suite.completed")
        let data = try #require(body["data"] as? [String: Any])
        #expect(data["suite"] as? String == "nightly")
        #expect(data["instance"] as? Int == 42)
        #expect(data["total"] as? Int == 50)
        #expect(data["passed"] as? Int == 47)
        #expect(data["pass_rate"] as? Double == 0.94)
        #expect(data["duration_seconds"] as? Double == 754)
        #expect(data["counts"] as? [String: Int] == ["completed": 47, "failed": 2, "timeout": 1])
        #expect(data["headline"] as? String == "nightly: 47 of 50 passed; 2 failed, 1 timed out")
        #expect(data["labels"] as? [String: String] == ["build": "4711"])
        let failures = try #require(data["failures"] as? [[String: Any]])
        #expect(failures.compactMap { $0["run_id"] as? Int } == [48, 49, 50])
        #expect(failures.compactMap { $0["outcome"] as? String } == ["failed", "failed", "timeout"])
        #expect(failures.allSatisfy { $0["dashboard_url"] as? String == "https://d.example/p/results/77" })
        #expect(failures.allSatisfy { $0["error"] as? String == "SIP 408 Request Timeout" && $0["scenario_name"] is String })
        #expect(failures.allSatisfy { $0["duration"] as? String == "00:47" && $0["status"] is String })
    }

    @Test func suiteContentRoundTripsAndRendersTheSameBytes() throws {
        let report = F.report(passed: 2, failing: [.failed], labels: ["suite": "nightly"])
        let content = OutboxContent.suite(report, part: 1)
        let decoded = try #require(OutboxContent.decode(content.encoded()))
        #expect(decoded == content)
        #expect(decoded.labels == ["suite": "nightly"])
        #expect(decoded.withLabels([:]).labels.isEmpty)
        guard case .suite(let again, let part) = decoded else {
            Issue.record("expected a suite")
            return
        }
        for kind in NotifierKind.allCases { #expect(kind.sink.render(again, part: part) == kind.sink.render(report, part: 1)) }
    }

    @Test func whoHearsOfWhichVerdict() {
        let routes = [
            NotifierRoute(name: "ops", kind: .slack, events: []), NotifierRoute(name: "ci", kind: .webhook, events: []),
            NotifierRoute(name: "quiet", kind: .webhook, events: [], suites: .off),
            NotifierRoute(name: "loud", kind: .slack, events: [], suites: .always),
            NotifierRoute(name: "team-b", kind: .webhook, events: [], labels: ["team": "b"]),
        ]
        let passing = F.report(passed: 3)
        let failing = F.report(passed: 2, failing: [.cancelled])
        #expect(NotifierRoute.drafts(for: passing, routing: RunRouting(), routes: routes).map(\.notifier) == ["ci", "loud"])
        #expect(NotifierRoute.drafts(for: failing, routing: RunRouting(), routes: routes).map(\.notifier) == ["ops", "ci", "loud"])
        // A suite with no runs (a result the API does not know) is not green: people hear of it.
        let empty = F.report(passed: 0)
        #expect(!empty.isPassing && empty.passRate == 0)
        #expect(NotifierRoute.drafts(for: empty, routing: RunRouting(), routes: routes).map(\.notifier) == ["ops", "ci", "loud"])
        #expect(
            NotifierRoute.drafts(for: failing, routing: RunRouting(labels: ["team": "b"]), routes: routes).map(\.notifier) == [
                "ops", "ci", "loud", "team-b",
            ])
        #expect(NotifierRoute.drafts(for: failing, routing: RunRouting(notifiers: ["ci"]), routes: routes).map(\.notifier) == ["ci"])
        let drafts = NotifierRoute.drafts(for: failing, routing: RunRouting(), routes: routes)
        #expect(drafts.allSatisfy { $0.runID == 0 && $0.suite == 42 && $0.event == "suite.completed" })
        #expect(Set(drafts.map(\.idempotencyKey)) == ["msg_suite42_1784000000000_completed"])
    }

    @Test func eachSlackPartIsItsOwnDraftWithItsOwnKey() {
        let report = F.report(passed: 0, failing: Array(repeating: .failed, count: 700))
        let drafts = NotifierRoute.drafts(for: report, routing: RunRouting(), routes: [NotifierRoute(name: "ops", kind: .slack, events: [])])
        #expect(drafts.count == SlackSink().suiteParts(report))
        #expect(drafts.count == 3)
        #expect(
            drafts.map(\.idempotencyKey) == [
                "msg_suite42_1784000000000_completed", "msg_suite42_1784000000000_completed_part2",
                "msg_suite42_1784000000000_completed_part3",
            ])
        // Each row keeps only the runs its part names (not the whole suite once per part),
        // and renders exactly what the whole report renders for that part.
        for (index, draft) in drafts.enumerated() {
            guard case .suite(let stored, let part)? = OutboxContent.decode(draft.payload) else {
                Issue.record("expected suite content")
                continue
            }
            #expect(part == index + 1)
            #expect(stored.runs.count == (part < 3 ? 300 : 100))
            #expect(stored.total == 700 && stored.passed == 0 && stored.counts == [.failed: 700])
            #expect(SlackSink().render(stored, part: part) == SlackSink().render(report, part: part))
            #expect(SlackSink().suiteParts(stored) == 3)
        }
    }

    @Test func storedPartsRenderTheWholeReportsBytesWithMixedGroups() throws {
        var report = F.report(
            passed: 40,
            failing: Array(repeating: .completed, count: 250) + Array(repeating: .failed, count: 200) + Array(repeating: .timeout, count: 90))
        report.runs = report.runs.map { run in
            var run = run
            run.error = String(repeating: "x", count: run.id % 7 * 40)
            return run
        }
        let sink = SlackSink()
        let parts = sink.suiteParts(report)
        #expect(parts >= 2)
        for part in 1...parts {
            let stored = try #require(OutboxContent.decode(OutboxContent.suite(sink.storedSuitePart(report, part: part), part: part).encoded()))
            guard case .suite(let decoded, _) = stored else { return }
            #expect(sink.render(decoded, part: part) == sink.render(report, part: part), "part \(part)")
            #expect(decoded.runs.count <= 300)
        }
        #expect(WebhookSink().storedSuitePart(report, part: 1) == report, "a webhook's one body keeps the whole report")
    }

    /// Completing a suite stores all parts in one pass (`storedSuiteParts`); it must store
    /// exactly what asking part by part stores, for every sink and every size.
    @Test(arguments: [0, 5, 299, 301, 700])
    func storedPartsInOnePassMatchPartByPart(failing: Int) {
        let report = F.report(
            passed: 10, failing: (0..<failing).map { [RunStatus.completed, .failed, .timeout, .cancelled][$0 * 7 % 13 % 4] })
        for sink in [SlackSink() as any NotificationSink, WebhookSink()] {
            let parts = max(1, sink.suiteParts(report))
            #expect(sink.storedSuiteParts(report) == (1...parts).map { sink.storedSuitePart(report, part: $0) }, "\(type(of: sink)), \(failing)")
        }
    }

    // MARK: helpers

    private func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func texts(_ blocks: [[String: Any]]) -> [String] {
        blocks.compactMap { block in
            if let text = (block["text"] as? [String: Any])?["text"] as? String { return text }
            return ((block["elements"] as? [[String: Any]])?.first)?["text"] as? String
        }
    }

    private func runIDs(in text: String) throws -> [Int] {
        let regex = try NSRegularExpression(pattern: "Run ([0-9]+)")
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).flatMap { Int(text[$0]) }
        }
    }
}

/// The per-part bound the tests check against.
enum SlackSuiteSummaryLimits {
    static let runsPerPart = 300
}
