import Foundation
import RunWatchCore

/// Builds the console's documents from the store and the daemon's live state. One builder
/// for the JSON routes, the pages and `runwatch status --json`. The judgements (verdicts,
/// orders) are `ConsoleOrdering`'s; this type only reads and assembles.
package struct ConsoleAPI: Sendable {
    package let context: ConsoleContext

    /// Lists are bounded: a page of a store with a million rows stays a page.
    package static let listLimit = 200
    package static let recentSuites = 50
    /// Open suite instances listed (oldest first); the rest are counted.
    package static let openSuitesShown = 200
    package static let otherInstances = 20
    package static let resultsShown = 20
    static let day: TimeInterval = 24 * 3600

    package init(context: ConsoleContext) {
        self.context = context
    }

    package func overview() async throws -> OverviewDocument {
        let now = context.now()
        let facts = context.facts()
        let store = context.store
        let summary = try await store.summary()
        let results = try await store.resultsOverview(limit: Self.resultsShown)
        let open = try await store.openSuites()
        let ended = try await store.endedSince(now - Self.day)
        let outbox = try await store.outboxByNotifier(deliveredSince: now - Self.day)
        let sweep = SweepBudget.effectivePeriod(
            active: summary.active, batchSize: facts.batchSize, requestsPerSecond: facts.maxRequestsPerSecond, pollInterval: facts.pollInterval)
        return OverviewDocument(
            generatedAt: now, summary: summary, effectiveSweepPeriodSeconds: sweep.secondsDouble, results: results,
            openSuites: open.prefix(Self.openSuitesShown).map {
                OpenSuiteLine(name: $0.name, instance: $0.id, runs: $0.facts.runs, ended: $0.facts.ended, expandingResults: $0.facts.expandingResults)
            }, openSuitesOmitted: max(open.count - Self.openSuitesShown, 0),
            endedLast24h: Dictionary(uniqueKeysWithValues: ended.map { ($0.key.rawValue, $0.value) }),
            notifiers: Self.notifierLines(facts: facts, outbox: outbox, disabled: summary.disabledNotifiers), live: live(now: now, facts: facts))
    }

    package func suites() async throws -> SuiteListDocument {
        let now = context.now()
        let (tallies, omitted) = try await context.store.suiteTallies(recentLimit: Self.recentSuites, openLimit: Self.openSuitesShown)
        return SuiteListDocument(generatedAt: now, suites: tallies.map(Self.line), openOmitted: omitted)
    }

    /// nil: no such suite (or instance of it). The document holds the runs `window` names
    /// of the instance's runs ordered failures first (at most 1,000); its counts are exact.
    package func suite(name: String, instance: Int64?, window: SuiteRunWindow = .first) async throws -> SuiteDocument? {
        let now = context.now()
        let links = context.facts().dashboardLinks
        guard
            let page = try await context.store.suitePage(name: name, instance: instance, otherLimit: Self.otherInstances, links: links)
        else { return nil }
        let ordered = ConsoleOrdering.suiteRunOrder(page.report.runs)
        let shown = Array(window.slice(ordered))
        return SuiteDocument(
            generatedAt: now, suite: Self.line(page.tally), runs: shown, runsOffset: window.offset, runsOmitted: ordered.count - shown.count,
            labels: page.report.labels, dashboardURL: page.report.dashboardURL, expandingResults: page.expanding,
            otherInstances: page.others.map(Self.line))
    }

    /// nil: the store does not hold the run.
    package func run(_ id: RunID) async throws -> RunDocument? {
        let now = context.now()
        guard let page = try await context.store.runPage(id, links: context.facts().dashboardLinks) else { return nil }
        // The snapshot is kept to explain a bad end; a passed or running run needs none.
        let endedBadly = page.result.ended && !page.result.passed
        return RunDocument(
            generatedAt: now, run: page.result, labels: page.labels,
            transitions: page.transitions.map { TransitionLine(from: $0.from?.rawValue, to: $0.to.rawValue, at: $0.at) },
            snapshot: endedBadly ? page.snapshot.map(SnapshotLine.init) : nil, deliveries: page.deliveries, suites: page.suites)
    }

    package func deliveries() async throws -> DeliveriesDocument {
        let now = context.now()
        let facts = context.facts()
        let store = context.store
        let disabled = try await store.disabledNotifiers()
        let outbox = try await store.outboxByNotifier(deliveredSince: now - Self.day)
        let lines = try await store.undeliveredLines(limit: Self.listLimit)
        return DeliveriesDocument(
            generatedAt: now, notifiers: Self.notifierLines(facts: facts, outbox: outbox, disabled: disabled),
            pending: lines.pending, dead: lines.dead)
    }

    package func history() -> HistoryDocument {
        let now = context.now()
        return HistoryDocument(
            generatedAt: now, budgetRequestsPerMinute: context.facts().maxRequestsPerSecond * 60,
            minutes: context.activity?.window(endingAt: now) ?? [])
    }

    // MARK: Assembly

    /// What only the running daemon knows; nil outside it.
    private func live(now: Date, facts: ConsoleFacts) -> LiveLine? {
        guard let line = context.status?.current else { return nil }
        let (api, detail) = ConsoleOrdering.apiState(line.api)
        return LiveLine(
            statusLine: line.rendered, api: api, apiDetail: detail, sweepPeriod: line.sweepPeriod,
            budgetRequestsPerMinute: facts.maxRequestsPerSecond * 60,
            requestsLastMinute: ConsoleOrdering.requestsLastMinute(context.activity?.window(endingAt: now) ?? []),
            // The API chose these: a few, short (as `STATUS=` shows them).
            unknownStatuses: line.unknownStatuses.prefix(20).map { StatusText.clean($0, maxBytes: 40) })
    }

    static func notifierLines(facts: ConsoleFacts, outbox: [String: NotifierCounts], disabled: [String: String]) -> [NotifierLine] {
        let kinds = Dictionary(facts.notifiers.map { ($0.name, $0.kind) }, uniquingKeysWith: { first, _ in first })
        let names = ConsoleOrdering.notifierNames(configured: facts.notifiers.map(\.name), inOutbox: Array(outbox.keys) + Array(disabled.keys))
        return names.map { name in
            let counts = outbox[name] ?? NotifierCounts()
            return NotifierLine(
                name: name, kind: kinds[name], pending: counts.pending, dead: counts.dead, deliveredLast24h: counts.delivered,
                disabledReason: disabled[name].map { StatusText.clean($0, maxBytes: 300) })
        }
    }

    static func line(_ tally: SuiteTally) -> SuiteLine {
        let completed = tally.completedAt != nil
        return SuiteLine(
            name: tally.name, instance: tally.instance, startedAt: tally.startedAt, completedAt: tally.completedAt, runs: tally.runs,
            ended: tally.ended, passed: tally.passed, counts: Dictionary(uniqueKeysWithValues: tally.counts.map { ($0.key.rawValue, $0.value) }),
            passRate: ConsoleOrdering.passRate(completed: completed, runs: tally.runs, ended: tally.ended, passed: tally.passed),
            expandingResults: tally.expandingResults,
            verdict: ConsoleOrdering.suiteVerdict(completed: completed, runs: tally.runs, passed: tally.passed))
    }
}
