import Foundation
import RunWatchCore
import Testing

/// The outbox stores what a message says; the sink renders it when sent. A retry must
/// send the same bytes, so content must survive the store exactly.
@Suite struct OutboxContentTests {
    let alert = RunAlert(
        outcome: .failed, run: RunSnapshot(id: 10233, status: .failed, success: false, scenarioName: "Refund", errorMessage: "SIP 408"),
        previousStatus: .running, endedAt: Date(timeIntervalSince1970: 1_795_900_449), labels: ["suite": "nightly"])
    let notice = TransitionNotice(
        transition: Transition(runID: 5, from: .running, to: .evaluating, at: Date(timeIntervalSince1970: 1_784_000_000.25)), labels: ["suite": "x"])

    @Test func contentRoundTripsThroughTheStoredForm() throws {
        for content in [
            OutboxContent.alert(alert), .transition(notice),
            .transition(TransitionNotice(transition: Transition(runID: 6, from: nil, to: .pending, at: Date(timeIntervalSince1970: 0)))),
        ] {
            #expect(OutboxContent.decode(content.encoded()) == content)
        }
        #expect(OutboxContent.decode(Data("{}".utf8)) == nil)
    }

    @Test(arguments: NotifierKind.allCases)
    func renderingStoredContentIsDeterministic(kind: NotifierKind) throws {
        let history = [Transition(runID: 10233, from: .running, to: .failed, at: Date(timeIntervalSince1970: 1_795_900_449))]
        let stored = try #require(OutboxContent.decode(OutboxContent.alert(alert).encoded()))
        guard case .alert(let decoded) = stored else {
            Issue.record("expected an alert")
            return
        }
        #expect(kind.sink.render(decoded, history: history) == kind.sink.render(alert, history: history))
        #expect(kind.sink.render(decoded, history: history) == kind.sink.render(decoded, history: history))
    }

    @Test func routesDraftTheContentNotRenderedBytes() throws {
        let routes = [NotifierRoute(name: "ops", kind: .slack, events: [.failed]), NotifierRoute(name: "ci", kind: .webhook, events: [.failed])]
        let drafts = NotifierRoute.drafts(for: alert, routing: RunRouting(labels: ["suite": "nightly"]), routes: routes)
        #expect(drafts.map(\.notifier) == ["ops", "ci"])
        #expect(drafts.allSatisfy { OutboxContent.decode($0.payload) == .alert(alert) && $0.alert == nil })
        #expect(drafts.allSatisfy { $0.idempotencyKey == "msg_run10233_failed" })
    }
}
