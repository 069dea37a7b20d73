import Foundation

/// The final words of `runwatch wait`: a few lines for people (the verdict, then every run
/// that did not pass, then what was still open), or one JSON document (`--json`).
package struct GateReport: Sendable, Equatable, Codable {
    package var exitCode: Int32
    /// `passed`, `regression`, `infrastructure`, `timed out`, `interrupted`.
    package var verdict: String
    package var headline: String
    package var timedOut: Bool
    package var elapsedSeconds: Double
    /// Ended runs by outcome (`completed` = passed).
    package var counts: [String: Int]
    /// Runs not ended, ids not in the store yet, results still expanding.
    package var open: Int
    package var unseenRunIDs: [RunID]
    package var expandingResultIDs: [ResultID]
    package var emptyResultIDs: [ResultID]
    package var suites: [SuiteReport]

    package init(exitCode: Int32, verdict: String, headline: String, timedOut: Bool, elapsed: Duration, reading: GateReading) {
        self.exitCode = exitCode
        self.verdict = verdict
        self.headline = headline
        self.timedOut = timedOut
        self.elapsedSeconds = (elapsed.secondsDouble * 1000).rounded() / 1000
        let runs = reading.runs
        counts = runs.reduce(into: [:]) { counts, run in if let outcome = run.outcome { counts[outcome.rawValue, default: 0] += 1 } }
        open = runs.count { !$0.ended } + reading.unseen.count
        unseenRunIDs = reading.unseen
        expandingResultIDs = reading.expanding
        emptyResultIDs = reading.emptyResults
        suites = reading.groups
    }

    /// Lines for a terminal or a CI log: every run that did not pass (one line each,
    /// untrusted text escaped and bounded), then the open ones.
    package func lines(maxOpenListed: Int = 50) -> [String] {
        var lines = ["runwatch wait: \(headline) (\(GateProgress.clock(.secondsDouble(elapsedSeconds))))"]
        var seen: Set<RunID> = []
        let runs = suites.flatMap(\.runs).filter { seen.insert($0.id).inserted }.sorted { $0.id < $1.id }
        let order = Dictionary(uniqueKeysWithValues: RunOutcome.allCases.enumerated().map { ($1, $0) })
        let failures = runs.filter { $0.ended && !$0.passed }.sorted { (order[$0.outcome!] ?? 0, $0.id) < (order[$1.outcome!] ?? 0, $1.id) }
        for run in failures { lines.append("  " + Self.describe(run)) }
        let open = runs.filter { !$0.ended }
        if !open.isEmpty || !unseenRunIDs.isEmpty {
            let ids =
                open.map { "\($0.id) (\(UntrustedText.printable($0.status?.rawValue ?? "submitted", limit: 32)))" }
                + unseenRunIDs.map { "\($0) (not ingested)" }
            let shown = ids.prefix(maxOpenListed).joined(separator: ", ")
            lines.append("  still open: " + shown + (ids.count > maxOpenListed ? " and \(ids.count - maxOpenListed) more (see --json)" : ""))
        }
        if !expandingResultIDs.isEmpty {
            lines.append("  results still expanding: " + expandingResultIDs.map(String.init).joined(separator: ", "))
        }
        lines.append("exit \(exitCode) (\(verdict))")
        return lines
    }

    /// "run 123 unsuccessful: Greeting / Angry caller: error text <link>"
    package static func describe(_ run: RunResult) -> String {
        var text = "run \(run.id) \(run.outcome?.rawValue ?? "open")"
        let names = [run.scenarioName, run.personalityName].compactMap { $0 }.map { UntrustedText.printable($0, limit: 100) }
        if !names.isEmpty { text += ": " + names.joined(separator: " / ") }
        if let error = run.error, !error.isEmpty { text += " — " + UntrustedText.printable(error, limit: 200) }
        if let url = run.dashboardURL { text += " " + url }
        return text
    }

    package func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
