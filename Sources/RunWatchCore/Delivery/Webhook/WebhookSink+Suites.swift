/// Suite verdicts for machines: every verdict, one body with every failing run.
extension WebhookSink {
    package var suiteDefault: SuiteMode { .always }

    package func suiteParts(_ report: SuiteReport) -> Int { 1 }

    package func storedSuitePart(_ report: SuiteReport, part: Int) -> SuiteReport { report }

    package func storedSuiteParts(_ report: SuiteReport) -> [SuiteReport] { [report] }

    package func render(_ report: SuiteReport, part: Int) -> RenderedMessage {
        RenderedMessage(body: SuiteCompletedPayload.render(report).encoded())
    }
}
