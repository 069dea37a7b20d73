import Foundation
import RunWatchCore
import Testing

/// A digest names every run it counts, within Slack's limits, and its counts read as
/// English.
@Suite struct SlackDigestEveryRunTests {
    func alert(_ id: Int, _ outcome: RunOutcome = .failed, error: String? = "SIP 408") -> RunAlert {
        RunAlert(
            outcome: outcome, run: RunSnapshot(id: id, status: .failed, scenarioName: "Scenario \(id)", errorMessage: error),
            previousStatus: .running, endedAt: Date(timeIntervalSince1970: 0), labels: ["suite": "nightly"])
    }

    func texts(_ message: JSONValue) throws -> (fallback: String, blocks: String) {
        let object = try #require(try JSONSerialization.jsonObject(with: message.encoded()) as? [String: Any])
        let fallback = try #require(object["text"] as? String)
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        let blockText = blocks.map { block in
            if let text = block["text"] as? [String: Any] { return text["text"] as? String ?? "" }
            return (block["elements"] as? [[String: Any]])?.compactMap { $0["text"] as? String }.joined(separator: "\n") ?? ""
        }
        return (fallback, blockText.joined(separator: "\n"))
    }

    @Test func eightyEightFailuresAreEachNamedWithNoBareRemainder() throws {
        let alerts = (1...88).map { alert(1000 + $0) }
        let (fallback, blocks) = try texts(SlackDigest.render(alerts))
        for id in 1001...1088 {
            #expect(blocks.contains("Run \(id) failed"), "run \(id) is listed")
            #expect(fallback.contains("\(id)"), "run \(id) is in the text fallback")
        }
        #expect(!blocks.contains("more"))
        #expect(!fallback.contains("more"))
    }

    @Test func headlinesAgreeInNumber() {
        #expect(SlackDigest.headline((1...21).map { alert($0, .cancelled) }) == "21 runs were cancelled in suite nightly")
        #expect(
            SlackDigest.headline([alert(1), alert(2, .cancelled)] + (3...23).map { alert($0, .notFound) })
                == "23 runs ended: 1 failed, 1 was cancelled, 21 are no longer returned by the API in suite nightly")
    }
}

/// The structural bound: a digest of `capacity` runs, each line as long as a line can be,
/// fits every Slack limit and names every run.
@Suite struct SlackDigestCapacityTests {
    static let link = "https://dashboard.cekura.ai/" + String(repeating: "p", count: SlackMessage.maxLinkLength - 60) + "/results/"

    /// A run whose every part is as long as allowed, with text that grows when escaped.
    func worstCase(_ index: Int) -> RunAlert {
        let outcome = RunOutcome.allCases[index % RunOutcome.allCases.count]
        let id = Int.max - index
        let url = Self.link + String(id)
        return RunAlert(
            outcome: outcome,
            run: RunSnapshot(
                id: id, status: .failed, scenarioName: String(repeating: "&<", count: 200),
                errorMessage: String(repeating: "e\u{301}>\n", count: 2000)),
            previousStatus: .running, endedAt: Date(timeIntervalSince1970: 0), labels: ["suite": String(repeating: "&", count: 128)],
            dashboardURL: String(url.prefix(SlackMessage.maxLinkLength)))
    }

    @Test func theCapacityIsWhatTheWorstCaseLinesAllow() {
        #expect(SlackDigest.capacity >= 40, "a digest still groups a burst: \(SlackDigest.capacity)")
        #expect(SlackDigest.capacity == 147, "docs/notifications.md names this number; change both together")
        #expect(SlackDigest.linesPerSection * (SlackDigest.maxLineLength + 1) - 1 <= SlackMessage.sectionTextLimit)
        #expect(SlackSink().defaults.digestCapacity == SlackDigest.capacity, "the plan's digest limit for Slack")
    }

