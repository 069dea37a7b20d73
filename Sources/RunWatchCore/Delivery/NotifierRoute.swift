import Foundation

/// Which notifiers receive an event.
package struct NotifierRoute: Sendable, Equatable {
    package var name: String
    package var kind: NotifierKind
    package var events: Set<RunOutcome>
    package var transitions: Bool
    package var labels: [String: String]
    /// Which suite verdicts it receives (default: the sink's `suiteDefault`).
    package var suites: SuiteMode

    package init(
        name: String, kind: NotifierKind, events: Set<RunOutcome>, transitions: Bool = false, labels: [String: String] = [:],
        suites: SuiteMode? = nil
    ) {
        self.name = name
        self.kind = kind
        self.events = events
        self.transitions = transitions
        self.labels = labels
        self.suites = suites ?? kind.sink.suiteDefault
    }

    /// A run reaches this notifier if its labels include the notifier's `labels` and its
    /// submission's `notifiers` list (if any) names it.
    package func accepts(_ routing: RunRouting) -> Bool {
        if let allowed = routing.notifiers, !allowed.contains(name) { return false }
        return labels.allSatisfy { routing.labels[$0.key] == $0.value }
    }

    /// The bytes this notifier's sink makes of `alert` (for samples: `notify-test`,
    /// `doctor`; queued alerts are rendered when sent).
    package func payload(for alert: RunAlert, history: [Transition]) -> Data {
        kind.sink.render(alert, history: history).body
    }

    /// Every outbox draft one answer causes: an alert per ended run for each route whose
    /// events and labels match, and a notice per status change for routes subscribed to
    /// `run.transition`. `runs` carries each run's routing (labels, named notifiers);
    /// `links` makes each alert's dashboard link and `console` its console link, fixed now
    /// so retries send the same bytes.
    package static func drafts(
        for updates: [RunUpdate], runs: [RunID: TrackedRun], routes: [NotifierRoute], at now: Date, links: DashboardLinks = .none,
        console: ConsoleLinks = .none
    ) -> [OutboxDraft] {
        guard !routes.isEmpty else { return [] }
        var drafts: [OutboxDraft] = []
        if routes.contains(where: \.transitions) {
            for change in updates.compactMap(\.transition) {
                let routing = runs[change.runID]?.routing ?? RunRouting()
                let notice = TransitionNotice(transition: change, labels: routing.labels, console: console)
                drafts += Self.drafts(for: notice, routing: routing, routes: routes)
            }
        }
        for update in updates {
            guard let outcome = update.outcome else { continue }
            let routing = runs[update.snapshot.id]?.routing ?? RunRouting()
            let alert = RunAlert(
                outcome: outcome, run: update.snapshot, previousStatus: update.previous.status, endedAt: now, labels: routing.labels,
                dashboardURL: links.result(update.snapshot.resultID), console: console)
            drafts += Self.drafts(for: alert, routing: routing, routes: routes)
        }
        return drafts
    }

    /// The outbox drafts for one ended run across all routes: the structured alert,
    /// encoded once, which each sink renders (alone or in a digest) when it is sent.
    package static func drafts(for alert: RunAlert, routing: RunRouting, routes: [NotifierRoute]) -> [OutboxDraft] {
        let content = OutboxContent.alert(alert).encoded()
        return routes.compactMap { route in
            guard route.events.contains(alert.outcome), route.accepts(routing) else { return nil }
            return OutboxDraft(
                notifier: route.name, runID: alert.run.id, event: alert.outcome.eventType,
                idempotencyKey: alert.idempotencyKey, payload: content)
        }
    }

    /// The outbox drafts for one status change, for routes subscribed to `run.transition`.
    package static func drafts(for notice: TransitionNotice, routing: RunRouting, routes: [NotifierRoute]) -> [OutboxDraft] {
        routes.compactMap { route in
            guard route.transitions, route.accepts(routing) else { return nil }
            return OutboxDraft(
                notifier: route.name, runID: notice.transition.runID, event: TransitionNotice.eventType,
                idempotencyKey: notice.idempotencyKey, payload: OutboxContent.transition(notice).encoded())
        }
    }
}
