import Foundation
import RunWatchCore

/// The overview page's view of an `OverviewDocument` (and the charts of the history).
package struct OverviewView: Sendable {
    package struct StatusRow: Sendable, Equatable {
        package var status: String
        package var count: Int
    }

    package struct OutcomeRow: Sendable, Equatable {
        package var outcome: String
        package var outcomeCount: Int
        package var sentence: String
    }

    package struct NotifierRow: Sendable, Equatable {
        package var notifierName: String
        package var kind: String
        package var pending: Int
        package var dead: Int
        package var deliveredLast24h: Int
        package var disabled: String?

        package init(_ line: NotifierLine) {
            notifierName = ConsolePageText.untrusted(line.name, limit: ConsolePageText.nameLimit)
            kind = line.kind.map { ConsolePageText.untrusted($0, limit: 20) } ?? "no longer configured"
            pending = line.pending
            dead = line.dead
            deliveredLast24h = line.deliveredLast24h
            disabled = line.disabledReason.map { ConsolePageText.untrusted($0) }
        }
    }

    package struct OpenSuiteRow: Sendable, Equatable {
        package var openName: String
        package var openHref: String
        package var openInstance: Int64
        package var openRuns: Int
        package var openProgressMax: Int
        package var openEnded: Int
        package var openExpanding: Int
    }

    package struct ResultRow: Sendable, Equatable {
        package var resultID: Int
        package var resultState: String
        package var resultRuns: Int
        package var resultReads: Int
        package var resultError: String?
    }

    package struct Chart: Sendable, Equatable {
        package var chartTitle: String
        package var svg: String
    }

    package struct Budget: Sendable, Equatable {
        package var used: Int
        package var budget: String
        package var usedPercent: String
        /// `<meter>`'s value and maximum (requests in the last minute against the budget).
        package var meterMax: String
    }

    package var frame: PageFrame
    package var apiState: String
    package var apiDetail: String?
    package var statusLine: String?
    package var lastAPIError: String?
    package var lastAPIErrorAt: ConsolePageText.Moment?
    package var sweep: String?
    package var budgetUse: Budget?
    package var unknownStatuses: [String]
    package var watchedTotal: Int
    package var oldestActive: ConsolePageText.Moment?
    package var statuses: [StatusRow]
    package var ended: [OutcomeRow]
    package var endedTotal: Int
    package var notifierRows: [NotifierRow]
    package var outboxPending: Int
    package var outboxDead: Int
    package var outboxDelivered: Int
    package var openSuites: [OpenSuiteRow]
    package var results: [ResultRow]
    package var charts: [Chart]
    /// Read from the store alone (no daemon memory): the API state is the store's note.
    package var storeOnly: Bool
    // Stored, not computed: the template engine reads stored properties (Mirror).
    package var hasUnknownStatuses: Bool
    package var hasResults: Bool
    package var hasCharts: Bool

    package init(_ document: OverviewDocument, charts: [RenderedChart]) {
        let now = document.generatedAt
        let summary = document.summary
        let live = document.live
        frame = PageFrame(title: "overview", section: .overview, refresh: true, generatedAt: now)
        apiState = ConsolePageText.apiState(live)
        // The daemon's own detail when it runs; otherwise the note it last left in the store
        // ("backing off until …"), the only word on the API there is.
        apiDetail = (live == nil ? summary.apiState : live?.apiDetail).map { ConsolePageText.untrusted($0) }
        statusLine = live.map { ConsolePageText.untrusted($0.statusLine, limit: ConsolePageText.textLimit) }
        lastAPIError = summary.lastAPIError.map { ConsolePageText.untrusted($0) }
        lastAPIErrorAt = summary.lastAPIErrorAt.map { ConsolePageText.moment($0, now: now) }
        sweep =
            live?.sweepPeriod.map { ConsolePageText.untrusted($0, limit: 40) }
            ?? document.effectiveSweepPeriodSeconds.map { ConsolePageText.duration(seconds: $0) }
        budgetUse = live.map { live in
            let budget = max(live.budgetRequestsPerMinute, 0)
            return Budget(
                used: live.requestsLastMinute, budget: Self.number(budget),
                usedPercent: Self.share(live.requestsLastMinute, of: budget),
                meterMax: Self.number(max(budget, Double(live.requestsLastMinute), 1)))
        }
        unknownStatuses = (live?.unknownStatuses ?? []).prefix(20).map { ConsolePageText.untrusted($0, limit: 80) }
        watchedTotal = summary.active
        oldestActive = summary.oldestActiveSubmittedAt.map { ConsolePageText.moment($0, now: now) }
        statuses = ConsolePageText.statusOrder(summary.runsByStatus.keys).map {
            StatusRow(status: ConsolePageText.untrusted($0, limit: 80), count: summary.runsByStatus[$0] ?? 0)
        }
        ended = RunOutcome.allCases.compactMap { outcome in
            guard let count = document.endedLast24h[outcome.rawValue], count > 0 else { return nil }
            return OutcomeRow(outcome: outcome.rawValue, outcomeCount: count, sentence: OutcomeWording.sentence(count, outcome))
        }
        endedTotal = document.endedLast24h.values.reduce(0, +)
        notifierRows = document.notifiers.map(NotifierRow.init)
        outboxPending = summary.outboxPending
        outboxDead = summary.outboxDead
        outboxDelivered = summary.delivered
        openSuites = document.openSuites.map {
            OpenSuiteRow(
                openName: ConsolePageText.untrusted($0.name, limit: ConsolePageText.nameLimit),
                openHref: ConsolePageText.suitePath($0.name, instance: $0.instance), openInstance: $0.instance,
                openRuns: $0.runs, openProgressMax: max($0.runs, 1), openEnded: min($0.ended, $0.runs), openExpanding: $0.expandingResults)
        }
        results = document.results.map {
            ResultRow(
                resultID: $0.id, resultState: ConsolePageText.untrusted($0.state, limit: 40), resultRuns: $0.runCount, resultReads: $0.reads,
                resultError: $0.lastError.map { ConsolePageText.untrusted($0) })
        }
        self.charts = charts.map { Chart(chartTitle: $0.title, svg: $0.svg) }
        storeOnly = live == nil
        hasUnknownStatuses = !unknownStatuses.isEmpty
        hasResults = !results.isEmpty
        hasCharts = !self.charts.isEmpty
    }

    /// The budget's share in use: "20%"; "<1%" for a little (not a misleading "0%").
    package static func share(_ used: Int, of budget: Double) -> String {
        guard budget > 0 else { return "—" }
        let rate = Double(used) / budget
        return used > 0 && rate < 0.01 ? "<1%" : ConsolePageText.percent(rate)
    }

    /// "60", "1.5": a budget as people write it.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.1f", value)
    }
}
