import Foundation

extension NotifierRoute {
    /// The outbox drafts for a completed suite: for every route whose `suites` mode wants
    /// this verdict and which accepts the suite's routing (that of the submission that
    /// opened it), one draft per part its sink needs. Each part is its own row with its
    /// own idempotency key, so parts are paced, retried and deduplicated one by one.
    /// `console` gives the report its console page (every part links there), fixed now so
    /// retries send the same bytes.
    package static func drafts(
        for report: SuiteReport, routing: RunRouting, routes: [NotifierRoute], console: ConsoleLinks = .none
    ) -> [OutboxDraft] {
        let report = report.linked(console)
        return routes.flatMap { route -> [OutboxDraft] in
            guard route.suites.accepts(report), route.accepts(routing) else { return [] }
            // All parts at once: part by part would lay out every failure once per part.
            return route.kind.sink.storedSuiteParts(report).enumerated().map { index, stored in
                let part = index + 1
                return OutboxDraft(
                    notifier: route.name, runID: 0, event: SuiteReport.eventType, idempotencyKey: report.idempotencyKey(part: part),
                    payload: OutboxContent.suite(stored, part: part).encoded(), suite: report.instance)
            }
        }
    }
}

extension SuiteReport {
    /// This report with its console page (`/suites/<name>/<instance>`); unchanged when the
    /// console has no public address.
    package func linked(_ console: ConsoleLinks) -> SuiteReport {
        guard let url = console.suite(name, instance: instance) else { return self }
        var linked = self
        linked.consoleURL = url
        return linked
    }

    /// Part 1 keeps the plain key (a webhook's only part); later parts add their number.
    package func idempotencyKey(part: Int) -> String {
        part <= 1 ? idempotencyKey : "\(idempotencyKey)_part\(part)"
    }
}
