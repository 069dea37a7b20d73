import Foundation

/// A suite's verdict in Slack: the headline ("nightly: 47 of 50 passed; 2 failed, 1 timed
/// out"), then every run that did not pass, grouped by outcome, each named (id, scenario,
/// error, dashboard link when known). Never "and K more": failures that do not fit one
/// message continue in further parts ("nightly (2/3)"), each its own outbox row, sent at
/// the notifier's pace. Within Slack's limits: ≤ 50 blocks a message, section text ≤
/// 3,000 characters, `text` ≤ 40,000. A passing suite is the headline alone.
package enum SlackSuiteSummary {
    /// Failure sections in one message: 50 blocks, less the headline and the context.
    static let failureBlocksPerPart = 46
    /// A section's room for lines: its limit less the longest group title.
    static let linesPerSection = SlackMessage.sectionTextLimit - 100
    static let scenarioExcerpt = 80
    static let personalityExcerpt = 40
    static let errorExcerpt = 160
    /// Runs named in one message.
    static let runsPerPart = 300

    /// One section of failure lines, all of one outcome.
    struct Section: Equatable {
        var outcome: RunOutcome
        var lines: [String]
        var runIDs: [RunID]
    }

    package static func parts(_ report: SuiteReport) -> Int {
        report.tally?.parts ?? max(1, pages(report).count)
    }

    /// What the outbox row of part `part` keeps: the whole report when the summary is one
    /// message; otherwise only the runs that part names, with the suite's figures in
    /// `tally`, so a big suite is not stored once per part. Renders the same bytes as the
    /// whole report would.
    package static func storedPart(_ report: SuiteReport, part: Int) -> SuiteReport {
        guard report.tally == nil else { return report }
        let pages = pages(report)
        guard pages.count > 1 else { return report }
        return storedPart(report, pages: pages, index: min(max(part, 1), pages.count))
    }

    /// Every part's `storedPart`, in order, laying the summary out once: asking part by
    /// part lays out every failure once per part (34 parts × 10,000 failures took 15 s,
    /// inside the store transaction that completes the suite; see docs/benchmarks.md).
    package static func storedParts(_ report: SuiteReport) -> [SuiteReport] {
        guard report.tally == nil else { return [report] }
        let pages = pages(report)
        guard pages.count > 1 else { return [report] }
        return (1...pages.count).map { storedPart(report, pages: pages, index: $0) }
    }

    private static func storedPart(_ report: SuiteReport, pages: [[Section]], index: Int) -> SuiteReport {
        let named = Set(pages[index - 1].flatMap(\.runIDs))
        var earlier: [RunOutcome] = []
        for page in pages.prefix(index - 1) {
            for item in page where !earlier.contains(item.outcome) { earlier.append(item.outcome) }
        }
        var stored = report
        stored.tally = SuiteReport.Tally(total: report.total, counts: report.counts, parts: pages.count, earlierGroups: earlier)
        stored.runs = report.runs.filter { named.contains($0.id) }
        return stored
    }

    /// Part `part`'s place: its number, how many there are, its sections, and the groups
    /// that began in an earlier part.
    private static func layout(_ report: SuiteReport, part: Int) -> (index: Int, of: Int, sections: [Section], earlier: Set<RunOutcome>) {
        if let tally = report.tally {
            // A stored part: its runs are exactly the ones it names, and a part's sections
            // depend on its runs alone (a part starts fresh sections).
            let of = max(1, tally.parts)
            return (min(max(part, 1), of), of, pages(report).first ?? [], Set(tally.earlierGroups))
        }
        let pages = pages(report)
        let of = max(1, pages.count)
        let index = min(max(part, 1), of)
        var earlier: Set<RunOutcome> = []
        for page in pages.prefix(index - 1) { for item in page { earlier.insert(item.outcome) } }
        return (index, of, pages.isEmpty ? [] : pages[index - 1], earlier)
    }

    package static func render(_ report: SuiteReport, part: Int) -> JSONValue {
        let (index, total, sections, earlier) = layout(report, part: part)
        let counts = report.counts

        let name = total > 1 ? "\(report.name) (\(index)/\(total))" : report.name
        let title = "\(name): \(SuiteHeadline.verdict(report))"
        let emoji = report.isPassing ? ":white_check_mark:" : ":x:"
        var heading = "\(emoji) *\(SlackMessage.escape(title))*"
        // Every part links to the suite's console page, where all its runs are listed.
        let links = [
            SlackMessage.consoleLink(report.consoleURL, consoleLinkText(report)),
            SlackMessage.linkable(report.dashboardURL).map { "<\($0)|Open in Cekura>" },
        ].compactMap { $0 }
        if !links.isEmpty { heading += "\n" + links.joined(separator: "  |  ") }
        var blocks: [JSONValue] = [section(SlackMessage.truncate(heading, to: SlackMessage.sectionTextLimit))]
        blocks.append(context(report, part: index))

        // The first section of a group in a part carries the group's title ("continued"
        // when the group began in an earlier part).
        var titled: Set<RunOutcome> = []
        for item in sections {
            var text = item.lines.joined(separator: "\n")
            if !titled.contains(item.outcome) {
                titled.insert(item.outcome)
                var groupTitle = SuiteHeadline.groupTitle(item.outcome, count: counts[item.outcome] ?? 0)
                if earlier.contains(item.outcome) { groupTitle += ", continued" }
                text = "*\(groupTitle)*\n" + text
            }
            blocks.append(section(SlackMessage.truncate(text, to: SlackMessage.sectionTextLimit)))
        }
        let ids = sections.flatMap(\.runIDs)
        var fallback = SlackMessage.escape(title)
        if !ids.isEmpty { fallback += " — not passed: " + ids.map { "Run \($0)" }.joined(separator: ", ") }
        return ["text": .string(SlackMessage.truncate(fallback, to: SlackMessage.messageTextLimit)), "blocks": .array(blocks)]
    }

    /// "All 88 failures in runwatch": the console's suite page lists every run, so it is
    /// where a summary in several parts points to see them at once.
    static func consoleLinkText(_ report: SuiteReport) -> String {
        switch report.ended - report.passed {
        case 0: "Open in runwatch"
        case 1: "1 failure in runwatch"
        case let count: "All \(count) failures in runwatch"
        }
    }

    /// The failure sections of each part, in order: groups in `RunOutcome` order, runs by
    /// id, each run in exactly one part. A part holds at most `failureBlocksPerPart`
    /// sections and `runsPerPart` runs (which keeps its `text` fallback, which names them
    /// all, well under its limit).
    static func pages(_ report: SuiteReport) -> [[Section]] {
        var pages: [[Section]] = []
        var page: [Section] = []
        var pageRuns = 0
        var current: Section?
        var length = 0
        func closeSection() {
            if let open = current { page.append(open) }
            current = nil
        }
        func closePage() {
            closeSection()
            if !page.isEmpty { pages.append(page) }
            page = []
            pageRuns = 0
        }
        for run in report.failures {
            let outcome = run.outcome!
            let text = line(run)
            if pageRuns == runsPerPart { closePage() }
            // UTF-16 units: the strictest reading of Slack's "characters" (an emoji is two, and
            // one grapheme can hold thousands of combining marks).
            if let open = current, open.outcome != outcome || length + 1 + text.utf16.count > linesPerSection { closeSection() }
            if current == nil {
                if page.count == failureBlocksPerPart { closePage() }
                current = Section(outcome: outcome, lines: [], runIDs: [])
                length = 0
            }
            current?.lines.append(text)
            current?.runIDs.append(run.id)
            length += (length == 0 ? 0 : 1) + text.utf16.count
            pageRuns += 1
        }
        closePage()
        return pages
    }

    /// "• <link|Run 123> — Refund (Angry caller), 00:47: _SIP 408_": bounded, so a line
    /// always fits a section whatever the API sent.
    static func line(_ run: RunResult) -> String {
        var text = "• " + (SlackMessage.linkable(run.dashboardURL).map { "<\($0)|Run \(run.id)>" } ?? "Run \(run.id)")
        if let scenario = run.scenarioName, !scenario.isEmpty {
            text += " — " + excerpt(scenario, scenarioExcerpt)
            if let personality = run.personalityName, !personality.isEmpty { text += " (\(excerpt(personality, personalityExcerpt)))" }
        }
        if let duration = run.duration, !duration.isEmpty { text += ", " + excerpt(duration, 16) }
        if let error = run.error, !error.isEmpty { text += ": _\(excerpt(error, errorExcerpt))_" }
        return text
    }

    /// One line, escaped, bounded in UTF-16 units (`SlackMessage.excerpt`, as digests do):
    /// the cut never splits an entity, and no newline, control or bidi character from the
    /// API can end the italics, start a fake line or make the text read differently.
    private static func excerpt(_ text: String, _ limit: Int) -> String {
        SlackMessage.excerpt(text, limit: limit)
    }

    private static func context(_ report: SuiteReport, part: Int) -> JSONValue {
        var items: [String] = []
        if let completed = report.completedAt {
            items.append("took \(SuiteDurationText.format(report.duration(now: completed)))")
            items.append("completed \(completed.formatted(.iso8601))")
        }
        if part == 1, !report.labels.isEmpty {
            items.append(
                report.labels.sorted { $0.key < $1.key }.map { "\(SlackMessage.escape($0.key))=\(SlackMessage.escape($0.value))" }
                    .joined(separator: " · "))
        }
        let text = items.isEmpty ? "suite \(SlackMessage.escape(report.name))" : items.joined(separator: "  |  ")
        return [
            "type": "context",
            "elements": [["type": "mrkdwn", "text": .string(SlackMessage.truncate(text, to: SlackMessage.sectionTextLimit))]],
        ]
    }

    private static func section(_ text: String) -> JSONValue {
        ["type": "section", "text": ["type": "mrkdwn", "text": .string(text)]]
    }
}

/// "1h 2m 3s", "47s": how long a suite took, for people.
package enum SuiteDurationText {
    package static func format(_ duration: Duration) -> String {
        let total = Int(duration.secondsDouble.rounded())
        let (hours, minutes, seconds) = (total / 3600, total % 3600 / 60, total % 60)
        var parts: [String] = []
        if hours > 0 { parts.append("\(hours)h") }
        if minutes > 0 { parts.append("\(minutes)m") }
        if seconds > 0 || parts.isEmpty { parts.append("\(seconds)s") }
        return parts.joined(separator: " ")
    }
}
