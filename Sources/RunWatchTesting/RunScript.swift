import Foundation
import RunWatch
import RunWatchCore

/// The lifecycle the simulator walks one run through: timed stages, the last of which
/// is final and lasts forever.
package struct RunScript: Sendable, Equatable, Codable {
    package struct Stage: Sendable, Equatable, Codable {
        package var status: String
        package var seconds: Double
        package init(_ status: String, seconds: Double) {
            self.status = status
            self.seconds = seconds
        }
    }

    package var stages: [Stage]
    /// `success` once the run is final (`null` before).
    package var success: Bool?

    package init(stages: [Stage], success: Bool?) {
        precondition(!stages.isEmpty, "a run script needs at least its final stage")
        self.stages = stages
        self.success = success
    }

    package var finalStatus: RunStatus { RunStatus(rawValue: stages[stages.count - 1].status) }

    /// Seconds from registration until the final stage begins.
    package var secondsUntilFinal: Double { stages.dropLast().reduce(0) { $0 + $1.seconds } }

    /// The stage at `elapsed` seconds after registration.
    package func stage(at elapsed: Double) -> (status: String, isFinal: Bool) {
        var start = 0.0
        for (index, stage) in stages.enumerated() where index < stages.count - 1 {
            if elapsed < start + stage.seconds { return (stage.status, false) }
            start += stage.seconds
        }
        return (stages[stages.count - 1].status, true)
    }

    /// A seeded-random lifecycle: pending → (in_queue) → running → (unknown status) →
    /// evaluating → completed / failed / timeout / cancelled, with realistic odds.
    package static func random(
        using rng: inout SplitMix64, stageSeconds: ClosedRange<Double>, unknownStatusRate: Double = 0
    ) -> RunScript {
        func duration(_ rng: inout SplitMix64) -> Double {
            stageSeconds.lowerBound + rng.unit() * (stageSeconds.upperBound - stageSeconds.lowerBound)
        }
        var stages = [Stage("pending", seconds: duration(&rng))]
        let roll = rng.unit()
        // Outbound runs nobody dials end as timeout straight from pending.
        if roll < 0.05 {
            stages.append(Stage("timeout", seconds: 0))
            return RunScript(stages: stages, success: false)
        }
        if rng.unit() < 0.3 { stages.append(Stage("in_queue", seconds: duration(&rng))) }
        stages.append(Stage("running", seconds: duration(&rng)))
        if rng.unit() < unknownStatusRate { stages.append(Stage("transcribing", seconds: duration(&rng))) }
        let final = rng.unit()
        switch final {
        case ..<0.08:
            stages.append(Stage("cancelled", seconds: 0))
            return RunScript(stages: stages, success: false)
        case ..<0.16:
            stages.append(Stage("failed", seconds: 0))
            return RunScript(stages: stages, success: false)
        case ..<0.22:
            stages.append(Stage("timeout", seconds: 0))
            return RunScript(stages: stages, success: false)
        default:
            stages.append(Stage("evaluating", seconds: duration(&rng)))
            stages.append(Stage("completed", seconds: 0))
            return RunScript(stages: stages, success: final >= 0.36)
        }
    }
}
