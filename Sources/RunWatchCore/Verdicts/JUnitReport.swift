import Foundation

/// JUnit XML for CI systems (GitLab `artifacts:reports:junit`, GitHub test-report actions,
/// Jenkins): one `<testsuite>` per suite report, one `<testcase>` per run. The layout and
/// what each element means are in docs/junit.md; the document validates against
/// `docs/junit.xsd`.
///
/// Deterministic: suites sorted by name and instance, runs by id, properties in a fixed
/// order, times from the reports and `now` only. The same reports give the same bytes, so
/// stored reports diff cleanly.
package enum JUnitReport {
    /// Characters kept of a `message` attribute (one line).
    package static let messageLimit = 300
    /// Characters kept of an error text in an element body (lines kept).
    package static let bodyLimit = 4000
    /// Characters kept of a property value that came from outside (API, labels).
    package static let propertyLimit = 300

    /// The document for these suites. Runs that have not ended (a wait that timed out)
    /// appear as errors of type `not_ended`.
    package static func render(_ suites: [SuiteReport], now: Date) -> String {
        let ordered = suites.sorted { ($0.name, $0.instance) < ($1.name, $1.instance) }
        let names = TestCaseNames.names(for: ordered.flatMap(\.runs))
        var nameIndex = 0
        var body = ""
        var totals = Tally()
        for suite in ordered {
            let suiteNames = Array(names[nameIndex..<nameIndex + suite.runs.count])
            nameIndex += suite.runs.count
            let tally = Tally(suite.runs)
            totals.add(tally)
            body += testsuite(suite, names: suiteNames, tally: tally, now: now)
        }
        let time = ordered.reduce(0.0) { $0 + $1.duration(now: now).secondsDouble }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"runwatch\"\(tallyAttributes(totals)) time=\"\(seconds(time))\" timestamp=\"\(timestamp(now))\""
        xml += body.isEmpty ? "/>\n" : ">\n\(body)</testsuites>\n"
        return xml
    }

    private static func testsuite(_ suite: SuiteReport, names: [String], tally: Tally, now: Date) -> String {
        let name = attribute(VerdictText.oneLine(suite.name, limit: propertyLimit) ?? "suite \(suite.instance)")
        var xml = "  <testsuite name=\"\(name)\"\(tallyAttributes(tally))"
        xml += " time=\"\(seconds(suite.duration(now: now).secondsDouble))\" timestamp=\"\(timestamp(suite.startedAt))\">\n"
        var properties: [(String, String)] = [
            ("suite.instance", "\(suite.instance)"), ("suite.completed", suite.completedAt == nil ? "false" : "true"),
        ]
        if let completedAt = suite.completedAt { properties.append(("suite.completed_at", timestamp(completedAt))) }
        if let url = suite.dashboardURL { properties.append(("dashboard_url", url)) }
        for (key, value) in suite.labels.sorted(by: { $0.key < $1.key }) { properties.append(("label.\(key)", value)) }
        xml += propertiesElement(properties, indent: "    ")
        for (run, caseName) in zip(suite.runs, names) {
            xml += testcase(run, name: caseName, classname: name)
        }
        xml += "  </testsuite>\n"
        return xml
    }

    private static func testcase(_ run: RunResult, name: String, classname: String) -> String {
        var xml = "    <testcase name=\"\(attribute(name))\" classname=\"\(classname)\" time=\"\(seconds(run.durationSeconds ?? 0))\">\n"
        var properties: [(String, String)] = [("run_id", "\(run.id)")]
        if let resultID = run.resultID { properties.append(("result_id", "\(resultID)")) }
        if let status = run.status { properties.append(("status", status.description)) }
        if let outcome = run.outcome { properties.append(("outcome", outcome.rawValue)) }
        if let duration = run.duration { properties.append(("duration", duration)) }
        if let agent = run.agentName { properties.append(("agent", agent)) }
        if let url = run.dashboardURL { properties.append(("dashboard_url", url)) }
        xml += propertiesElement(properties, indent: "      ")
        let verdict = JUnitVerdict(run)
        switch verdict {
        case .passed: break
        case .failure(let type): xml += problem("failure", type: type, run: run)
        case .error(let type): xml += problem("error", type: type, run: run)
        case .skipped(let type): xml += problem("skipped", type: type, run: run)
        }
        xml += "    </testcase>\n"
        return xml
    }

    /// `<failure>`, `<error>` or `<skipped>`: the message on one line, and a body with the
    /// whole error and the facts a person needs to find the run.
    private static func problem(_ element: String, type: String, run: RunResult) -> String {
        let message = attribute(JUnitVerdict.message(run))
        var lines: [String] = []
        lines.append("outcome: \(run.outcome?.rawValue ?? JUnitVerdict.notEndedType)")
        if let status = run.status { lines.append("status: \(status.description)") }
        lines.append("run: \(run.id)")
        if let resultID = run.resultID { lines.append("result: \(resultID)") }
        if let url = run.dashboardURL { lines.append("dashboard: \(url)") }
        if let error = run.error, !error.isEmpty { lines.append("error: \(UntrustedText.capped(error, to: bodyLimit))") }
        let body = content(lines.joined(separator: "\n"))
        return "      <\(element) type=\"\(attribute(type))\" message=\"\(message)\">\(body)</\(element)>\n"
    }

    private static func propertiesElement(_ properties: [(String, String)], indent: String) -> String {
        var xml = "\(indent)<properties>\n"
        for (name, value) in properties {
            let cleanName = VerdictText.oneLine(name, limit: 100) ?? "property"
            xml +=
                "\(indent)  <property name=\"\(attribute(cleanName))\" value=\"\(attribute(VerdictText.oneLine(value, limit: propertyLimit) ?? ""))\"/>\n"
        }
        return xml + "\(indent)</properties>\n"
    }

    private static func attribute(_ text: String) -> String { XMLText.attribute(text) }
    private static func content(_ text: String) -> String { XMLText.content(text) }

    private static func tallyAttributes(_ tally: Tally) -> String {
        " tests=\"\(tally.tests)\" failures=\"\(tally.failures)\" errors=\"\(tally.errors)\" skipped=\"\(tally.skipped)\""
    }

    /// Seconds with three decimals ("47.000"), the form Ant and Surefire write; negative,
    /// infinite or absurd values read as 0 rather than break a consumer's number parsing.
    package static func seconds(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return "0.000" }
        let millis = Int64((min(value, 1e12) * 1000).rounded())
        let fraction = String(millis % 1000)
        return "\(millis / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// ISO 8601 in UTC without a zone suffix ("2026-12-03T02:00:00"), as Ant writes it
    /// and its schema requires.
    package static func timestamp(_ date: Date) -> String {
        var text = date.formatted(.iso8601)
        if text.hasSuffix("Z") { text.removeLast() }
        return text
    }

    /// Counts as JUnit defines them: every case is a test; failures, errors and skipped
    /// are disjoint.
    struct Tally {
        var tests = 0
        var failures = 0
        var errors = 0
        var skipped = 0

        init() {}

        init(_ runs: [RunResult]) {
            for run in runs {
                tests += 1
                switch JUnitVerdict(run) {
                case .passed: break
                case .failure: failures += 1
                case .error: errors += 1
                case .skipped: skipped += 1
                }
            }
        }

        mutating func add(_ other: Tally) {
            tests += other.tests
            failures += other.failures
            errors += other.errors
            skipped += other.skipped
        }
    }
}