    @Test(arguments: [false, true])
    func aDigestOfTheMaximumSizeFitsEverySlackLimitAndListsEveryRun(asPart: Bool) throws {
        let alerts = (0..<SlackDigest.capacity).map(worstCase)
        for alert in alerts {
            #expect(SlackDigest.line(alert).utf16.count <= SlackDigest.maxLineLength)
            #expect(SlackDigest.line(alert).contains("<\(try #require(alert.dashboardURL))|Run \(alert.run.id)>"), "linked")
        }
        let message = SlackDigest.render(alerts, part: asPart ? DigestPart(number: 3, more: true) : nil)
        let object = try #require(try JSONSerialization.jsonObject(with: message.encoded()) as? [String: Any])
        let text = try #require(object["text"] as? String)
        #expect(text.utf16.count <= SlackMessage.messageTextLimit)
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        #expect(blocks.count <= SlackDigest.blockLimit)
        var listed = ""
        for block in blocks {
            #expect(block["type"] as? String == "section")
            let section = try #require((block["text"] as? [String: Any])?["text"] as? String)
            #expect(section.utf16.count <= SlackMessage.sectionTextLimit)
            listed += section + "\n"
        }
        for alert in alerts {
            #expect(listed.contains("|Run \(alert.run.id)> \(alert.verb)"), "run \(alert.run.id) in the blocks")
            #expect(text.contains("\(alert.run.id)"), "run \(alert.run.id) in the text fallback")
        }
        #expect(!listed.contains("<\n") && !listed.contains("&<"), "untrusted text is escaped")
    }
}

@Suite struct SlackDigestWordingTests {
    func alert(_ id: Int, _ outcome: RunOutcome = .failed, url: String? = nil) -> RunAlert {
        RunAlert(
            outcome: outcome, run: RunSnapshot(id: id, status: .failed), previousStatus: .running, endedAt: Date(timeIntervalSince1970: 0),
            labels: ["suite": "nightly"], dashboardURL: url)
    }

    @Test(arguments: [
        (1, RunOutcome.failed, "1 run failed", "1 failed"),
        (2, .failed, "2 runs failed", "2 failed"),
        (1, .cancelled, "1 run was cancelled", "1 was cancelled"),
        (21, .cancelled, "21 runs were cancelled", "21 were cancelled"),
        (1, .notFound, "1 run is no longer returned by the API", "1 is no longer returned by the API"),
        (3, .notFound, "3 runs are no longer returned by the API", "3 are no longer returned by the API"),
        (1, .rejected, "1 run is refused by the API", "1 is refused by the API"),
        (4, .rejected, "4 runs are refused by the API", "4 are refused by the API"),
        (1, .expired, "1 run did not end before its deadline", "1 did not end before its deadline"),
        (5, .expired, "5 runs did not end before their deadline", "5 did not end before their deadline"),
        (1, .timeout, "1 run timed out", "1 timed out"),
        (7, .unsuccessful, "7 runs completed unsuccessfully", "7 completed unsuccessfully"),
        (0, .completed, "0 runs completed", "0 completed"),
    ])
    func countsAndVerbsAgree(count: Int, outcome: RunOutcome, sentence: String, part: String) {
        #expect(OutcomeWording.sentence(count, outcome) == sentence)
        #expect(OutcomeWording.part(count, outcome) == part)
    }

    @Test func listsLeaveOutEmptyOutcomesInAFixedOrder() {
        #expect(OutcomeWording.parts([.cancelled: 21, .failed: 1, .timeout: 0]) == "1 failed, 21 were cancelled")
        #expect(RunAlert.verb(for: .cancelled) == "was cancelled", "one run's verb")
    }

    @Test func partsOfABurstAreNumberedAndFollowUpsSayMore() {
        let first = (1...147).map { alert($0) }
        #expect(
            SlackDigest.headline(first, part: DigestPart(number: 1, more: true))
                == "147 runs failed in suite nightly (part 1, continued in the next message)")
        #expect(SlackDigest.headline([alert(148)], part: DigestPart(number: 2, more: false)) == "1 more run failed in suite nightly (part 2)")
        #expect(
            SlackDigest.headline([alert(1), alert(2, .cancelled)], part: DigestPart(number: 2, more: true))
                == "2 more runs ended: 1 failed, 1 was cancelled in suite nightly (part 2, continued in the next message)")
        // A follow-up of one run is still a digest part, so it says which burst it belongs to.
        let single = String(decoding: SlackDigest.render([alert(148)], part: DigestPart(number: 2, more: false)).encoded(), as: UTF8.self)
        #expect(single.contains("1 more run failed in suite nightly (part 2)"))
    }

    @Test func runsLinkToTheDashboardOnlyWhenTheLinkIsKnownAndSafe() {
        #expect(
            SlackDigest.line(alert(5, url: "https://dashboard.cekura.ai/acme/results/9"))
                == ":x: <https://dashboard.cekura.ai/acme/results/9|Run 5> failed")
        #expect(SlackDigest.line(alert(5)) == ":x: Run 5 failed", "no link without one")
        for unsafe in ["javascript:alert(1)", "https://x.example/a|b", "https://x.example/<b>", "https://x.example/a b", "ftp://x.example/"] {
            #expect(SlackDigest.line(alert(5, url: unsafe)) == ":x: Run 5 failed", "\(unsafe) is not linked")
        }
        let single = String(decoding: SlackMessage.render(alert(5, url: "https://d.example/p/results/9")).encoded(), as: UTF8.self)
        #expect(single.contains("<https://d.example/p/results/9|Run 5> failed"))
        #expect(!String(decoding: SlackMessage.render(alert(5)).encoded(), as: UTF8.self).contains("http"))
    }

    @Test(arguments: [
        ("plain", 10, "plain"),
        ("exactly10!", 10, "exactly10!"),
        ("eleven char", 10, "eleven ch…"),
        ("a&b", 5, "a…"),  // the entity is never cut in half
        ("a&b", 7, "a&amp;b"),
        ("ab&", 6, "ab…"),
        ("line\nbreak\ttab", 20, "line break tab"),
    ])
    func excerptsAreEscapedBoundedAndNeverCutAnEntity(text: String, limit: Int, expected: String) {
        let excerpt = SlackMessage.excerpt(text, limit: limit)
        #expect(excerpt.utf16.count <= limit)
        #expect(excerpt == expected)
    }
}

