import Foundation
import RunWatchCore

// The console's data, one document per page. `/api/v1/…` serves them as JSON
// (docs/api.md) and each page renders the same document, so the HTML and the JSON never
// disagree; `runwatch status --json` prints the overview document built by the same code
// from the store alone (`live` is nil there). Keys are camelCase, as `status --json` has
// always printed them. Every string that came from a producer or the API is shown only
// through the template engine's escaping (pages) or JSONEncoder (API).

/// `GET /api/v1/overview`; `runwatch status --json`.
package struct OverviewDocument: Sendable, Equatable, Codable {
    package var generatedAt: Date
    /// Runs by status, outbox totals, the API state the daemon last wrote to the store.
    package var summary: StoreSummary
    /// The sweep period the budget allows for what is active now.
    package var effectiveSweepPeriodSeconds: Double?
    /// Cekura results not (yet) expanded for good.
    package var results: [ResultOverview]
    /// The 200 oldest open suite instances.
    package var openSuites: [OpenSuiteLine]
    /// Open instances beyond those 200.
    package var openSuitesOmitted: Int
    /// Runs that ended in the last 24 hours, by outcome (`RunOutcome` raw values).
    package var endedLast24h: [String: Int]
    /// Every configured notifier (and any the outbox still names), with its queue.
    package var notifiers: [NotifierLine]
    /// What only the running daemon knows (its memory): nil when read from the store alone.
    package var live: LiveLine?

    package init(
        generatedAt: Date, summary: StoreSummary, effectiveSweepPeriodSeconds: Double? = nil, results: [ResultOverview] = [],
        openSuites: [OpenSuiteLine] = [], openSuitesOmitted: Int = 0, endedLast24h: [String: Int] = [:], notifiers: [NotifierLine] = [],
        live: LiveLine? = nil
    ) {
        self.generatedAt = generatedAt
        self.summary = summary
        self.effectiveSweepPeriodSeconds = effectiveSweepPeriodSeconds
        self.results = results
        self.openSuites = openSuites
        self.openSuitesOmitted = openSuitesOmitted
        self.endedLast24h = endedLast24h
        self.notifiers = notifiers
        self.live = live
    }
}

/// An open suite instance, briefly (as `runwatch status` lists them).
package struct OpenSuiteLine: Sendable, Equatable, Codable {
    package var name: String
    package var instance: Int64
    package var runs: Int
    package var ended: Int
    package var expandingResults: Int

    package init(name: String, instance: Int64, runs: Int, ended: Int, expandingResults: Int) {
        self.name = name
        self.instance = instance
        self.runs = runs
        self.ended = ended
        self.expandingResults = expandingResults
    }
}

/// One notifier's queue.
package struct NotifierLine: Sendable, Equatable, Codable {
    package var name: String
    /// `slack` or `webhook`; nil for a name only old outbox rows still carry.
    package var kind: String?
    package var pending: Int
    package var dead: Int
    package var deliveredLast24h: Int
    /// Why the daemon stopped it until reload (its endpoint is gone); nil when enabled.
    package var disabledReason: String?

    package init(name: String, kind: String?, pending: Int, dead: Int, deliveredLast24h: Int, disabledReason: String? = nil) {
        self.name = name
        self.kind = kind
        self.pending = pending
        self.dead = dead
        self.deliveredLast24h = deliveredLast24h
        self.disabledReason = disabledReason
    }
}

/// The daemon's live state: what `STATUS=` says, broken into fields.
package struct LiveLine: Sendable, Equatable, Codable {
    /// The exact `STATUS=` line.
    package var statusLine: String
    /// `ok`, `backing_off`, `rate_limited`, `key_rejected` or `not_contacted`.
    package var api: String
    /// Until when and why, while backing off or rate limited.
    package var apiDetail: String?
    package var sweepPeriod: String?
    /// The API key's budget (`api.max_requests_per_second` × 60).
    package var budgetRequestsPerMinute: Double
    /// Requests sent in the last whole minute.
    package var requestsLastMinute: Int
    package var unknownStatuses: [String]

    package init(
        statusLine: String, api: String, apiDetail: String? = nil, sweepPeriod: String? = nil, budgetRequestsPerMinute: Double,
        requestsLastMinute: Int, unknownStatuses: [String] = []
    ) {
        self.statusLine = statusLine
        self.api = api
        self.apiDetail = apiDetail
        self.sweepPeriod = sweepPeriod
        self.budgetRequestsPerMinute = budgetRequestsPerMinute
        self.requestsLastMinute = requestsLastMinute
        self.unknownStatuses = unknownStatuses
    }
}

