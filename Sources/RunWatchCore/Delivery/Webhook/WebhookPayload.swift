import Foundation

/// The body of a generic webhook: `{"type": "run.failed", "timestamp": ..., "data": {...}}`.
package enum WebhookPayload {
    /// `history` is the run's recorded transitions, oldest first, ending with the one that
    /// ended it.
    package static func render(_ alert: RunAlert, history: [Transition] = []) -> JSONValue {
        let run = alert.run
        let transitions: [JSONValue] = history.map { change in
            ["from": .optional(change.from?.rawValue), "to": .string(change.to.rawValue), "at": .string(change.at.formatted(.iso8601))]
        }
        var data: [String: JSONValue] = [
            "transitions": .array(transitions),
            "run_id": .int(run.id),
            "status": .string(run.status.rawValue),
            "success": .optional(run.success),
            "previous_status": .optional(alert.previousStatus?.rawValue),
            "scenario_name": .optional(run.scenarioName),
            "agent_name": .optional(run.agentName),
            "personality_name": .optional(run.personalityName),
            "error_message": .optional(run.errorMessage),
            "ended_reason": .optional(run.endedReason),
            "duration": .optional(run.duration),
            "voice_recording_url": .optional(run.voiceRecordingURL),
            "dashboard_url": .optional(alert.dashboardURL),
            "result_id": .optional(run.resultID),
            "labels": .object(alert.labels.mapValues(JSONValue.string)),
        ]
        // Only with a public console address: without one the body is byte for byte what
        // it was before the console existed (a row queued then is retried unchanged).
        if let url = alert.consoleURL { data["console_url"] = .string(url) }
        return [
            "type": .string(alert.outcome.eventType),
            "timestamp": .string(alert.endedAt.formatted(.iso8601)),
            "data": .object(data),
        ]
    }
}

extension JSONValue {
    /// Canonical bytes: sorted keys, so the same alert always renders the same body.
    package func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail: every case maps to a JSON value.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }
}
