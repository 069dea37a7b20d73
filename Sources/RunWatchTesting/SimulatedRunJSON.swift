import Foundation
import RunWatch
import RunWatchCore

/// Renders run objects shaped like `shared/cekura/run-example.json`.
package enum SimulatedRunJSON {
    static let scenarios = [
        "Reschedule appointment - caller gives wrong DOB first",
        "Cancel subscription - angry caller",
        "New patient intake with insurance",
        "Refund request outside policy window",
        "Caller asks for a human agent",
    ]
    static let personalities = ["Direct Communicator", "Impatient Caller", "Elderly Caller", "Non-native Speaker"]

    /// `transcripts` gives runs whose call has ended (`evaluating`, `completed`, `timeout`)
    /// a transcript and `transcript_object` of 10–50 KB together, as real runs carry; off,
    /// they stay a few hundred bytes, which keeps tests fast.
    package static func render(
        id: RunID, status: String, success: Bool?, isFinal: Bool, oddities: Bool, transcripts: Bool = false,
        rng: inout SplitMix64
    ) -> JSONValue {
        let scenario = scenarios[id % scenarios.count]
        let personality = personalities[id % personalities.count]
        var errorMessage = ""
        var endedReason: JSONValue = "Main agent-ended-call"
        switch status {
        case "failed":
            errorMessage = "Main agent did not answer within 30 seconds (SIP 408 from carrier)"
            endedReason = "Main agent-did-not-answer"
        case "timeout":
            errorMessage = "Run exceeded the maximum duration of 600 seconds"
            endedReason = "exceeded-max-duration"
        case "cancelled":
            endedReason = "run-cancelled-by-user"
        case "completed" where success == false:
            errorMessage = "Evaluation failed: agent did not read back the new appointment time"
        default:
            break
        }
        var object: [String: JSONValue] = [
            "id": .int(id),
            "provider_call_id": .string("call_\(String(id, radix: 16))"),
            "trace_id": "",
            "scenario": .int(10_000 + id % 97),
            "scenario_name": .string(scenario),
            "scenario_type": "instruction",
            "personality": .int(id % 11),
            "personality_name": .string(personality),
            "agent": 2291,
            "agent_name": "Clinic Front Desk (staging)",
            "agent_version": .null,
            "result_id": .int(90_000 + id / 100),
            "result_name": "nightly-regression (simulated)",
            "expected_outcome_prompt": "The agent verifies the caller's identity and completes the request.",
            "expected_outcome": isFinal ? ["score": 100, "explanation": ["The agent verified identity."], "outcome_alignments": []] : [:],
            "evaluation": isFinal
                ? [
                    "metrics": [
                        [
                            "id": 5521, "name": "Identity verified", "type": "binary", "eval_type": "binary", "passed": .bool(success ?? false),
                            "explanation": [], "extra": [:],
                        ]
                    ]
                ] : .null,
            "transcript": isFinal ? "[00:01] Testing Agent: Hi.\n[00:03] Main Agent: Hello, how can I help?" : "",
            "transcript_object": isFinal
                ? [
                    ["role": "Testing Agent", "content": "Hi.", "time": "00:01"],
                    ["role": "Main Agent", "content": "Hello, how can I help?", "time": "00:03"],
                ] : [],
            "duration": isFinal ? .string(String(format: "%02d:%02d", (id % 5) + 1, id % 60)) : .null,
            "voice_recording_url": isFinal ? .string("https://recordings.example.invalid/runs/\(id)/recording.wav") : .null,
            "email_id": .null,
            "status": .string(status),
            "evaluation_status": isFinal ? "success" : "pending",
            "metadata": isFinal ? ["ended_reason": endedReason] : [:],
            "success": .optional(success),
            "is_reviewed": false,
            "feedback": "",
            "timestamp": "2026-08-20T09:14:02Z",
            "executed_at": "2026-08-20T09:14:05Z",
            "critical_categories": [],
            "error_message": .string(errorMessage),
            "run_as_text": false,
            "run_type": .null,
        ]
        if transcripts, ["evaluating", "completed", "timeout"].contains(status) {
            let (text, turns) = SimulatedTranscript.render(id: id)
            object["transcript"] = text
            object["transcript_object"] = turns
            object["evaluation"] = evaluation(success: success)
        }
        if oddities {
            // What the live API does to strict decoders: nulls, loose types, new fields.
            for key in ["scenario_name", "agent_name", "personality_name", "metadata", "voice_recording_url", "error_message"] where rng.unit() < 0.4
            {
                object[key] = .null
            }
            if rng.unit() < 0.3 { object["duration"] = 0 }
            if rng.unit() < 0.3 { object["critical_categories"] = "Identity, Scheduling" }
            if rng.unit() < 0.3 { object["result_id"] = "not-a-number" }
            object["added_in_2027"] = ["nested": [1, 2, 3], "flag": true]
            object["sentiment_v2"] = .double(0.73)
        }
        return .object(object)
    }

    /// Three metrics shaped like run-example.json's (binary, numeric, enum).
    private static func evaluation(success: Bool?) -> JSONValue {
        [
            "metrics": [
                [
                    "id": 5521, "name": "Identity verified before changes", "type": "binary", "eval_type": "binary",
                    "passed": .bool(success ?? true), "explanation": ["The agent requested name and date of birth before accessing the appointment."],
                    "extra": [:],
                ],
                [
                    "id": 5530, "name": "Latency (in ms)", "type": "numeric", "score": .double(842.5),
                    "explanation": ["Average response latency across 9 Main Agent turns was 842.5 ms."],
                    "extra": ["percentiles": ["p50": .double(790.0)]],
                ],
                [
                    "id": 5534, "name": "Sentiment", "type": "enum", "enum": "positive", "value": "positive",
                    "explanation": ["The caller thanked the agent and ended the call politely."], "extra": [:],
                ],
            ]
        ]
    }
}