/// `GET /api/v1/suites`: open instances first (oldest first, at most 200), then the 50
/// most recently completed ones.
package struct SuiteListDocument: Sendable, Equatable, Codable {
    package var generatedAt: Date
    package var suites: [SuiteLine]
    /// Open instances beyond the 200 listed.
    package var openOmitted: Int

    package init(generatedAt: Date, suites: [SuiteLine], openOmitted: Int = 0) {
        self.generatedAt = generatedAt
        self.suites = suites
        self.openOmitted = openOmitted
    }
}

/// One suite instance, counted.
package struct SuiteLine: Sendable, Equatable, Codable {
    package var name: String
    package var instance: Int64
    package var startedAt: Date
    package var completedAt: Date?
    package var runs: Int
    package var ended: Int
    package var passed: Int
    /// Ended runs by outcome (`RunOutcome` raw values).
    package var counts: [String: Int]
    /// passed / runs; nil while nothing has ended. An empty suite is 0, not green.
    package var passRate: Double?
    package var expandingResults: Int
    /// `running`, `passed`, `failed` or `empty` (completed with no runs: not green).
    package var verdict: String

    package init(
        name: String, instance: Int64, startedAt: Date, completedAt: Date?, runs: Int, ended: Int, passed: Int, counts: [String: Int],
        passRate: Double?, expandingResults: Int, verdict: String
    ) {
        self.name = name
        self.instance = instance
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.runs = runs
        self.ended = ended
        self.passed = passed
        self.counts = counts
        self.passRate = passRate
        self.expandingResults = expandingResults
        self.verdict = verdict
    }
}

/// `GET /api/v1/suites/{name}[/{instance}]`: the page a Slack summary links to.
package struct SuiteDocument: Sendable, Equatable, Codable {
    package var generatedAt: Date
    package var suite: SuiteLine
    /// The instance's runs ordered failures first (then by id), from `runsOffset`, at
    /// most 1,000 (`?offset=N&limit=M` pages; `suite.runs` is the exact total).
    package var runs: [RunResult]
    /// Where `runs` starts in that order (0 unless the request named an offset).
    package var runsOffset: Int
    /// Runs of the instance not in `runs` (before `runsOffset` or after the window).
    package var runsOmitted: Int
    package var labels: [String: String]
    package var dashboardURL: String?
    /// Results of the instance still expanding: more runs may join.
    package var expandingResults: [ResultID]
    /// Other instances of the same name, newest first (at most 20).
    package var otherInstances: [SuiteLine]

    package init(
        generatedAt: Date, suite: SuiteLine, runs: [RunResult], runsOffset: Int = 0, runsOmitted: Int = 0, labels: [String: String] = [:],
        dashboardURL: String? = nil, expandingResults: [ResultID] = [], otherInstances: [SuiteLine] = []
    ) {
        self.generatedAt = generatedAt
        self.suite = suite
        self.runs = runs
        self.runsOffset = runsOffset
        self.runsOmitted = runsOmitted
        self.labels = labels
        self.dashboardURL = dashboardURL
        self.expandingResults = expandingResults
        self.otherInstances = otherInstances
    }
}

/// `GET /api/v1/runs/{id}`.
package struct RunDocument: Sendable, Equatable, Codable {
    package var generatedAt: Date
    package var run: RunResult
    package var labels: [String: String]
    package var transitions: [TransitionLine]
    /// What the API said when the run ended badly (nil for a run that passed or has not ended).
    package var snapshot: SnapshotLine?
    /// Every message about the run, per notifier, with every attempt and its answer.
    package var deliveries: [DeliveryLine]
    /// The suite instances the run is in.
    package var suites: [SuiteRef]

    package init(
        generatedAt: Date, run: RunResult, labels: [String: String] = [:], transitions: [TransitionLine] = [], snapshot: SnapshotLine? = nil,
        deliveries: [DeliveryLine] = [], suites: [SuiteRef] = []
    ) {
        self.generatedAt = generatedAt
        self.run = run
        self.labels = labels
        self.transitions = transitions
        self.snapshot = snapshot
        self.deliveries = deliveries
        self.suites = suites
    }
}

