import Foundation
import RunWatchCore
import Testing

/// Strings from the API are bounded where they are kept, and cannot inject Slack
/// mentions or links, forge lines, or create metric label values.
@Suite struct UntrustedStringsTests {
    let endedAt = Date(timeIntervalSince1970: 1_784_000_000)

    func decodeOne(_ object: String) throws -> RunSnapshot {
        let runs = try BulkResponseDecoder.decode(Data("[\(object)]".utf8))
        guard case .run(let snapshot)? = runs.first else {
            Issue.record("not decoded: \(runs)")
            return RunSnapshot(id: 0, status: .pending)
        }
        return snapshot
    }

    @Test func theDecoderBoundsEveryString() throws {
        let huge = String(repeating: "x", count: 1_000_000)
        let run = try decodeOne(
            """
            {"id": 1, "status": "\(huge)", "error_message": "\(huge)", "scenario_name": "\(huge)", "agent_name": "\(huge)",
             "personality_name": "\(huge)", "duration": "\(huge)", "voice_recording_url": "\(huge)",
             "metadata": {"ended_reason": "\(huge)"}}
            """)
        #expect(run.status.rawValue.count <= RunSnapshot.Limits.status + 1)
        #expect(run.errorMessage?.count == RunSnapshot.Limits.errorMessage)
        for name in [run.scenarioName, run.agentName, run.personalityName, run.endedReason] {
            #expect(name?.count == RunSnapshot.Limits.name)
        }
        #expect(run.duration?.count == RunSnapshot.Limits.duration)
        #expect(run.voiceRecordingURL?.count == RunSnapshot.Limits.url)
    }

    @Test func aStatusIsOneLine() throws {
        let run = try decodeOne(#"{"id": 1, "status": "odd\nSTATUS=forged\u001b[31m"}"#)
        #expect(!run.status.rawValue.contains("\n") && !run.status.rawValue.contains("\u{1B}"))
        #expect(run.status.metricLabel == "other")
        #expect(RunStatus.failed.metricLabel == "failed")
        #expect(RunStatus.metricLabel(stored: "submitted") == "submitted")
        #expect(RunStatus.metricLabel(stored: "not_found") == "not_found")
        #expect(RunStatus.metricLabel(stored: "brand_new_status") == "other")
    }

    @Test func slackTextCannotMentionOrLink() throws {
        let run = RunSnapshot(
            id: 7, status: .failed, success: false, scenarioName: "<!channel> ping", errorMessage: "see <https://evil.example|your bank> & <@U123>",
            voiceRecordingURL: "https://rec.example/x.wav|click here>")
        let alert = RunAlert(outcome: .failed, run: run, previousStatus: .running, endedAt: endedAt, labels: ["suite": "<!here>"])
        for message in [SlackMessage.render(alert), SlackDigest.render([alert, alert])] {
            let body = String(decoding: message.encoded(), as: UTF8.self)
            for raw in ["<!channel>", "<!here>", "<https://evil.example", "<@U123>", "<https://rec.example"] {
                #expect(!body.contains(raw), "\(raw) reached Slack unescaped")
            }
            let object = try #require(try JSONSerialization.jsonObject(with: message.encoded()) as? [String: Any])
            let text = try #require(object["text"] as? String)
            #expect(!text.contains("<") && !text.contains(">"), "the fallback text is escaped too: \(text)")
        }
    }

    @Test(arguments: [
        ("https://rec.example/42.wav", true), ("http://rec.example/42.wav", false), ("javascript:alert(1)", false),
        ("https://rec.example/a|b", false), ("https://rec.example/a>b", false), ("https://rec.example/a b", false),
    ])
    func onlyHTTPSRecordingsAreLinked(url: String, linked: Bool) {
        let run = RunSnapshot(id: 1, status: .failed, voiceRecordingURL: url)
        let body = String(
            decoding: SlackMessage.render(RunAlert(outcome: .failed, run: run, previousStatus: nil, endedAt: endedAt)).encoded(), as: UTF8.self)
        #expect(body.contains("<\(url)|Recording>") == linked)
        #expect((run.linkableRecordingURL != nil) == linked)
    }

    @Test func aTransitionNoticeIsEscaped() throws {
        let notice = TransitionNotice(transition: Transition(runID: 1, from: .running, to: .unknown("<!everyone>"), at: endedAt))
        let body = String(decoding: SlackSink().render(notice).body, as: UTF8.self)
        #expect(!body.contains("<!everyone>"))
    }

    @Test func receiverAndAPIWordsAreOneLineAndBounded() {
        let verdict = DeliveryVerdict.classify(
            status: 500, retryAfter: nil, body: Data(("line1\nline2\u{1B}[2J" + String(repeating: "y", count: 10_000)).utf8), now: endedAt,
            retryAfterCap: .seconds(60))
        guard case .retry(let reason, _) = verdict else {
            Issue.record("expected a retry, got \(verdict)")
            return
        }
        #expect(!reason.contains("\n") && !reason.contains("\u{1B}") && reason.count < 260)
        let detail = BulkAnswerClassifier.detail(of: Data(#"{"detail": "bad\nthing \#(String(repeating: "z", count: 5000))"}"#.utf8))
        #expect(!detail.contains("\n") && detail.count <= 201)
    }
}
