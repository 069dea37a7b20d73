import Foundation

/// One element of a bulk answer: a run we can track, or a run object we had to skip.
package enum DecodedRun: Sendable, Equatable {
    case run(RunSnapshot)
    /// `id` is set when the object had a readable id, so the skip can be logged with it.
    case malformed(id: RunID?, reason: String)
}

/// Why a whole bulk body could not be used. Both are worth retrying with backoff: a
/// truncated or non-JSON body is a transport-level fault, not a fact about the runs.
package enum BulkDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case notJSON(String)
    case notAnArray(String)

    package var description: String {
        switch self {
        case .notJSON(let detail): "response body is not valid JSON (\(detail))"
        case .notAnArray(let found): "response body is \(found), expected a JSON array of runs"
        }
    }
}

/// Decodes the bulk endpoint's JSON array so that one odd run never fails its batch.
///
/// A single pass over the bytes that reads the dozen top-level fields runwatch uses and
/// skips everything else (transcripts, evaluations) without building it: run objects are
/// large and this is the daemon's hot path. Any JSON syntax error anywhere fails the whole
/// body (a truncated answer), as a full parser would.
package enum BulkResponseDecoder {
    package static func decode(_ body: Data) throws(BulkDecodeError) -> [DecodedRun] {
        do {
            return try body.withUnsafeBytes { raw in
                var scanner = JSONScanner(raw.bindMemory(to: UInt8.self))
                return try scanner.bulkAnswer()
            }
        } catch let failure as JSONScanner.Failure {
            switch failure {
            case .syntax(let detail): throw .notJSON(detail)
            case .notAnArray(let found): throw .notAnArray(found)
            }
        } catch {
            throw .notJSON(String(describing: error))
        }
    }
}

/// The fields of one run object, as found: strings, numbers, booleans, null, or "other".
enum Scalar {
    case string(String)
    case number(Double, integral: Int?)
    case bool(Bool)
    case null
    case other(String)  // an object or array, described by kind
}

struct JSONScanner {
    enum Failure: Error {
        case syntax(String)
        case notAnArray(String)
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Nesting depth: bounded, so a body of a million '[' cannot exhaust the stack.
    private var depth = 0
    static let maxDepth = 512

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: The answer

