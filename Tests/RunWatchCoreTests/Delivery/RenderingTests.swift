import Foundation
import RunWatchCore
import Testing

@Suite struct SlackMessageTests {
    let endedAt = Date(timeIntervalSince1970: 1_784_000_000)

    func render(
        _ run: RunSnapshot, outcome: RunOutcome = .failed, labels: [String: String] = [:], dashboardURL: String? = nil
    ) throws
        -> [String: Any]
    {
        let alert = RunAlert(outcome: outcome, run: run, previousStatus: .running, endedAt: endedAt, labels: labels, dashboardURL: dashboardURL)
        return try #require(try JSONSerialization.jsonObject(with: SlackMessage.render(alert).encoded()) as? [String: Any])
    }

    @Test func carriesWhatAPersonNeedsToAct() throws {
        let run = RunSnapshot(
            id: 42, status: .failed, success: false, scenarioName: "Refund <VIP>", agentName: "Front desk",
            personalityName: "Impatient", errorMessage: "SIP 408", endedReason: "Main agent-did-not-answer",
            duration: "00:31", voiceRecordingURL: "https://rec.example/42.wav", resultID: 9, projectID: 3)
        let message = try render(run, labels: ["suite": "nightly"])
        let text = try #require(message["text"] as? String)
        #expect(text == ":x: Run 42 failed — Refund &lt;VIP&gt;: SIP 408", "the fallback is mrkdwn too: escaped")
        let alert = RunAlert(
            outcome: .failed, run: run, previousStatus: .running, endedAt: endedAt, labels: ["suite": "nightly"],
            dashboardURL: DashboardLinks(base: "https://dashboard.cekura.ai/acme/").result(run.resultID))
        let body = String(decoding: SlackMessage.render(alert).encoded(), as: UTF8.self)
        for fragment in [
            "Refund &lt;VIP&gt;", "Front desk", "Impatient", "SIP 408", "Main agent-did-not-answer", "00:31",
            "suite=nightly", "https://rec.example/42.wav", "<https://dashboard.cekura.ai/acme/results/9|Run 42>", "running",
        ] {
            #expect(body.contains(fragment), "missing \(fragment)")
        }
    }

    @Test func aHugeErrorMessageIsCutWithinSlackLimits() throws {
        let run = RunSnapshot(
            id: 1, status: .failed, scenarioName: String(repeating: "s", count: 5000), errorMessage: String(repeating: "e", count: 100_000))
        let message = try render(run)
        let text = try #require(message["text"] as? String)
        #expect(text.count <= SlackMessage.messageTextLimit)
        #expect(text.hasSuffix("…"))
        let blocks = try #require(message["blocks"] as? [[String: Any]])
        #expect(blocks.count <= 50)
        for block in blocks {
            if let section = block["text"] as? [String: Any], let value = section["text"] as? String {
                #expect(value.count <= SlackMessage.sectionTextLimit)
            }
            for field in (block["fields"] as? [[String: Any]]) ?? [] {
                #expect(((field["text"] as? String) ?? "").count <= SlackMessage.fieldTextLimit)
            }
        }
    }

    @Test(arguments: RunOutcome.allCases)
    func everyOutcomeHasItsOwnWording(outcome: RunOutcome) throws {
        let message = try render(RunSnapshot(id: 5, status: .completed), outcome: outcome)
        let text = try #require(message["text"] as? String)
        #expect(text.hasPrefix(RunAlert(outcome: outcome, run: RunSnapshot(id: 5, status: .completed), previousStatus: nil, endedAt: endedAt).emoji))
    }
}

@Suite struct WebhookPayloadTests {
    @Test func bodyHasTypeTimestampAndRunData() throws {
        let alert = RunAlert(
            outcome: .timeout, run: RunSnapshot(id: 77, status: .timeout, success: nil, scenarioName: "S"),
            previousStatus: .pending, endedAt: Date(timeIntervalSince1970: 1_784_000_000), labels: ["suite": "ci"])
        let object = try #require(try JSONSerialization.jsonObject(with: WebhookPayload.render(alert).encoded()) as? [String: Any])
        #expect(object["type"] as? String == "run.timeout")
        #expect(object["timestamp"] as? String == "2026-07-14T03:33:20Z")
        let data = try #require(object["data"] as? [String: Any])
        #expect(data["run_id"] as? Int == 77)
        #expect(data["previous_status"] as? String == "pending")
        #expect(data["scenario_name"] as? String == "S")
        #expect((data["labels"] as? [String: String]) == ["suite": "ci"])
        #expect(data["success"] is NSNull)
        #expect(alert.idempotencyKey == "msg_run77_timeout")
    }

