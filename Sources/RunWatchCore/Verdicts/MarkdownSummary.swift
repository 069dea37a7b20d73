import Foundation

/// A Markdown summary for a CI job page (`--summary FILE`, `$GITHUB_STEP_SUMMARY`): the
/// verdict per suite as a heading, then a table of its runs, failures first (grouped by
/// outcome), then runs that had not ended, then passed runs; always under `maxBytes`.
///
/// When everything does not fit, rows are kept in that priority across all suites —
/// every suite's failures before any suite's passed runs — and each suite says how many
/// of its rows were left out. Failures are left out only when even they do not fit, and
/// then the note says so with counts. Headings and notes are always there (unless
/// `maxBytes` cannot even hold them: then the verdict lines alone, cut to fit).
package enum MarkdownSummary {
    /// GitHub refuses a step summary over 1 MiB; stay well under it.
    package static let defaultMaxBytes = 1_000_000

    /// Characters kept of each cell that comes from the API.
    package static let nameLimit = 120
    package static let errorLimit = 300

    package static let tableHeader =
        "| Outcome | Run | Scenario | Personality | Duration | Error | Link |\n| --- | ---: | --- | --- | --- | --- | --- |\n"

    package static func render(_ suites: [SuiteReport], now: Date, maxBytes: Int = defaultMaxBytes) -> String {
        guard maxBytes > 0 else { return "" }
        let sections = suites.sorted { ($0.name, $0.instance) < ($1.name, $1.instance) }.map { Section($0, now: now) }
        let everything = sections.map { (failures: $0.failureRows.count, passed: $0.passedRows.count) }
        let full = assemble(sections, kept: everything, maxBytes: maxBytes)
        if full.utf8.count <= maxBytes { return full }

        // The skeleton with every row left out is an upper bound for the headings, table
        // headers and notes (the notes' counts can only get smaller); rows then fill
        // what remains, in priority order, stopping at the first that does not fit.
        let skeleton = assemble(sections, kept: sections.map { _ in (0, 0) }, maxBytes: maxBytes, tableAlways: true)
        var budget = maxBytes - skeleton.utf8.count
        guard budget >= 0 else { return verdictsOnly(sections, maxBytes: maxBytes) }
        var kept = sections.map { _ in (failures: 0, passed: 0) }
        fill: do {
            for (index, section) in sections.enumerated() {
                for row in section.failureRows {
                    guard row.utf8.count <= budget else { break fill }
                    budget -= row.utf8.count
                    kept[index].failures += 1
                }
            }
            for (index, section) in sections.enumerated() {
                for row in section.passedRows {
                    guard row.utf8.count <= budget else { break fill }
                    budget -= row.utf8.count
                    kept[index].passed += 1
                }
            }
        }
        return assemble(sections, kept: kept, maxBytes: maxBytes)
    }

    /// One suite's parts, rendered once.
    struct Section {
        var heading: String
        var details: String
        var failureRows: [String]
        var passedRows: [String]
        var isEmpty: Bool

        init(_ suite: SuiteReport, now: Date) {
            let icon: String
            if !suite.failures.isEmpty || suite.runs.isEmpty {
                // No runs is not green (`SuiteReport.isPassing`).
                icon = "❌"
            } else if suite.ended < suite.runs.count {
                icon = "⏳"
            } else {
                icon = "✅"
            }
            heading = "### \(icon) \(MarkdownText.literal(SuiteVerdictText.line(suite), limit: 400))\n\n"
            var facts = ["started \(JUnitReport.timestamp(suite.startedAt)) UTC"]
            let took = Self.elapsed(suite.duration(now: now).secondsDouble)
            facts.append(suite.completedAt == nil ? "not complete after \(took)" : "completed after \(took)")
            if let url = suite.dashboardURL { facts.append("[dashboard](\(MarkdownText.destination(url)))") }
            details = facts.joined(separator: " · ").prefixCapitalised + "\n\n"
            let notEnded = suite.runs.filter { !$0.ended }
            failureRows = (suite.failures + notEnded).map(Self.row)
            passedRows = suite.runs.filter(\.passed).map(Self.row)
            isEmpty = suite.runs.isEmpty
        }

        /// "41m 3s", "2h 0m 5s", "12s".
        static func elapsed(_ seconds: Double) -> String {
            let total = seconds.isFinite ? Int64(min(max(seconds, 0), 1e12).rounded()) : 0
            let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
            if hours > 0 { return "\(hours)h \(minutes)m \(secs)s" }
            if minutes > 0 { return "\(minutes)m \(secs)s" }
            return "\(secs)s"
        }

        static func row(_ run: RunResult) -> String {
            let outcome = run.outcome.map { "\(icon($0)) \(SuiteVerdictText.phrase($0))" } ?? "⏳ not ended"
            let link = run.dashboardURL.map { "[result \(run.resultID.map(String.init) ?? "")](\(MarkdownText.destination($0)))" } ?? ""
            let cells = [
                outcome, "\(run.id)", MarkdownText.literal(run.scenarioName, limit: nameLimit),
                MarkdownText.literal(run.personalityName, limit: nameLimit), MarkdownText.literal(run.duration, limit: 20),
                MarkdownText.literal(run.error, limit: errorLimit), link,
            ]
            return "| " + cells.joined(separator: " | ") + " |\n"
        }

        static func icon(_ outcome: RunOutcome) -> String {
            switch outcome {
            case .completed: "✅"
            case .unsuccessful: "⚠️"
            case .failed: "❌"
            case .timeout: "⌛"
            case .cancelled: "🚫"
            case .notFound: "❔"
            case .expired: "⏰"
            case .rejected: "⛔"
            }
        }
    }

    private static func assemble(
        _ sections: [Section], kept: [(failures: Int, passed: Int)], maxBytes: Int, tableAlways: Bool = false
    ) -> String {
        var out = "## Cekura runs\n\n"
        if sections.isEmpty { out += "No suites.\n" }
        for (section, kept) in zip(sections, kept) {
            out += section.heading + section.details
            if section.isEmpty {
                out += "No runs.\n\n"
                continue
            }
            if tableAlways || kept.failures + kept.passed > 0 {
                out += tableHeader
                out += section.failureRows.prefix(kept.failures).joined()
                out += section.passedRows.prefix(kept.passed).joined()
                out += "\n"
            }
            let leftFailures = section.failureRows.count - kept.failures
            let leftPassed = section.passedRows.count - kept.passed
            // The skeleton reserves room for the longest note a section can have.
            if tableAlways {
                out += note(
                    failures: (section.failureRows.count, section.failureRows.count), passed: (section.passedRows.count, section.passedRows.count),
                    maxBytes: maxBytes)
            } else if leftFailures > 0 || leftPassed > 0 {
                out += note(failures: (leftFailures, section.failureRows.count), passed: (leftPassed, section.passedRows.count), maxBytes: maxBytes)
            }
        }
        return out
    }

    /// "_Not listed, to keep this summary under 1000000 bytes: 30 of 47 passed runs._",
    /// and when failures had to go too, "…: 2 of 3 runs that did not pass (see the JUnit
    /// report or the dashboard), 47 of 47 passed runs._"
    static func note(failures: (left: Int, of: Int), passed: (left: Int, of: Int), maxBytes: Int) -> String {
        var parts: [String] = []
        if failures.left > 0 { parts.append("\(failures.left) of \(failures.of) runs that did not pass (the JUnit report lists every run)") }
        if passed.left > 0 { parts.append("\(passed.left) of \(passed.of) passed runs") }
        return "_Not listed, to keep this summary under \(maxBytes) bytes: \(parts.joined(separator: ", "))._\n\n"
    }

    /// When not even the headings fit: the verdict lines, cut at a character boundary.
    private static func verdictsOnly(_ sections: [Section], maxBytes: Int) -> String {
        let text = "## Cekura runs\n\n" + sections.map(\.heading).joined()
        let withNote = text + "_No tables: this summary is capped at \(maxBytes) bytes._\n"
        if withNote.utf8.count <= maxBytes { return withNote }
        guard text.utf8.count > maxBytes else { return text }
        let ellipsis = "…\n"
        var out = ""
        var bytes = 0
        for character in text {
            let size = String(character).utf8.count
            if bytes + size + ellipsis.utf8.count > maxBytes { break }
            out.append(character)
            bytes += size
        }
        return bytes + ellipsis.utf8.count <= maxBytes ? out + ellipsis : out
    }
}

extension String {
    fileprivate var prefixCapitalised: String { prefix(1).uppercased() + dropFirst() }
}