    mutating func bulkAnswer() throws(Failure) -> [DecodedRun] {
        skipSpace()
        guard let first = peek() else { throw .syntax("empty body") }
        guard first == UInt8(ascii: "[") else {
            _ = try skipValue()  // a syntax error wins over "not an array"
            skipSpace()
            guard index == bytes.count else { throw .syntax("unexpected data after the value at byte \(index)") }
            switch first {
            case UInt8(ascii: "{"): throw .notAnArray("a JSON object")
            case UInt8(ascii: "\""): throw .notAnArray("a JSON string")
            case UInt8(ascii: "n"): throw .notAnArray("null")
            default: throw .notAnArray("a JSON scalar")
            }
        }
        index += 1
        var runs: [DecodedRun] = []
        skipSpace()
        if peek() == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                skipSpace()
                if peek() == UInt8(ascii: "{") {
                    runs.append(try runObject())
                } else {
                    _ = try skipValue()
                    runs.append(.malformed(id: nil, reason: "run is not a JSON object"))
                }
                skipSpace()
                guard let next = peek() else { throw .syntax("the array ends early (truncated body?)") }
                index += 1
                if next == UInt8(ascii: "]") { break }
                guard next == UInt8(ascii: ",") else { throw .syntax("expected ',' or ']' at byte \(index - 1)") }
            }
        }
        skipSpace()
        guard index == bytes.count else { throw .syntax("unexpected data after the array at byte \(index)") }
        return runs
    }

    /// The top-level keys runwatch reads; every other value is skipped unread.
    private static let wanted: Set<String> = [
        "id", "status", "success", "scenario_name", "agent_name", "personality_name", "error_message",
        "metadata", "duration", "voice_recording_url", "result_id", "result", "project_id", "project",
    ]

    private mutating func runObject() throws(Failure) -> DecodedRun {
        var fields: [String: Scalar] = [:]
        var endedReason: Scalar?
        try object { (scanner: inout JSONScanner, key: String) throws(Failure) in
            guard Self.wanted.contains(key) else {
                _ = try scanner.skipValue()
                return
            }
            if key == "metadata", scanner.peek() == UInt8(ascii: "{") {
                fields[key] = .other("an object")
                try scanner.object { (inner: inout JSONScanner, innerKey: String) throws(Failure) in
                    if innerKey == "ended_reason" { endedReason = try inner.scalar() } else { _ = try inner.skipValue() }
                }
            } else {
                fields[key] = try scanner.scalar()
            }
        }
        return Self.run(from: fields, endedReason: endedReason)
    }

    /// The same rules as before for what is required, what is tolerated, what is noted.
    private static func run(from fields: [String: Scalar], endedReason: Scalar?) -> DecodedRun {
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
        case .string(let text): status = text
        case nil: return .malformed(id: id, reason: "run \(id): 'status' is missing")
        default: return .malformed(id: id, reason: "run \(id): 'status' is not a string")
        }
        func string(_ name: String, _ value: Scalar?, prefix: String = "") -> String? {
            switch value {
            case .string(let text)?: return text
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
        case .string(let text)?: duration = text.isEmpty ? nil : text
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
            errorMessage: string("error_message", fields["error_message"]).flatMap { $0.isEmpty ? nil : $0 },
            endedReason: reason,
            duration: duration,
            voiceRecordingURL: string("voice_recording_url", fields["voice_recording_url"]).flatMap { $0.isEmpty ? nil : $0 },
            resultID: int("result_id") ?? (fields["result_id"] == nil ? int("result") : nil),
            projectID: int("project_id") ?? (fields["project_id"] == nil ? int("project") : nil),
            anomalies: anomalies)
        return .run(snapshot)
    }

    // MARK: Values

    /// Calls `member` for each key of the object at the cursor, with the cursor on the
    /// value; `member` must consume the value.
    mutating func object(_ member: (inout JSONScanner, String) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "{"))
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw .syntax("nested deeper than \(Self.maxDepth) levels") }
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipSpace()
            let key = try string()
            skipSpace()
            try expect(UInt8(ascii: ":"))
            skipSpace()
            try member(&self, key)
            skipSpace()
            guard let next = peek() else { throw .syntax("an object ends early (truncated body?)") }
            index += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw .syntax("expected ',' or '}' at byte \(index - 1)") }
        }
    }

    mutating func scalar() throws(Failure) -> Scalar {
        guard let byte = peek() else { throw .syntax("a value is missing at the end") }
        switch byte {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "{"): _ = try skipValue(); return .other("an object")
        case UInt8(ascii: "["): _ = try skipValue(); return .other("an array")
        default: return try number()
        }
    }

    /// Skips one value of any kind, checking its syntax.
    mutating func skipValue() throws(Failure) -> Void {
        guard let byte = peek() else { throw .syntax("a value is missing at the end") }
        switch byte {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"):
            try object { (scanner: inout JSONScanner, _: String) throws(Failure) in try scanner.skipValue() }
        case UInt8(ascii: "["):
            index += 1
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw .syntax("nested deeper than \(Self.maxDepth) levels") }
            skipSpace()
            if peek() == UInt8(ascii: "]") {
                index += 1
                return
            }
            while true {
                skipSpace()
                try skipValue()
                skipSpace()
                guard let next = peek() else { throw .syntax("an array ends early (truncated body?)") }
                index += 1
                if next == UInt8(ascii: "]") { return }
                guard next == UInt8(ascii: ",") else { throw .syntax("expected ',' or ']' at byte \(index - 1)") }
            }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try number()
        }
    }

    private mutating func skipString() throws(Failure) {
        try expect(UInt8(ascii: "\""))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return }
            if byte == UInt8(ascii: "\\") {
                guard index < bytes.count else { break }
                index += 1
            } else if byte < 0x20 {
                throw .syntax("control character in a string at byte \(index - 1)")
            }
        }
        throw .syntax("a string ends early (truncated body?)")
    }

    mutating func string() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        // Fast path: no escapes, the bytes are the string.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw .syntax("control character in a string at byte \(index)") }
            index += 1
        }
        var scalars = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw .syntax("a string ends early (truncated body?)") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count,
                       bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw .syntax("invalid surrogate pair at byte \(index)") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw .syntax("invalid escape at byte \(index - 1)")
                }
            default:
                if byte < 0x20 { throw .syntax("control character in a string at byte \(index - 1)") }
                scalars.append(byte)
            }
        }
        throw .syntax("a string ends early (truncated body?)")
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .syntax("a \\u escape ends early") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw .syntax("invalid \\u escape at byte \(index - 1)")
            }
            value = value << 4 | digit
        }
        return value
    }

    private mutating func number() throws(Failure) -> Scalar {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        var integral = true
        var digits = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digits += 1
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
                integral = false
            } else {
                break
            }
            index += 1
        }
        guard digits > 0 else { throw .syntax("unexpected character at byte \(start)") }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else { throw .syntax("invalid number at byte \(start)") }
        return .number(value, integral: integral ? Int(text) : (value == value.rounded() && abs(value) < 1e15 ? Int(value) : nil))
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .syntax("a value ends early (truncated body?)") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw .syntax("unexpected character at byte \(index + offset)")
        }
        index += count
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard index < bytes.count else { throw .syntax("the body ends early (truncated body?)") }
        guard bytes[index] == byte else { throw .syntax("expected '\(Character(Unicode.Scalar(byte)))' at byte \(index)") }
        index += 1
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }
}