    @Test func renderingIsDeterministic() {
        let alert = RunAlert(
            outcome: .failed, run: RunSnapshot(id: 1, status: .failed), previousStatus: nil, endedAt: Date(timeIntervalSince1970: 0),
            labels: ["b": "2", "a": "1"])
        #expect(WebhookPayload.render(alert).encoded() == WebhookPayload.render(alert).encoded())
    }

    @Test func standardWebhookSecretsDecode() {
        #expect(
            StandardWebhook.keyBytes(fromSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == Data(base64Encoded: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        #expect(StandardWebhook.keyBytes(fromSecret: "whsec_!!!") == nil)
        #expect(StandardWebhook.signedContent(id: "msg_1", timestamp: 5, body: Data("{}".utf8)) == Data("msg_1.5.{}".utf8))
    }
}

@Suite struct AnswerClassificationTests {
    let now = Date(timeIntervalSince1970: 1_784_000_000)

    func classify(_ status: Int, retryAfter: String? = nil, body: String = "") -> BulkAnswer {
        BulkAnswerClassifier.classify(status: status, retryAfter: retryAfter, body: Data(body.utf8), now: now, retryAfterCap: .seconds(900))
    }

    @Test func bulkAnswers() {
        #expect(classify(200, body: #"[{"id": 1, "status": "running"}]"#) == .runs([.run(RunSnapshot(id: 1, status: .running))]))
        guard case .retryable(let reason) = classify(200, body: #"[{"id": 1, "stat"#) else {
            Issue.record("a truncated body must be retryable")
            return
        }
        #expect(reason.hasPrefix("response body is not valid JSON"))
        #expect(classify(429, retryAfter: "7") == .rateLimited(retryAfter: .seconds(7)))
        #expect(classify(429) == .rateLimited(retryAfter: nil))
        #expect(classify(429, retryAfter: "99999") == .rateLimited(retryAfter: .seconds(900)))
        #expect(classify(401, body: #"{"detail": "Invalid API key."}"#) == .keyRejected(status: 401, detail: "Invalid API key."))
        #expect(classify(403, body: "") == .keyRejected(status: 403, detail: "(empty body)"))
        #expect(classify(400, body: #"{"run_ids": ["too many"]}"#) == .batchRefused(status: 400, detail: "run_ids: too many"))
        #expect(classify(414) == .batchRefused(status: 414, detail: "(empty body)"))
        #expect(classify(503, body: "<html>down</html>") == .retryable("HTTP 503: <html>down</html>"))
        #expect(classify(408) == .retryable("HTTP 408: (empty body)"))
        #expect(classify(404, body: #"{"detail": "Not found."}"#) == .retryable("HTTP 404: Not found."))
    }

    @Test(arguments: [
        (200, "", false, DeliveryVerdict.delivered),
        (204, "", true, .delivered),
        (429, "", false, .retry(reason: "HTTP 429", after: .seconds(3))),
        (503, "", true, .retry(reason: "HTTP 503", after: .seconds(3))),
        (408, "", false, .retry(reason: "HTTP 408", after: .seconds(3))),
        (400, "invalid_blocks", true, .invalidPayload(reason: "HTTP 400: invalid_blocks")),
        (400, "invalid_payload", true, .invalidPayload(reason: "HTTP 400: invalid_payload")),
        (400, "invalid_payload", false, .dead(reason: "HTTP 400: invalid_payload")),
        (400, "no_text", true, .dead(reason: "HTTP 400: no_text")),
        (404, "no_service", true, .disable(reason: "HTTP 404: no_service")),
        (404, "", false, .dead(reason: "HTTP 404")),
        (410, "channel_is_archived", true, .disable(reason: "HTTP 410: channel_is_archived")),
        (403, "invalid_token", true, .disable(reason: "HTTP 403: invalid_token")),
        (403, "", false, .disable(reason: "HTTP 403")),
        (422, "nope", false, .dead(reason: "HTTP 422: nope")),
    ])
    func deliveryVerdicts(status: Int, body: String, isSlack: Bool, expected: DeliveryVerdict) {
        let sink: any NotificationSink = isSlack ? SlackSink() : WebhookSink()
        let verdict = sink.classify(status: status, retryAfter: "3", body: Data(body.utf8), now: now, retryAfterCap: .seconds(900))
        #expect(verdict == expected)
    }
}

@Suite struct SlackDigestTests {
    func alert(_ id: Int, _ outcome: RunOutcome = .failed, suite: String? = "nightly", error: String? = "SIP 408") -> RunAlert {
        RunAlert(
            outcome: outcome, run: RunSnapshot(id: id, status: .failed, scenarioName: "Scenario \(id)", errorMessage: error),
            previousStatus: .running, endedAt: Date(timeIntervalSince1970: 0), labels: suite.map { ["suite": $0] } ?? [:])
    }

    func check(_ message: JSONValue) throws -> [String: Any] {
        let object = try #require(try JSONSerialization.jsonObject(with: message.encoded()) as? [String: Any])
        let text = try #require(object["text"] as? String)
        #expect(text.count <= SlackMessage.messageTextLimit)
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        #expect(blocks.count <= 50)
        for block in blocks {
            if let section = block["text"] as? [String: Any] {
                #expect(((section["text"] as? String) ?? "").count <= SlackMessage.sectionTextLimit)
            }
        }
        return object
    }

    @Test func fiveHundredRunsBeyondCapacityStillFitAndAreAllInTheText() throws {
        // The plan never asks for more than `capacity`; if asked, lines lose their excerpts.
        let alerts = (1...500).map { alert($0, error: String(repeating: "x", count: 5000)) }
        let object = try check(SlackDigest.render(alerts))
        let text = try #require(object["text"] as? String)
        #expect(text.hasPrefix("500 runs failed in suite nightly"))
        #expect(text.hasSuffix(", 499, 500"))
        let body = String(decoding: SlackDigest.render(alerts).encoded(), as: UTF8.self)
        #expect(!body.contains("more"))
    }

    @Test func mixedOutcomesAreCountedInTheHeadline() {
        let alerts = [alert(1), alert(2), alert(3, .timeout), alert(4, .cancelled, suite: "ci")]
        #expect(SlackDigest.headline(alerts) == "4 runs ended: 2 failed, 1 timed out, 1 was cancelled")
        #expect(SlackDigest.headline(Array(alerts.prefix(3))) == "3 runs ended: 2 failed, 1 timed out in suite nightly")
    }

    @Test func oneAlertIsTheOrdinaryMessage() {
        #expect(SlackDigest.render([alert(9)]) == SlackMessage.render(alert(9)))
    }

    @Test func alertsRoundTripThroughTheOutbox() throws {
        let original = alert(77, .unsuccessful)
        let decoded = try JSONDecoder().decode(RunAlert.self, from: JSONEncoder().encode(original))
        #expect(decoded == original)
    }
}

@Suite struct TransitionNoticeTests {
    @Test func webhookAndSlackForms() throws {
        let notice = TransitionNotice(
            transition: Transition(runID: 5, from: .running, to: .evaluating, at: Date(timeIntervalSince1970: 1_784_000_000)), labels: ["suite": "x"])
        let body = try #require(try JSONSerialization.jsonObject(with: WebhookSink().render(notice).body) as? [String: Any])
        #expect(body["type"] as? String == "run.transition")
        let data = try #require(body["data"] as? [String: Any])
        #expect(data["previous_status"] as? String == "running")
        #expect(data["status"] as? String == "evaluating")
        #expect(notice.idempotencyKey == "msg_run5_evaluating_1784000000000")
        let slack = String(decoding: SlackSink().render(notice).body, as: UTF8.self)
        #expect(slack.contains("Run 5: running → evaluating"))
        let plain = try #require(SlackSink().render(notice).plainText)
        #expect(SlackSink().plainText(of: SlackSink().render(notice).body) == plain, "the stored body yields the same plain form")
    }
}
