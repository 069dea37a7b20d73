/// How a count of runs and an outcome read in English, with the verb agreeing with the
/// count: "1 run failed", "2 runs were cancelled", "1 is no longer returned by the API",
/// "3 are no longer returned by the API". Used by Slack digests and suite summaries, so
/// every message says it the same way.
package enum OutcomeWording {
    /// The verb phrase for `count` runs that ended with `outcome`: "failed", "was
    /// cancelled" (1) / "were cancelled" (any other count, zero included).
    package static func verb(_ outcome: RunOutcome, count: Int = 1) -> String {
        let one = count == 1
        return switch outcome {
        case .completed: "completed"
        case .unsuccessful: "completed unsuccessfully"
        case .failed: "failed"
        case .timeout: "timed out"
        case .cancelled: one ? "was cancelled" : "were cancelled"
        case .notFound: one ? "is no longer returned by the API" : "are no longer returned by the API"
        case .expired: one ? "did not end before its deadline" : "did not end before their deadline"
        case .rejected: one ? "is refused by the API" : "are refused by the API"
        }
    }

    /// "1 run", "0 runs", "23 runs".
    package static func runs(_ count: Int) -> String {
        count == 1 ? "1 run" : "\(count) runs"
    }

    /// A whole clause: "1 run failed", "21 runs were cancelled".
    package static func sentence(_ count: Int, _ outcome: RunOutcome) -> String {
        "\(runs(count)) \(verb(outcome, count: count))"
    }

    /// A count in a list after "N runs ended:": "2 failed", "1 was cancelled", "21 were
    /// cancelled".
    package static func part(_ count: Int, _ outcome: RunOutcome) -> String {
        "\(count) \(verb(outcome, count: count))"
    }

    /// Counts by outcome, in `RunOutcome`'s order, as a list: "2 failed, 1 timed out, 21
    /// were cancelled". Outcomes with no runs are left out.
    package static func parts(_ counts: [RunOutcome: Int]) -> String {
        RunOutcome.allCases.compactMap { outcome in
            counts[outcome].flatMap { $0 > 0 ? part($0, outcome) : nil }
        }
        .joined(separator: ", ")
    }
}
