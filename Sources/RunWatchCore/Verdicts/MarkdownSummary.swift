import Foundation

/// A Markdown summary for a CI job page (`--summary FILE`, `$GITHUB_STEP_SUMMARY`):
/// the verdict per suite and a table of runs, failures first, under `maxBytes`.
package enum MarkdownSummary {
    /// GitHub refuses a step summary over 1 MiB; stay well under it.
    package static let defaultMaxBytes = 1_000_000

    package static func render(_ suites: [SuiteReport], now: Date, maxBytes: Int = defaultMaxBytes) -> String {
        // Placeholder until the renderer lands (issue 12, junit part).
        suites.map { "## \($0.name)\n" }.joined()
    }
}
