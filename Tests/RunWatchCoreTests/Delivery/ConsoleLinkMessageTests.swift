import Foundation
import RunWatchCore
import Testing

/// `console.public_url` in messages: a run alert links to `/runs/<id>`, a digest to its
/// suite's page (or the overview), a suite summary (every part) to `/suites/<name>/<instance>`,
/// webhooks carry `console_url`; none of it without a public address, and a link too
/// long for Slack is dropped, never cut.
@Suite struct ConsoleLinkMessageTests {
    let t0 = Date(timeIntervalSince1970: 1_784_000_000)
    let console = ConsoleLinks(base: "https://runwatch.example.com/ops/")
    typealias F = SuiteFixtures

    func alert(_ id: RunID, suite: String? = "nightly", console: ConsoleLinks = .none) -> RunAlert {
        RunAlert(
            outcome: .failed, run: RunSnapshot(id: id, status: .failed, scenarioName: "Refund", errorMessage: "SIP 408"),
            previousStatus: .running, endedAt: t0, labels: suite.map { ["suite": $0] } ?? [:],
            dashboardURL: "https://dashboard.cekura.ai/acme/results/9", console: console)
    }

    func ended(_ id: RunID) -> RunUpdate {
        RunUpdate(
            snapshot: RunSnapshot(id: id, status: .failed, resultID: 9), previous: RunState(status: .running),
            current: RunState(status: .failed), transition: nil, outcome: .failed, ended: true)
    }

    // MARK: Slack

    @Test func aRunAlertLinksToItsRunPage() throws {
        let linked = text(SlackMessage.render(alert(483_920, console: console)))
        #expect(linked.contains("<https://runwatch.example.com/ops/runs/483920|Open in runwatch>"))
        #expect(linked.contains("<https://dashboard.cekura.ai/acme/results/9|Run 483920>"), "the dashboard link stays")
        let context = try #require(try blocks(SlackMessage.render(alert(483_920, console: console))).last)
        #expect(context["type"] as? String == "context")
        #expect(!text(SlackMessage.render(alert(483_920))).contains("runwatch"), "no public address: no link")
    }

    @Test func aRunAlertsLinkSurvivesLabelsLongEnoughToBeCut() throws {
        var long = alert(7, console: console)
        long.labels = Dictionary(uniqueKeysWithValues: (0..<30).map { ("key\($0)", String(repeating: "v", count: 500)) })
        let elements = try #require(try blocks(SlackMessage.render(long)).last?["elements"] as? [[String: Any]])
        #expect(elements.last?["text"] as? String == "<https://runwatch.example.com/ops/runs/7|Open in runwatch>")
    }

    @Test func aDigestLinksToTheSuitePageOfItsRuns() throws {
        let alerts = (1...5).map { alert($0, console: console) }
        let heading = try headingText(SlackDigest.render(alerts))
        #expect(heading.hasSuffix("\n<https://runwatch.example.com/ops/suites/nightly|Open the suite in runwatch>"))
        // Every part of a burst carries it.
        let second = try headingText(SlackDigest.render(alerts, part: DigestPart(number: 2, more: false)))
        #expect(second.contains("<https://runwatch.example.com/ops/suites/nightly|"))
        // Lines keep their dashboard links and their worst-case length.
        #expect(SlackDigest.line(alerts[0]) == SlackDigest.line(alert(1)))
    }

    @Test func aDigestOfSeveralSuitesLinksToTheOverview() throws {
        let alerts = [
            alert(1, suite: "nightly", console: console), alert(2, suite: "smoke", console: console), alert(3, suite: nil, console: console),
        ]
        #expect(try headingText(SlackDigest.render(alerts)).hasSuffix("\n<https://runwatch.example.com/ops/|Open in runwatch>"))
    }

    @Test func aDigestWithoutAPublicAddressHasNoConsoleLink() throws {
        let heading = try headingText(SlackDigest.render((1...5).map { alert($0) }))
        #expect(heading == "*5 runs failed in suite nightly*")
        #expect(!text(SlackDigest.render((1...5).map { alert($0) })).contains("runwatch"))
    }

    @Test func aSuiteNameTooLongToLinkDropsTheLinkAndTheHeadlineStillFits() throws {
        // 128 bytes that each percent-encode to three: the URL passes Slack's link bound.
        let name = String(repeating: "é", count: 64)
        let alerts = (1...5).map { alert($0, suite: name, console: console) }
        let heading = try headingText(SlackDigest.render(alerts))
        #expect(!heading.contains("runwatch.example.com"), "dropped, not cut")
        #expect(heading.utf16.count <= SlackMessage.sectionTextLimit)
        let summary = text(SlackSink().render(F.report(name: name, passed: 1, failing: [.failed]).linked(console), part: 1).body)
        #expect(!summary.contains("runwatch.example.com"))
        #expect(F.report(name: name, passed: 1).linked(console).consoleURL?.hasPrefix("https://runwatch.example.com/ops/suites/%C3%A9") == true)
    }

