import RunWatchCore

/// A call transcript as Cekura returns it once a call has ended: `transcript` (one text
/// line per turn) and `transcript_object` (one object per turn, with timings, normalised
/// text, tool calls whose arguments are JSON inside a string, and comparison spans).
///
/// Real runs carry 10–50 KB of these two fields, most of each bulk answer's bytes, so the
/// decoder benchmark needs them to be honest. The content mixes what makes JSON parsing
/// slow: non-ASCII text, escapes (quotes, newlines, backslashes, `\"` inside nested JSON),
/// nested objects and numbers.
package enum SimulatedTranscript {
    /// Turns are added until `transcript` and `transcript_object` together reach a size
    /// drawn from `bytes`. Seeded by the run id alone, so a run's transcript is the same
    /// on every poll and does not disturb the simulator's shared generator.
    package static func render(id: RunID, bytes: ClosedRange<Int> = 10_000...50_000) -> (transcript: JSONValue, object: JSONValue) {
        var rng = SplitMix64(seed: 0x7A5C_0000_0000 &+ UInt64(truncatingIfNeeded: id))
        let target = bytes.lowerBound + Int(rng.next() % UInt64(bytes.count))
        var lines: [String] = []
        var turns: [JSONValue] = []
        var size = 0
        var clock = 1.0 + rng.unit()
        var turn = 0
        while size < target {
            let speaker = turn % 2 == 0 ? "Testing Agent" : "Main Agent"
            let content = sentence(&rng, turns: 1 + Int(rng.next() % 4))
            let seconds = 1.5 + Double(content.utf8.count) / 15 + rng.unit()
            let time = stamp(clock)
            lines.append("[\(time)] \(speaker): \(content)")
            turns.append([
                "role": .string(speaker),
                "content": .string(content),
                "time": .string(time),
                "start_time": .double(rounded(clock)),
                "end_time": .double(rounded(clock + seconds)),
                "timestamp": .double(rounded(clock)),
                "normalized_content": .string(normalized(content)),
                "comparison_spans": rng.unit() < 0.3
                    ? [
                        [
                            "start": .int(0), "end": .int(content.count / 2), "text": .string(String(content.prefix(content.count / 2))),
                            "score": .double(rounded(rng.unit())),
                        ]
                    ] : [],
            ])
            size += 160 + content.utf8.count * 3  // the line, content and normalized_content, plus keys and timings
            clock += seconds + 0.2 + rng.unit()
            if rng.unit() < 0.12 {
                let (call, result) = toolCall(&rng, at: clock)
                turns.append(call)
                turns.append(result)
                size += 700
            }
            turn += 1
        }
        return (.string(lines.joined(separator: "\n")), .array(turns))
    }

    private static let phrases = [
        "Hi, I need to move my appointment.",
        "Sure, I can help with that. Can I have your full name and date of birth?",
        "It's José Müller — M, U, umlaut, L, L, E, R.",
        "My daughter wrote it down as \"Thursday 10:30\", is that right?",
        "I said \"no\" twice already; please don't book the 9 AM slot.",
        "The confirmation code is A-55120\\B (with a backslash, the portal shows it that way).",
        "Merci beaucoup, c'est très gentil.",
        "予約を木曜日に変更したいです。",
        "Можно перенести на четверг?",
        "Great 👍 see you then 😀",
        "Your copay is $25.00, or 0 if your plan covers 100% of specialist visits.",
        "Let me check… one moment please.",
        "Sorry, could you repeat that? The line is breaking up.",
        "I have Thursday, August 27 at 10:30 AM. Shall I book that?",
        "Done. You're now booked for Thursday, August 27 at 10:30 AM. Anything else?",
        "Tab\tseparated notes from the form: name\tdob\tplan.",
        "No, that's all. Thanks — have a good day!",
        "The address is 221B Baker St., Apt. #4, London NW1 6XE.",
    ]

    private static func sentence(_ rng: inout SplitMix64, turns: Int) -> String {
        (0..<turns).map { _ in phrases[Int(rng.next() % UInt64(phrases.count))] }.joined(separator: " ")
    }

    private static func toolCall(_ rng: inout SplitMix64, at clock: Double) -> (JSONValue, JSONValue) {
        let callID = "call_" + String(rng.next() % 0xFFFF_FFFF, radix: 36)
        let slot = 8 + Int(rng.next() % 9)
        let time = stamp(clock)
        let common: [String: JSONValue] = [
            "content": "", "time": .string(time), "start_time": .double(rounded(clock)),
            "end_time": .double(rounded(clock)), "timestamp": .double(rounded(clock)),
            "normalized_content": "", "comparison_spans": [],
        ]
        var call = common
        call["role"] = "Function Call"
        call["data"] = [
            "id": .string(callID), "name": "lookup_appointment",
            "arguments": .string(#"{"name": "José Müller", "dob": "1988-03-14", "notes": "said \"Thursday\"\n"}"#),
        ]
        var result = common
        result["role"] = "Function Call Result"
        result["data"] = [
            "id": .string(callID), "name": "lookup_appointment",
            "result": .string(#"{"appointment_id": "A-55120", "start": "2026-08-25T\#(slot):00:00", "slots": [9.5, 10.5, 14.25], "ok": true}"#),
            "latency_ms": .double(rounded(120 + rng.unit() * 900)),
        ]
        return (.object(call), .object(result))
    }

    private static func normalized(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) ? Character($0) : " " })
            .split(separator: " ").joined(separator: " ")
    }

    private static func stamp(_ seconds: Double) -> String {
        let whole = Int(seconds)
        return (whole / 60 < 10 ? "0" : "") + "\(whole / 60):" + (whole % 60 < 10 ? "0" : "") + "\(whole % 60)"
    }

    private static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