package struct TransitionLine: Sendable, Equatable, Codable {
    package var from: String?
    package var to: String
    package var at: Date

    package init(from: String?, to: String, at: Date) {
        self.from = from
        self.to = to
        self.at = at
    }
}

/// The stored snapshot's fields people read (never the raw API body).
package struct SnapshotLine: Sendable, Equatable, Codable {
    package var status: String
    package var success: Bool?
    package var scenario: String?
    package var agent: String?
    package var personality: String?
    package var errorMessage: String?
    package var endedReason: String?
    package var duration: String?
    package var resultID: ResultID?
    /// Only an https recording link (`RunSnapshot.linkableRecordingURL`).
    package var recordingURL: String?
    package var anomalies: [String]

    package init(_ snapshot: RunSnapshot) {
        status = snapshot.status.rawValue
        success = snapshot.success
        scenario = snapshot.scenarioName
        agent = snapshot.agentName
        personality = snapshot.personalityName
        errorMessage = snapshot.errorMessage
        endedReason = snapshot.endedReason
        duration = snapshot.duration
        resultID = snapshot.resultID
        recordingURL = snapshot.linkableRecordingURL
        anomalies = snapshot.anomalies
    }
}

package struct SuiteRef: Sendable, Equatable, Codable {
    package var name: String
    package var instance: Int64

    package init(name: String, instance: Int64) {
        self.name = name
        self.instance = instance
    }
}

/// One outbox message and its attempts. Never its payload, URL or signature: those hold
/// the receiver's secret or what only the receiver should see.
package struct DeliveryLine: Sendable, Equatable, Codable {
    package var id: Int64
    package var notifier: String
    /// 0 for a message about a suite.
    package var runID: RunID
    package var suite: SuiteRef?
    package var event: String
    /// `pending`, `delivered` or `dead`.
    package var state: String
    package var attempts: Int
    package var createdAt: Date
    package var nextAttemptAt: Date?
    package var finishedAt: Date?
    /// The last answer in words (status code, or what went wrong), bounded and cleaned.
    package var lastError: String?
    /// Every attempt, oldest first (rows from before the console kept attempts have none).
    package var attemptLog: [AttemptLine]

    package init(
        id: Int64, notifier: String, runID: RunID, suite: SuiteRef? = nil, event: String, state: String, attempts: Int, createdAt: Date,
        nextAttemptAt: Date? = nil, finishedAt: Date? = nil, lastError: String? = nil, attemptLog: [AttemptLine] = []
    ) {
        self.id = id
        self.notifier = notifier
        self.runID = runID
        self.suite = suite
        self.event = event
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.finishedAt = finishedAt
        self.lastError = lastError
        self.attemptLog = attemptLog
    }
}

package struct AttemptLine: Sendable, Equatable, Codable {
    /// 1 for the first attempt.
    package var attempt: Int
    package var at: Date
    /// `delivered`, `retry` (will be tried again), or `dead`.
    package var outcome: String
    /// The receiver's answer in words ("HTTP 503", "timed out after 10s"); nil for a 2xx.
    package var answer: String?

    package init(attempt: Int, at: Date, outcome: String, answer: String?) {
        self.attempt = attempt
        self.at = at
        self.outcome = outcome
        self.answer = answer
    }
}

/// `GET /api/v1/deliveries`: what is owed, per notifier, and why.
package struct DeliveriesDocument: Sendable, Equatable, Codable {
    package var generatedAt: Date
    package var notifiers: [NotifierLine]
    /// Pending messages, soonest next attempt first (at most 200).
    package var pending: [DeliveryLine]
    /// Dead letters, newest first (at most 200). `runwatch outbox retry` sends them again.
    package var dead: [DeliveryLine]

    package init(generatedAt: Date, notifiers: [NotifierLine], pending: [DeliveryLine], dead: [DeliveryLine]) {
        self.generatedAt = generatedAt
        self.notifiers = notifiers
        self.pending = pending
        self.dead = dead
    }
}

/// `GET /api/v1/history`: the charts' data, a minute per entry, oldest first.
package struct HistoryDocument: Sendable, Equatable, Codable {
    package var generatedAt: Date
    package var budgetRequestsPerMinute: Double
    package var minutes: [ActivityHistory.Minute]

    package init(generatedAt: Date, budgetRequestsPerMinute: Double, minutes: [ActivityHistory.Minute]) {
        self.generatedAt = generatedAt
        self.budgetRequestsPerMinute = budgetRequestsPerMinute
        self.minutes = minutes
    }
}
