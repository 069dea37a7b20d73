import Foundation

/// Where a wait stands, counted for its progress line: ended runs by outcome, open runs
/// by their last status, and what has not reached the store yet.
package struct GateProgress: Sendable, Equatable {
    package var total: Int
    package var passed: Int
    /// Ended runs that did not pass, by outcome in `RunOutcome` order.
    package var endedBadly: [(outcome: RunOutcome, count: Int)]
    /// Open runs by last status (`submitted` before the first answer), most first.
    package var openByStatus: [(status: String, count: Int)]
    package var unseen: Int
    package var expanding: Int
    package var suiteMissing: Bool
    /// A suite followed alone, found but not completed by the daemon yet.
    package var suiteIncomplete: Bool

    package init(_ reading: GateReading) {
        let runs = reading.runs
        total = runs.count + reading.unseen.count
        passed = runs.count(where: \.passed)
        var bad: [RunOutcome: Int] = [:]
        var open: [String: Int] = [:]
        for run in runs {
            if let outcome = run.outcome {
                if outcome != .completed { bad[outcome, default: 0] += 1 }
            } else {
                open[run.status.map { UntrustedText.printable($0.rawValue, limit: 32) } ?? "submitted", default: 0] += 1
            }
        }
        endedBadly = RunOutcome.allCases.compactMap { outcome in bad[outcome].map { (outcome, $0) } }
        openByStatus = open.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, $0.value) }
        unseen = reading.unseen.count
        expanding = reading.expanding.count
        suiteMissing = reading.suiteMissing
        suiteIncomplete = reading.suiteIncomplete
    }

    package var ended: Int { passed + endedBadly.reduce(0) { $0 + $1.count } }
    package var open: Int { total - ended }

    /// "12/50 ended (10 passed, 1 unsuccessful, 1 failed) · open: 20 running, 18 pending · 1m23s"
    package func line(elapsed: Duration) -> String {
        var parts = ["\(ended)/\(total) ended"]
        var endedParts = passed > 0 || endedBadly.isEmpty ? ["\(passed) passed"] : []
        endedParts += endedBadly.map { "\($0.count) \($0.outcome.rawValue)" }
        parts[0] += " (" + endedParts.joined(separator: ", ") + ")"
        var openParts = openByStatus.map { "\($0.count) \($0.status)" }
        if unseen > 0 { openParts.append("\(unseen) not ingested yet") }
        if !openParts.isEmpty { parts.append("open: " + openParts.joined(separator: ", ")) }
        if expanding > 0 { parts.append("\(expanding) result(s) expanding") }
        if suiteMissing { parts.append("suite not in the store yet") }
        if suiteIncomplete { parts.append("suite not complete yet") }
        parts.append(Self.clock(elapsed))
        return parts.joined(separator: " · ")
    }

    /// "45s", "3m07s", "1h02m".
    package static func clock(_ elapsed: Duration) -> String {
        let seconds = max(0, Int(elapsed.secondsDouble))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" + String(format: "%02ds", seconds % 60) }
        return "\(seconds / 3600)h" + String(format: "%02dm", seconds % 3600 / 60)
    }

    package static func == (a: GateProgress, b: GateProgress) -> Bool {
        a.total == b.total && a.passed == b.passed && a.endedBadly.map(\.outcome) == b.endedBadly.map(\.outcome)
            && a.endedBadly.map(\.count) == b.endedBadly.map(\.count) && a.openByStatus.map(\.status) == b.openByStatus.map(\.status)
            && a.openByStatus.map(\.count) == b.openByStatus.map(\.count) && a.unseen == b.unseen && a.expanding == b.expanding
            && a.suiteMissing == b.suiteMissing && a.suiteIncomplete == b.suiteIncomplete
    }
}
