/// Reading a bulk answer with `JSONScanner`: the array of run objects, the fields
/// runwatch uses, and the rules that turn them into a `DecodedRun`.
extension JSONScanner {
    mutating func bulkAnswer() throws(Failure) -> [DecodedRun] {
        // RFC 8259 §8.1 lets a parser ignore a UTF-8 byte order mark; Foundation does.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipSpace()
        guard let first = peek() else { throw .syntax("empty body") }
        guard first == UInt8(ascii: "[") else {
            try skipValue()  // a syntax error wins over "not an array"
            skipSpace()
            guard index == bytes.count else { throw .syntax("unexpected data after the value at byte \(index)") }
            switch first {
            case UInt8(ascii: "{"): throw .notAnArray("a JSON object")
            case UInt8(ascii: "\""): throw .notAnArray("a JSON string")
            case UInt8(ascii: "n"): throw .notAnArray("null")
            default: throw .notAnArray("a JSON scalar")
            }
        }
        var runs: [DecodedRun] = []
        try array { (scanner: inout JSONScanner) throws(Failure) in
            if scanner.peek() == UInt8(ascii: "{") {
                runs.append(try scanner.runObject())
            } else {
                try scanner.skipValue()
                runs.append(.malformed(id: nil, reason: "run is not a JSON object"))
            }
        }
        skipSpace()
        guard index == bytes.count else { throw .syntax("unexpected data after the array at byte \(index)") }
        return runs
    }

    /// The top-level keys runwatch reads, as bytes; every other value is skipped unread.
    private static let wanted: [[UInt8]] = [
        "id", "status", "success", "scenario_name", "agent_name", "personality_name", "error_message",
        "metadata", "duration", "voice_recording_url", "result_id", "result", "project_id", "project",
    ].map { Array($0.utf8) }
    private static let endedReason = Array("ended_reason".utf8)

    private mutating func runObject() throws(Failure) -> DecodedRun {
        var fields: [String: FieldValue] = [:]
        var endedReason: FieldValue?
        try object { (scanner: inout JSONScanner, key: Key) throws(Failure) in
            guard let name = scanner.name(of: key, among: Self.wanted) else {
                try scanner.skipValue()
                return
            }
            if name == "metadata" { endedReason = nil }  // a repeated key: the last one counts
            if name == "metadata", scanner.peek() == UInt8(ascii: "{") {
                fields[name] = .other("an object")
                try scanner.object { (inner: inout JSONScanner, innerKey: Key) throws(Failure) in
                    if inner.name(of: innerKey, among: [Self.endedReason]) != nil { endedReason = try inner.value() } else { try inner.skipValue() }
                }
            } else {
                fields[name] = try scanner.value()
            }
        }
        return Self.run(from: fields, endedReason: endedReason)
    }

    /// The name among `names` that `key` spells, compared byte for byte without a copy.
    private func name(of key: Key, among names: [[UInt8]]) -> String? {
        switch key {
        case .raw(let range):
            let found = UnsafeBufferPointer(rebasing: bytes[range])
            return names.first { $0.count == found.count && $0.elementsEqual(found) }.map { String(decoding: $0, as: UTF8.self) }
        case .unescaped(let text):
            return names.first { $0.elementsEqual(text.utf8) }.map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// A wanted field's value: scalars as read, objects and arrays only by kind.
    private mutating func value() throws(Failure) -> FieldValue {
        guard let byte = peek() else { throw .syntax("a value is missing at the end") }
        switch byte {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "{"):
            try skipValue()
            return .other("an object")
        case UInt8(ascii: "["):
            try skipValue()
            return .other("an array")
        default: return try number()
        }
    }

    /// What is required (id, status), what is tolerated (nulls, absence), what is noted
    /// (a present value of the wrong type goes to `anomalies`).
    private static func run(from fields: [String: FieldValue], endedReason: FieldValue?) -> DecodedRun {
        var anomalies: [String] = []
        let id: RunID?
        switch fields["id"] {
        case .number(_, let integral?) where integral > 0: id = integral
        case .string(let text): id = Int(text).flatMap { $0 > 0 ? $0 : nil }
        default: id = nil
        }
        guard let id else { return .malformed(id: nil, reason: "run has no readable 'id'") }
        let status: String
        switch fields["status"] {
        // One line, bounded: it becomes a store value, a log field and a `STATUS=` word.
        case .string(let text): status = UntrustedText.printable(text, limit: RunSnapshot.Limits.status)
        case nil: return .malformed(id: id, reason: "run \(id): 'status' is missing")
        default: return .malformed(id: id, reason: "run \(id): 'status' is not a string")
        }
        func string(_ name: String, _ value: FieldValue?, prefix: String = "", limit: Int = RunSnapshot.Limits.name) -> String? {
            switch value {
            case .string(let text)?: return UntrustedText.capped(text, to: limit)
            case .null?, nil: return nil
            default:
                anomalies.append("\(prefix)\(name) (not a string)")
                return nil
            }
        }
        func int(_ name: String) -> Int? {
            switch fields[name] {
            case .number(_, let integral?)?: return integral
            case .null?, nil: return nil
            default:
                anomalies.append("\(name) (not an integer)")
                return nil
            }
        }
        var success: Bool?
        switch fields["success"] {
        case .bool(let value)?: success = value
        case .null?, nil: success = nil
        default: anomalies.append("success (not a boolean)")
        }
        var duration: String?
        switch fields["duration"] {
        case .string(let text)?: duration = text.isEmpty ? nil : UntrustedText.capped(text, to: RunSnapshot.Limits.duration)
        case .number(let seconds, _)? where seconds.isFinite && seconds >= 0 && seconds < 1e9:
            let whole = Int(seconds.rounded())
            duration = String(format: "%02d:%02d", whole / 60, whole % 60)
        case .null?, nil: duration = nil
        default: anomalies.append("duration (not a string or number)")
        }
        var reason: String?
        switch fields["metadata"] {
        case .other("an object")?: reason = string("ended_reason", endedReason, prefix: "metadata.").flatMap { $0.isEmpty ? nil : $0 }
        case .null?, nil: reason = nil
        default: anomalies.append("metadata (not an object)")
        }
        let snapshot = RunSnapshot(
            id: id,
            status: RunStatus(rawValue: status),
            success: success,
            scenarioName: string("scenario_name", fields["scenario_name"]),
            agentName: string("agent_name", fields["agent_name"]),
            personalityName: string("personality_name", fields["personality_name"]),
            errorMessage: string("error_message", fields["error_message"], limit: RunSnapshot.Limits.errorMessage).flatMap { $0.isEmpty ? nil : $0 },
            endedReason: reason,
            duration: duration,
            voiceRecordingURL: string("voice_recording_url", fields["voice_recording_url"], limit: RunSnapshot.Limits.url).flatMap {
                $0.isEmpty ? nil : $0
            },
            resultID: int("result_id") ?? (fields["result_id"] == nil ? int("result") : nil),
            projectID: int("project_id") ?? (fields["project_id"] == nil ? int("project") : nil),
            anomalies: anomalies)
        return .run(snapshot)
    }
}

/// The fields of one run object, as found: strings, numbers, booleans, null, or "other".
enum FieldValue {
    case string(String)
    case number(Double, integral: Int?)
    case bool(Bool)
    case null
    case other(String)  // an object or array, described by kind
}
