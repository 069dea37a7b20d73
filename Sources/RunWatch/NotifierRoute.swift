import Foundation
import RunWatchCore

/// Which notifiers receive an ended run, and the bytes each one gets.
public struct NotifierRoute: Sendable, Equatable {
    public var name: String
    public var kind: Configuration.Notifier.Kind
    public var events: Set<RunOutcome>

    public init(name: String, kind: Configuration.Notifier.Kind, events: Set<RunOutcome>) {
        self.name = name
        self.kind = kind
        self.events = events
    }

    public init(_ notifier: Configuration.Notifier) {
        self.init(name: notifier.name, kind: notifier.kind, events: notifier.events)
    }

    /// Rendered once at enqueue time, so a retry re-sends exactly the same bytes.
    public func payload(for alert: RunAlert) -> Data {
        switch kind {
        case .slack: SlackMessage.render(alert).encoded()
        case .webhook: WebhookPayload.render(alert).encoded()
        }
    }

    /// The outbox drafts for one ended run across all routes.
    public static func drafts(for alert: RunAlert, routing: RunRouting, routes: [NotifierRoute]) -> [OutboxDraft] {
        routes.compactMap { route in
            guard route.events.contains(alert.outcome) else { return nil }
            if let allowed = routing.notifiers, !allowed.contains(route.name) { return nil }
            return OutboxDraft(
                notifier: route.name, runID: alert.run.id, event: alert.outcome.eventType,
                idempotencyKey: alert.idempotencyKey, payload: route.payload(for: alert))
        }
    }
}
