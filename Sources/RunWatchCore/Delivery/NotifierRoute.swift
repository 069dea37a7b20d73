import Foundation

/// Which notifiers receive an event, and the bytes each one gets.
package struct NotifierRoute: Sendable, Equatable {
    package var name: String
    package var kind: NotifierKind
    package var events: Set<RunOutcome>
    package var transitions: Bool
    package var labels: [String: String]

    package init(name: String, kind: NotifierKind, events: Set<RunOutcome>, transitions: Bool = false, labels: [String: String] = [:]) {
        self.name = name
        self.kind = kind
        self.events = events
        self.transitions = transitions
        self.labels = labels
    }

    /// A run reaches this notifier if its labels include the notifier's `labels` and its
    /// submission's `notifiers` list (if any) names it.
    package func accepts(_ routing: RunRouting) -> Bool {
        if let allowed = routing.notifiers, !allowed.contains(name) { return false }
        return labels.allSatisfy { routing.labels[$0.key] == $0.value }
    }

    /// Rendered once at enqueue time, so a retry re-sends exactly the same bytes.
    package func payload(for alert: RunAlert, history: [Transition]) -> Data {
        kind.sink.render(alert, history: history).body
    }

    /// Every outbox draft one answer causes: an alert per ended run for each route whose
    /// events and labels match, and a notice per status change for routes subscribed to
    /// `run.transition`. `runs` carries each run's routing (labels, named notifiers);
    /// `history` the recorded transitions of the ended runs (for webhook bodies).
    package static func drafts(
        for updates: [RunUpdate], runs: [RunID: TrackedRun], history: [RunID: [Transition]], routes: [NotifierRoute], at now: Date
    ) -> [OutboxDraft] {
        guard !routes.isEmpty else { return [] }
        var drafts: [OutboxDraft] = []
        if routes.contains(where: \.transitions) {
            for change in updates.compactMap(\.transition) {
                let routing = runs[change.runID]?.routing ?? RunRouting()
                drafts += Self.drafts(for: TransitionNotice(transition: change, labels: routing.labels), routing: routing, routes: routes)
            }
        }
        for update in updates {
            guard let outcome = update.outcome else { continue }
            let routing = runs[update.snapshot.id]?.routing ?? RunRouting()
            let alert = RunAlert(outcome: outcome, run: update.snapshot, previousStatus: update.previous.status, endedAt: now, labels: routing.labels)
            let past = (history[update.snapshot.id] ?? []) + [update.transition].compactMap { $0 }
            drafts += Self.drafts(for: alert, routing: routing, history: past, routes: routes)
        }
        return drafts
    }

    /// The outbox drafts for one ended run across all routes. The structured alert goes
    /// with each Slack draft, so a digest can be rendered from several at send time.
    package static func drafts(for alert: RunAlert, routing: RunRouting, history: [Transition], routes: [NotifierRoute]) -> [OutboxDraft] {
        let encodedAlert = try? JSONEncoder().encode(alert)
        return routes.compactMap { route in
            guard route.events.contains(alert.outcome), route.accepts(routing) else { return nil }
            return OutboxDraft(
                notifier: route.name, runID: alert.run.id, event: alert.outcome.eventType,
                idempotencyKey: alert.idempotencyKey, payload: route.payload(for: alert, history: history),
                alert: route.kind.sink.defaults.digests ? encodedAlert : nil)
        }
    }

    /// The outbox drafts for one status change, for routes subscribed to `run.transition`.
    package static func drafts(for notice: TransitionNotice, routing: RunRouting, routes: [NotifierRoute]) -> [OutboxDraft] {
        routes.compactMap { route in
            guard route.transitions, route.accepts(routing) else { return nil }
            return OutboxDraft(
                notifier: route.name, runID: notice.transition.runID, event: TransitionNotice.eventType,
                idempotencyKey: notice.idempotencyKey, payload: route.kind.sink.render(notice).body)
        }
    }
}
