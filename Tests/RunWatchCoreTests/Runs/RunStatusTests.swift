import RunWatchCore
import Testing

@Suite struct RunStatusTests {
    static let table: [(raw: String, status: RunStatus, terminal: Bool)] = [
        ("pending", .pending, false),
        ("in_queue", .inQueue, false),
        ("scaling_up", .scalingUp, false),
        ("running", .running, false),
        ("in_progress", .inProgress, false),
        ("evaluating", .evaluating, false),
        ("completed", .completed, true),
        ("failed", .failed, true),
        ("timeout", .timeout, true),
        ("cancelled", .cancelled, true),
    ]

    @Test(arguments: table)
    func knownStatusParsesAndRoundTrips(raw: String, status: RunStatus, terminal: Bool) {
        #expect(RunStatus(rawValue: raw) == status)
        #expect(status.rawValue == raw)
        #expect(status.isTerminal == terminal)
        #expect(status.isKnown)
    }

    @Test func theTerminalSetIsExactlyCekurasFour() {
        #expect(RunStatus.terminal == [.completed, .failed, .timeout, .cancelled])
        #expect(RunStatus.known.count == 10)
        #expect(!RunStatus.evaluating.isTerminal, "evaluating means scoring is not final")
    }

    @Test(arguments: ["transcribing", "COMPLETED", "", "done", "canceled"])
    func unknownValuesAreKeptAndNeverTerminal(raw: String) {
        let status = RunStatus(rawValue: raw)
        #expect(status == .unknown(raw))
        #expect(status.rawValue == raw)
        #expect(!status.isTerminal)
        #expect(!status.isKnown)
    }

    static let outcomes: [(RunStatus, Bool?, RunOutcome?)] = [
        (.completed, true, .completed),
        (.completed, nil, .completed),
        (.completed, false, .unsuccessful),
        (.failed, false, .failed),
        (.failed, nil, .failed),
        (.timeout, nil, .timeout),
        (.cancelled, true, .cancelled),
        (.running, nil, nil),
        (.evaluating, false, nil),
        (.unknown("x"), false, nil),
    ]

    @Test(arguments: outcomes)
    func outcomeOfATerminalStatus(status: RunStatus, success: Bool?, expected: RunOutcome?) {
        #expect(RunOutcome(terminal: status, success: success) == expected)
    }

    @Test func onlyCompletedIsNotAFailure() {
        #expect(RunOutcome.allCases.filter { !$0.isFailure } == [.completed])
        #expect(RunOutcome.failed.eventType == "run.failed")
        #expect(RunOutcome.unsuccessful.eventType == "run.unsuccessful")
    }
}
