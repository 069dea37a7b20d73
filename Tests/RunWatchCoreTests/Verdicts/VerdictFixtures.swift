import Foundation
import RunWatchCore

/// Runs and suites for the verdict renderers' tests: every outcome, runs not ended,
/// repeated and missing names, and hostile text from the API.
enum VerdictFixtures {
    static let start = Date(timeIntervalSince1970: 1_796_176_800)  // 2026-12-02T02:00:00Z
    static let now = start.addingTimeInterval(3723)
    static let links = DashboardLinks(base: "https://dashboard.cekura.ai/acme")

    /// A run as the store would give it: `outcome` nil means not ended (still running).
    static func run(
        _ id: RunID, _ outcome: RunOutcome?, scenario: String? = "Reschedule appointment", personality: String? = "Direct Communicator",
        error: String? = nil, duration: String? = "00:47", resultID: ResultID? = 8123
    ) -> RunResult {
        let status: RunStatus
        var success: Bool?
        switch outcome {
        case nil: status = .running
        case .completed?: (status, success) = (.completed, true)
        case .unsuccessful?: (status, success) = (.completed, false)
        case .failed?: status = .failed
        case .timeout?: status = .timeout
        case .cancelled?: status = .cancelled
        case .notFound?: status = .notFound
        case .expired?: status = .expired
        case .rejected?: status = .rejected
        }
        return RunResult(
            id: id, status: status, success: success, outcome: outcome, scenarioName: scenario, personalityName: personality,
            agentName: "Front desk", error: error, duration: outcome == nil ? nil : duration, resultID: resultID,
            dashboardURL: links.result(resultID), submittedAt: start, endedAt: outcome == nil ? nil : start.addingTimeInterval(60))
    }

    static func suite(_ name: String, instance: Int64 = 1, completed: Bool = true, _ runs: [RunResult]) -> SuiteReport {
        SuiteReport(
            name: name, instance: instance, startedAt: start, completedAt: completed ? start.addingTimeInterval(2463) : nil, runs: runs,
            labels: ["suite": name, "team": "voice"], dashboardURL: links.result(8123))
    }

    /// One run of every kind, names distinct: 50 runs, 47 passed, 2 failed, 1 timed out.
    static var nightly: SuiteReport {
        let passed = (1...47).map { run($0, .completed, scenario: "Scenario \($0)") }
        return suite(
            "nightly",
            passed + [
                run(48, .failed, scenario: "Cancel order", error: "agent did not pick up"),
                run(49, .failed, scenario: "Refund", error: "SIP 503"),
                run(50, .timeout, scenario: "Long call", duration: "10:00"),
            ])
    }

    /// Every outcome once, a run not ended, a repeated name and a run without names.
    static var mixed: SuiteReport {
        suite(
            "ci-4711", completed: false,
            [
                run(101, .completed, scenario: "Book a table"),
                run(102, .unsuccessful, scenario: "Book a table", error: "expected outcome not met: no booking made"),
                run(103, .failed, scenario: "Cancel order", error: "Call could not be connected"),
                run(104, .timeout, scenario: "Long call"),
                run(105, .cancelled, scenario: "Refund"),
                run(106, .notFound, scenario: nil, personality: nil, resultID: nil),
                run(107, .expired, scenario: "Transfer", personality: nil),
                run(108, .rejected, scenario: nil, personality: "Impatient caller"),
                run(109, nil, scenario: "Still going"),
            ])
    }

    /// Text no CI page should choke on: markup, quotes, XML-forbidden controls, bidi
    /// overrides, line breaks, a megabyte.
    static let hostileTexts: [String] = [
        "<script>alert(1)</script> & \"quotes\" 'apos'",
        "nul\u{0}esc\u{1B}[31mred\u{7}bell\u{FFFE}\u{FFFF}",
        "line one\nline two\r\n| not | a | row |",
        "bidi \u{202E}evil\u{202C} text \u{2028} sep",
        "]]> <![CDATA[ x ]]> &amp; &#0; &#x1F;",
        "`code` **bold** _it_ [link](https://evil.example) ![img](x) ~~s~~ $x$ <img src=x onerror=alert(1)> \\",
        "<details><summary>open</summary>",
        String(repeating: "long é ✓ ", count: 120_000),
        // Invalid UTF-8 (an encoded surrogate, a stray byte), decoded as Swift does.
        String(decoding: [0x61, 0xED, 0xA0, 0x80, 0xFF, 0x62] as [UInt8], as: UTF8.self),
        // One character of ten thousand scalars.
        "e" + String(repeating: "\u{301}", count: 10_000),
        "",
        "   \n\t ",
    ]

    static var hostile: SuiteReport {
        let runs = hostileTexts.enumerated().map { index, text in
            run(
                1000 + index, index % 2 == 0 ? .failed : .unsuccessful, scenario: text, personality: text, error: text,
                duration: text)
        }
        return suite("hostile", runs)
    }
}
