import Foundation

/// What an outbox message says, stored once, as data: the sink renders it when it is
/// sent. Rendering is deterministic and an ended run's history no longer changes, so a
/// retry sends the same bytes (with the same `webhook-id`) as the first attempt.
package enum OutboxContent: Sendable, Equatable {
    case alert(RunAlert)
    case transition(TransitionNotice)
    /// Part `part` (1-based) of a completed suite's summary: the whole report, so each
    /// part renders the same bytes on every attempt.
    case suite(SuiteReport, part: Int)

    /// The stored form (JSON).
    package func encoded() -> Data {
        // Encoding these plain values cannot fail.
        (try? JSONEncoder().encode(self)) ?? Data()
    }

    package static func decode(_ data: Data) -> OutboxContent? {
        try? JSONDecoder().decode(OutboxContent.self, from: data)
    }
}

extension OutboxContent: Codable {
    private enum Keys: String, CodingKey { case kind, alert, runID, from, to, at, labels, consoleBase, report, part }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "alert":
            self = .alert(try c.decode(RunAlert.self, forKey: .alert))
        case "transition":
            let change = Transition(
                runID: try c.decode(RunID.self, forKey: .runID),
                from: try c.decodeIfPresent(String.self, forKey: .from).map(RunStatus.init(stored:)),
                to: RunStatus(stored: try c.decode(String.self, forKey: .to)),
                at: Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .at)))
            self = .transition(
                TransitionNotice(
                    transition: change, labels: try c.decode([String: String].self, forKey: .labels),
                    console: ConsoleLinks(base: try c.decodeIfPresent(String.self, forKey: .consoleBase))))
        case "suite":
            self = .suite(try c.decode(SuiteReport.self, forKey: .report), part: try c.decode(Int.self, forKey: .part))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown outbox content '\(other)'")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .alert(let alert):
            try c.encode("alert", forKey: .kind)
            try c.encode(alert, forKey: .alert)
        case .transition(let notice):
            try c.encode("transition", forKey: .kind)
            try c.encode(notice.transition.runID, forKey: .runID)
            try c.encodeIfPresent(notice.transition.from?.rawValue, forKey: .from)
            try c.encode(notice.transition.to.rawValue, forKey: .to)
            try c.encode(notice.transition.at.timeIntervalSince1970, forKey: .at)
            try c.encode(notice.labels, forKey: .labels)
            try c.encodeIfPresent(notice.console.base, forKey: .consoleBase)
        case .suite(let report, let part):
            try c.encode("suite", forKey: .kind)
            try c.encode(report, forKey: .report)
            try c.encode(part, forKey: .part)
        }
    }
}
