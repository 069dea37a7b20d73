import Foundation
import Mustache
import RunWatchCore

/// `/suites/{name}[/{instance}]`: the page a Slack summary links to. Every run with its
/// outcome, scenario, duration, error and dashboard link.
package struct SuiteView: Sendable {
    package struct RunRow: Sendable, Equatable {
        package var runID: RunID
        package var runHref: String
        /// `data-outcome`: the `RunOutcome` raw value, or `running`.
        package var outcomeKey: String
        package var outcomeText: String
        package var failedRun: Bool
        package var scenario: String?
        package var personality: String?
        package var runDuration: String?
        package var runError: String?
        /// Only an http(s) link (`ConsolePageText.webLink`).
        package var dashboard: String?

        package init(_ run: RunResult) {
            runID = run.id
            runHref = ConsolePageText.runPath(run.id)
            outcomeKey = run.outcome?.rawValue ?? "running"
            outcomeText = ConsolePageText.outcome(run.outcome)
            failedRun = run.outcome?.isFailure ?? false
            scenario = run.scenarioName.map { ConsolePageText.untrusted($0, limit: ConsolePageText.nameLimit) }
            personality = run.personalityName.map { ConsolePageText.untrusted($0, limit: ConsolePageText.nameLimit) }
            runDuration = ConsolePageText.duration(of: run)
            // `error` is the API's error message, else its ended reason: for a run that
            // passed, that reason ("agent-ended-call") is how the call ended, not an error.
            runError = run.passed ? nil : run.error.map { ConsolePageText.untrusted($0) }
            dashboard = ConsolePageText.webLink(run.dashboardURL)
        }
    }

    package struct Label: Sendable, Equatable {
        package var labelKey: String
        package var labelValue: String
    }

    package var frame: PageFrame
    package var headName: String
    package var headInstance: Int64
    package var headVerdict: String
    package var headVerdictClass: String
    package var headStarted: ConsolePageText.Moment
    package var headCompleted: ConsolePageText.Moment?
    package var suiteRuns: Int
    package var suitePassed: Int
    package var suiteEnded: Int
    package var suiteProgressMax: Int
    package var suitePassRate: String
    package var suiteFailures: String
    package var suiteDashboard: String?
    package var labels: [Label]
    package var hasLabels: Bool
    package var expandingResults: [Int]
    package var hasExpanding: Bool
    package var runRows: [RunRow]
    /// "N more runs …" when the page holds only a window of them (at most 1,000).
    package var moreRuns: String?
    package var moreRunsHref: String?
    package var otherInstances: [SuiteRow]
    package var hasOtherInstances: Bool

    package init(_ document: SuiteDocument) {
        let now = document.generatedAt
        let line = document.suite
        let running = line.completedAt == nil || !document.expandingResults.isEmpty
        let name = ConsolePageText.untrusted(line.name, limit: ConsolePageText.nameLimit)
        frame = PageFrame(title: "suite \(name) #\(line.instance)", section: .suites, refresh: running, generatedAt: now)
        headName = name
        headInstance = line.instance
        headVerdict = ConsolePageText.untrusted(line.verdict, limit: 20)
        headVerdictClass = ConsolePageText.cssToken(line.verdict)
        headStarted = ConsolePageText.moment(line.startedAt, now: now)
        headCompleted = line.completedAt.map { ConsolePageText.moment($0, now: now) }
        suiteRuns = line.runs
        suitePassed = line.passed
        suiteEnded = min(max(line.ended, 0), max(line.runs, 0))
        suiteProgressMax = max(line.runs, 1)
        suitePassRate = ConsolePageText.percent(line.passRate)
        suiteFailures = SuiteRow.failures(line.counts)
        suiteDashboard = ConsolePageText.webLink(document.dashboardURL)
        labels = Self.labels(document.labels)
        hasLabels = !labels.isEmpty
        expandingResults = document.expandingResults
        hasExpanding = !expandingResults.isEmpty
        runRows = document.runs.map(RunRow.init)
        (moreRuns, moreRunsHref) = Self.moreRuns(document)
        otherInstances = document.otherInstances.map { SuiteRow($0, now: now) }
        hasOtherInstances = !otherInstances.isEmpty
    }

    /// What the window leaves out, and a link to the next window (or back to the first).
    static func moreRuns(_ document: SuiteDocument) -> (String?, String?) {
        guard document.runsOmitted > 0 else { return (nil, nil) }
        let path = ConsolePageText.suitePath(document.suite.name, instance: document.suite.instance)
        let end = document.runsOffset + document.runs.count
        let shown =
            document.runs.isEmpty
            ? "none shown here" : "runs \(document.runsOffset + 1)–\(end) of \(document.suite.runs) shown, failures first"
        let next = end < document.suite.runs && !document.runs.isEmpty ? path + "?offset=\(end)" : path
        return ("\(document.runsOmitted) more runs (\(shown)) — see", next)
    }

    /// Labels by key, each bounded (a label may hold 512 bytes of anything).
    static func labels(_ labels: [String: String]) -> [Label] {
        labels.sorted { $0.key < $1.key }.prefix(50).map {
            Label(labelKey: ConsolePageText.untrusted($0.key, limit: 80), labelValue: ConsolePageText.untrusted($0.value, limit: 300))
        }
    }
}

/// A suite may hold thousands of runs: its rows answer the engine's lookups directly
/// instead of through `Mirror` (the engine's default, about ten times slower per field).
/// A nil field is nil here too, so the engine looks further out just as it would.
extension SuiteView.RunRow: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "runID": runID
        case "runHref": runHref
        case "outcomeKey": outcomeKey
        case "outcomeText": outcomeText
        case "failedRun": failedRun
        case "scenario": scenario
        case "personality": personality
        case "runDuration": runDuration
        case "runError": runError
        case "dashboard": dashboard
        default: nil
        }
    }
}
