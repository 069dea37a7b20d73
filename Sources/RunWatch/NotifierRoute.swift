import Foundation
import RunWatchCore

/// Which notifiers receive an event, and the bytes each one gets.
public struct NotifierRoute: Sendable, Equatable {
    public var name: String
    public var kind: Configuration.Notifier.Kind
    public var events: Set<RunOutcome>
    public var transitions: Bool
    public var labels: [String: String]

    public init(name: String, kind: Configuration.Notifier.Kind, events: Set<RunOutcome>, transitions: Bool = false, labels: [String: String] = [:]) {
        self.name = name
        self.kind = kind
        self.events = events
        self.transitions = transitions
        self.labels = labels
    }

    public init(_ notifier: Configuration.Notifier) {
        self.init(name: notifier.name, kind: notifier.kind, events: notifier.events, transitions: notifier.transitions, labels: notifier.labels)
    }

    /// A run reaches this notifier if its labels include the notifier's `labels` and its
    /// submission's `notifiers` list (if any) names it.
    func accepts(_ routing: RunRouting) -> Bool {
        if let allowed = routing.notifiers, !allowed.contains(name) { return false }
        return labels.allSatisfy { routing.labels[$0.key] == $0.value }
    }

    /// Rendered once at enqueue time, so a retry re-sends exactly the same bytes.
    public func payload(for alert: RunAlert, history: [Transition]) -> Data {
        switch kind {
        case .slack: SlackMessage.render(alert).encoded()
        case .webhook: WebhookPayload.render(alert, history: history).encoded()
        }
    }

    /// The outbox drafts for one ended run across all routes. The structured alert goes
    /// with each Slack draft, so a digest can be rendered from several at send time.
    public static func drafts(for alert: RunAlert, routing: RunRouting, history: [Transition], routes: [NotifierRoute]) -> [OutboxDraft] {
        let encodedAlert = try? JSONEncoder().encode(alert)
        return routes.compactMap { route in
            guard route.events.contains(alert.outcome), route.accepts(routing) else { return nil }
            return OutboxDraft(
                notifier: route.name, runID: alert.run.id, event: alert.outcome.eventType,
                idempotencyKey: alert.idempotencyKey, payload: route.payload(for: alert, history: history),
                alert: route.kind == .slack ? encodedAlert : nil)
        }
    }

    /// The outbox drafts for one status change, for routes subscribed to `run.transition`.
    public static func drafts(for notice: TransitionNotice, routing: RunRouting, routes: [NotifierRoute]) -> [OutboxDraft] {
        routes.compactMap { route in
            guard route.transitions, route.accepts(routing) else { return nil }
            let body = route.kind == .slack ? notice.slackMessage() : notice.webhookBody()
            return OutboxDraft(
                notifier: route.name, runID: notice.transition.runID, event: TransitionNotice.eventType,
                idempotencyKey: notice.idempotencyKey, payload: body.encoded())
        }
    }
}
