import Foundation
import RunWatchCore

/// What `runwatch wait --junit/--summary` renders at the end of a CI job: the JUnit XML
/// and the Markdown summary of one suite, with Cekura's mix of outcomes (about 20% fail).
struct VerdictRenderBenchmark {
    let runCounts: [Int]
    var rounds = 5

    struct Row {
        var runs: Int
        var junitMS: Double
        var junitBytes: Int
        var markdownMS: Double
        var markdownBytes: Int
    }

    func run() -> [Row] {
        let now = Date(timeIntervalSince1970: 1_790_004_000)
        return runCounts.map { runs in
            let report = SuiteFixture.report(runs: runs, failures: runs / 5)
            var junit = 0
            var markdown = 0
            let junitMS = SuiteMessageBenchmark.median(rounds) { junit = JUnitReport.render([report], now: now).utf8.count }
            let markdownMS = SuiteMessageBenchmark.median(rounds) { markdown = MarkdownSummary.render([report], now: now).utf8.count }
            return Row(runs: runs, junitMS: junitMS, junitBytes: junit, markdownMS: markdownMS, markdownBytes: markdown)
        }
    }

    static func print(_ rows: [Row]) {
        Swift.print("\nJUnit XML and Markdown summary of one suite, 20% failing (CPU ms, median of 5; Markdown capped at 1 MB)\n")
        Swift.print(
            [lpad("runs", 8), lpad("JUnit ms", 9), lpad("JUnit KB", 9), lpad("Markdown ms", 12), lpad("Markdown KB", 12)].joined(separator: " "))
        for row in rows {
            Swift.print(
                [
                    lpad("\(row.runs)", 8), lpad(String(format: "%.1f", row.junitMS), 9), lpad(kilobytes(row.junitBytes), 9),
                    lpad(String(format: "%.1f", row.markdownMS), 12), lpad(kilobytes(row.markdownBytes), 12),
                ].joined(separator: " "))
        }
    }
}
