import Foundation

/// One element of a bulk answer: a run we can track, or a run object we had to skip.
public enum DecodedRun: Sendable, Equatable {
    case run(RunSnapshot)
    /// `id` is set when the object had a readable id, so the skip can be logged with it.
    case malformed(id: RunID?, reason: String)
}

/// Why a whole bulk body could not be used. Both are worth retrying with backoff: a
/// truncated or non-JSON body is a transport-level fault, not a fact about the runs.
public enum BulkDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case notJSON(String)
    case notAnArray(String)

    public var description: String {
        switch self {
        case .notJSON(let detail): "response body is not valid JSON (\(detail))"
        case .notAnArray(let found): "response body is \(found), expected a JSON array of runs"
        }
    }
}

/// Decodes the bulk endpoint's JSON array so that one odd run never fails its batch.
public enum BulkResponseDecoder {
    public static func decode(_ body: Data) throws(BulkDecodeError) -> [DecodedRun] {
        let decoder = JSONDecoder()
        do {
            return try decoder.decode([LenientRun].self, from: body).map(\.decoded)
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw .notAnArray(Self.describeTopLevel(body))
        } catch DecodingError.valueNotFound(_, let context) where context.codingPath.isEmpty {
            throw .notAnArray(Self.describeTopLevel(body))
        } catch {
            throw .notJSON(Self.summarize(error))
        }
    }

    private static func describeTopLevel(_ body: Data) -> String {
        let first = body.first { !Set<UInt8>([0x20, 0x0A, 0x0D, 0x09]).contains($0) }
        switch first {
        case UInt8(ascii: "{"): return "a JSON object"
        case UInt8(ascii: "\""): return "a JSON string"
        case UInt8(ascii: "n"): return "null"
        default: return "a JSON scalar"
        }
    }

    private static func summarize(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return context.debugDescription
        }
        return String(describing: error)
    }
}

/// Decodes one array element without ever throwing, so the array decode cannot fail on it.
private struct LenientRun: Decodable {
    let decoded: DecodedRun

    init(from decoder: any Decoder) throws {
        guard let fields = try? decoder.container(keyedBy: AnyKey.self) else {
            decoded = .malformed(id: nil, reason: "run is not a JSON object")
            return
        }
        var reader = FieldReader(fields: fields)
        guard let id = reader.id() else {
            decoded = .malformed(id: nil, reason: "run has no readable 'id'")
            return
        }
        guard let rawStatus = reader.string("status") else {
            let why = fields.contains(AnyKey("status")) ? "is not a string" : "is missing"
            decoded = .malformed(id: id, reason: "run \(id): 'status' \(why)")
            return
        }
        let snapshot = RunSnapshot(
            id: id,
            status: RunStatus(rawValue: rawStatus),
            success: reader.bool("success"),
            scenarioName: reader.string("scenario_name"),
            agentName: reader.string("agent_name"),
            personalityName: reader.string("personality_name"),
            errorMessage: reader.string("error_message").flatMap { $0.isEmpty ? nil : $0 },
            endedReason: reader.nestedString("metadata", "ended_reason"),
            duration: reader.duration("duration"),
            voiceRecordingURL: reader.string("voice_recording_url").flatMap { $0.isEmpty ? nil : $0 },
            resultID: reader.int("result_id") ?? reader.int("result"),
            projectID: reader.int("project_id") ?? reader.int("project"),
            anomalies: []
        )
        var withAnomalies = snapshot
        withAnomalies.anomalies = reader.anomalies
        decoded = .run(withAnomalies)
    }
}

struct AnyKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Reads optional fields, noting (not throwing on) values of the wrong type.
private struct FieldReader {
    let fields: KeyedDecodingContainer<AnyKey>
    var anomalies: [String] = []

    mutating func id() -> RunID? {
        let key = AnyKey("id")
        if let value = try? fields.decode(Int.self, forKey: key), value > 0 { return value }
        if let text = try? fields.decode(String.self, forKey: key), let value = Int(text), value > 0 {
            return value
        }
        return nil
    }

    private func isNullOrAbsent(_ key: AnyKey) -> Bool {
        !fields.contains(key) || ((try? fields.decodeNil(forKey: key)) ?? false)
    }

    /// The common case (right type, or null, or absent) costs one lookup; only a value
    /// of the wrong type pays for finding out which it was.
    private mutating func read<T: Decodable>(_ type: T.Type, _ name: String, _ what: String) -> T? {
        let key = AnyKey(name)
        if let value = try? fields.decodeIfPresent(T.self, forKey: key) { return value }
        if isNullOrAbsent(key) { return nil }
        anomalies.append("\(name) (not \(what))")
        return nil
    }

    mutating func string(_ name: String) -> String? { read(String.self, name, "a string") }
    mutating func bool(_ name: String) -> Bool? { read(Bool.self, name, "a boolean") }
    mutating func int(_ name: String) -> Int? { read(Int.self, name, "an integer") }

    /// `duration` is usually "MM:SS" but `0` for calls that never connected.
    mutating func duration(_ name: String) -> String? {
        let key = AnyKey(name)
        if isNullOrAbsent(key) { return nil }
        if let value = try? fields.decode(String.self, forKey: key) { return value.isEmpty ? nil : value }
        if let seconds = try? fields.decode(Double.self, forKey: key) {
            let whole = Int(seconds.rounded())
            return String(format: "%02d:%02d", whole / 60, whole % 60)
        }
        anomalies.append("\(name) (not a string or number)")
        return nil
    }

    mutating func nestedString(_ object: String, _ name: String) -> String? {
        let key = AnyKey(object)
        if isNullOrAbsent(key) { return nil }
        guard let nested = try? fields.nestedContainer(keyedBy: AnyKey.self, forKey: key) else {
            anomalies.append("\(object) (not an object)")
            return nil
        }
        var inner = FieldReader(fields: nested)
        let value = inner.string(name)
        anomalies += inner.anomalies.map { "\(object).\($0)" }
        return value.flatMap { $0.isEmpty ? nil : $0 }
    }
}