@Suite struct DashboardLinkTests {
    let t0 = Date(timeIntervalSince1970: 1_784_000_000)

    func ended(_ id: RunID, resultID: Int?) -> RunUpdate {
        RunUpdate(
            snapshot: RunSnapshot(id: id, status: .failed, resultID: resultID), previous: RunState(status: .running),
            current: RunState(status: .failed), transition: nil, outcome: .failed, ended: true)
    }

    func alerts(_ drafts: [OutboxDraft]) -> [RunAlert] {
        drafts.compactMap { draft in
            if case .alert(let alert)? = OutboxContent.decode(draft.payload) { return alert }
            return nil
        }
    }

    @Test func theLinkIsFixedInTheAlertWhenDrafted() throws {
        let routes = [NotifierRoute(name: "ops", kind: .slack, events: [.failed]), NotifierRoute(name: "ci", kind: .webhook, events: [.failed])]
        let links = DashboardLinks(base: "https://dashboard.cekura.ai/acme//")
        let drafts = NotifierRoute.drafts(for: [ended(1, resultID: 9), ended(2, resultID: nil)], runs: [:], routes: routes, at: t0, links: links)
        let byRun = Dictionary(grouping: alerts(drafts), by: \.run.id)
        #expect(byRun[1]?.map(\.dashboardURL) == ["https://dashboard.cekura.ai/acme/results/9", "https://dashboard.cekura.ai/acme/results/9"])
        #expect(byRun[2]?.map(\.dashboardURL) == [nil, nil], "no result id: no link")
        let unconfigured = NotifierRoute.drafts(for: [ended(1, resultID: 9)], runs: [:], routes: routes, at: t0)
        #expect(alerts(unconfigured).allSatisfy { $0.dashboardURL == nil }, "not configured: no link, never a guessed one")
    }

    @Test func theWebhookPayloadCarriesTheAlertsLink() throws {
        var alert = RunAlert(
            outcome: .failed, run: RunSnapshot(id: 1, status: .failed, resultID: 9), previousStatus: .running, endedAt: t0,
            dashboardURL: "https://dashboard.cekura.ai/acme/results/9")
        func data() throws -> [String: Any] {
            let body = try #require(try JSONSerialization.jsonObject(with: WebhookPayload.render(alert).encoded()) as? [String: Any])
            return try #require(body["data"] as? [String: Any])
        }
        #expect(try data()["dashboard_url"] as? String == "https://dashboard.cekura.ai/acme/results/9")
        alert.dashboardURL = nil
        #expect(try data()["dashboard_url"] is NSNull)
    }

    @Test func anAlertStoredBeforeLinksExistedStillDecodes() throws {
        let old = #"{"outcome":"failed","run":{"id":3,"status":"failed","resultID":9,"projectID":3},"endedAt":1784000000,"labels":{}}"#
        let alert = try JSONDecoder().decode(RunAlert.self, from: Data(old.utf8))
        #expect(alert.run.id == 3)
        #expect(alert.dashboardURL == nil)
        var linked = alert
        linked.dashboardURL = "https://d.example/p/results/9"
        #expect(try JSONDecoder().decode(RunAlert.self, from: JSONEncoder().encode(linked)) == linked)
    }
}