    @Test func everyPartOfASuiteSummaryLinksToTheInstancesPage() throws {
        let report = F.report(passed: 12, failing: Array(repeating: .failed, count: 700), links: DashboardLinks(base: "https://d.example/p"))
        let drafts = NotifierRoute.drafts(
            for: report, routing: RunRouting(), routes: [NotifierRoute(name: "ops", kind: .slack, events: [])], console: console)
        #expect(drafts.count == 3)
        for draft in drafts {
            guard case .suite(let stored, let part)? = OutboxContent.decode(draft.payload) else {
                Issue.record("expected suite content")
                continue
            }
            let heading = try headingText(SlackSink().render(stored, part: part).body)
            #expect(heading.contains("<https://runwatch.example.com/ops/suites/nightly/42|All 700 failures in runwatch>"), "part \(part)")
        }
        let unlinked = NotifierRoute.drafts(for: report, routing: RunRouting(), routes: [NotifierRoute(name: "ops", kind: .slack, events: [])])
        #expect(unlinked.allSatisfy { !String(decoding: $0.payload, as: UTF8.self).contains("runwatch.example.com") })
    }

    @Test(arguments: [
        (0, [RunStatus](), "Open in runwatch"), (3, [.failed], "1 failure in runwatch"), (1, [.failed, .timeout], "All 2 failures in runwatch"),
    ])
    func theSummaryLinkSaysWhatItShows(passed: Int, failing: [RunStatus], wording: String) throws {
        let report = F.report(passed: passed, failing: failing).linked(console)
        let heading = try headingText(SlackSink().render(report, part: 1).body)
        #expect(heading.contains("<https://runwatch.example.com/ops/suites/nightly/42|\(wording)>"))
        #expect(!text(SlackSink().render(F.report(passed: passed, failing: failing), part: 1).body).contains("runwatch"))
    }

    // MARK: Webhooks

    @Test func runPayloadsCarryTheRunPageOnlyWhenConfigured() throws {
        let linked = try data(WebhookPayload.render(alert(483_920, console: console)).encoded())
        #expect(linked["console_url"] as? String == "https://runwatch.example.com/ops/runs/483920")
        let plain = WebhookPayload.render(alert(483_920)).encoded()
        #expect(try data(plain)["console_url"] == nil, "absent, not null: bodies queued before the console stay byte for byte")
    }

    @Test func transitionPayloadsCarryTheRunPageOnlyWhenConfigured() throws {
        let change = RunUpdate(
            snapshot: RunSnapshot(id: 8, status: .running), previous: RunState(status: .pending), current: RunState(status: .running),
            transition: Transition(runID: 8, from: .pending, to: .running, at: t0), outcome: nil, ended: false)
        let route = NotifierRoute(name: "ci", kind: .webhook, events: [], transitions: true)
        func bodies(_ console: ConsoleLinks) throws -> [[String: Any]] {
            try NotifierRoute.drafts(for: [change], runs: [:], routes: [route], at: t0, console: console).map { draft in
                guard case .transition(let notice)? = OutboxContent.decode(draft.payload) else { throw CancellationError() }
                return try data(WebhookSink().render(notice).body)
            }
        }
        #expect(try bodies(console).map { $0["console_url"] as? String } == ["https://runwatch.example.com/ops/runs/8"])
        #expect(try bodies(.none).allSatisfy { $0["console_url"] == nil })
    }

    @Test func suiteCompletedCarriesTheInstancesPageOnlyWhenConfigured() throws {
        let report = F.report(passed: 3, failing: [.failed])
        let linked = try data(WebhookSink().render(report.linked(console), part: 1).body)
        #expect(linked["console_url"] as? String == "https://runwatch.example.com/ops/suites/nightly/42")
        #expect(try data(WebhookSink().render(report, part: 1).body)["console_url"] == nil)
    }

    // MARK: Drafting

    @Test func theBaseIsFixedInTheAlertWhenDraftedAndRendersTheSameBytesAfterStorage() throws {
        let routes = [NotifierRoute(name: "ops", kind: .slack, events: [.failed]), NotifierRoute(name: "ci", kind: .webhook, events: [.failed])]
        let drafts = NotifierRoute.drafts(for: [ended(5)], runs: [:], routes: routes, at: t0, console: console)
        let alerts = drafts.compactMap { draft -> RunAlert? in
            if case .alert(let alert)? = OutboxContent.decode(draft.payload) { return alert }
            return nil
        }
        #expect(alerts.count == 2)
        #expect(alerts.allSatisfy { $0.consoleURL == "https://runwatch.example.com/ops/runs/5" })
        let unlinked = NotifierRoute.drafts(for: [ended(5)], runs: [:], routes: routes, at: t0)
        #expect(unlinked.allSatisfy { !String(decoding: $0.payload, as: UTF8.self).contains("consoleBase") }, "nothing stored without one")
    }

    @Test func anAlertStoredBeforeConsoleLinksExistedDecodesWithoutOne() throws {
        let old = #"{"outcome":"failed","run":{"id":3,"status":"failed"},"endedAt":1784000000,"labels":{}}"#
        let alert = try JSONDecoder().decode(RunAlert.self, from: Data(old.utf8))
        #expect(alert.console == .none && alert.consoleURL == nil)
    }

    // MARK: helpers

    private func text(_ value: JSONValue) -> String { String(decoding: value.encoded(), as: UTF8.self) }
    private func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    private func blocks(_ value: JSONValue) throws -> [[String: Any]] { try blocks(value.encoded()) }

    private func blocks(_ body: Data) throws -> [[String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        return try #require(object["blocks"] as? [[String: Any]])
    }

    private func headingText(_ value: JSONValue) throws -> String { try headingText(value.encoded()) }

    private func headingText(_ body: Data) throws -> String {
        let first = try #require(try blocks(body).first)
        return try #require((first["text"] as? [String: Any])?["text"] as? String)
    }

    private func data(_ body: Data) throws -> [String: Any] {
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        return try #require(object["data"] as? [String: Any])
    }
}
