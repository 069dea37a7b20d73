/// Suite verdicts in Slack: people want to hear of failures, in as many messages as it
/// takes to name every failing run.
extension SlackSink {
    package var suiteDefault: SuiteMode { .failures }

    package func suiteParts(_ report: SuiteReport) -> Int { SlackSuiteSummary.parts(report) }

    package func storedSuitePart(_ report: SuiteReport, part: Int) -> SuiteReport { SlackSuiteSummary.storedPart(report, part: part) }

    package func storedSuiteParts(_ report: SuiteReport) -> [SuiteReport] { SlackSuiteSummary.storedParts(report) }

    package func render(_ report: SuiteReport, part: Int) -> RenderedMessage {
        Self.withPlainText(SlackSuiteSummary.render(report, part: part))
    }
}
