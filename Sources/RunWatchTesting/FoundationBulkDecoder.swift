import Foundation
import RunWatchCore

/// The bulk answer decoded with Foundation's `JSONDecoder` and a lossy per-element
/// wrapper: the library parses the whole body, and each array element is read by
/// `LossyRun`, which never throws, so one odd run object becomes `.malformed` instead of
/// failing its batch. Same results as the scanner, field by field and anomaly by anomaly,
/// so the two can be compared on cost alone.
///
/// Not the daemon's decoder: on realistic answers it costs 2.7 times the scanner's CPU
/// (12.7 % of a core at 10 answers/s against a 5 % budget; docs/benchmarks.md). It stays here as
/// the benchmark's and the parity tests' reference. Note that `JSONDecoder` is not strict
/// either: it accepts trailing commas and checks a value's grammar only when it is read,
/// so `[01]` or a lone surrogate inside an unread transcript passes; and of a repeated key
/// it reads the first, where `JSONSerialization` and the scanner read the last.
package enum FoundationBulkDecoder {
    package static func decode(_ body: Data) throws(BulkDecodeError) -> [DecodedRun] {
        do {
            return try JSONDecoder().decode([LossyRun].self, from: body).map(\.decoded)
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw .notAnArray(topLevelKind(body))
        } catch DecodingError.valueNotFound(_, let context) where context.codingPath.isEmpty {
            throw .notAnArray(topLevelKind(body))
        } catch DecodingError.dataCorrupted(let context) {
            throw .notJSON(context.debugDescription)
        } catch {
            throw .notJSON(String(describing: error))
        }
    }

    /// The library only says "not an array"; the scanner's wording names what it was.
    private static func topLevelKind(_ body: Data) -> String {
        switch body.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) {
        case UInt8(ascii: "{"): "a JSON object"
        case UInt8(ascii: "\""): "a JSON string"
        case UInt8(ascii: "n"): "null"
        default: "a JSON scalar"
        }
    }
}

/// One array element; its initialiser never throws, so the array decode cannot fail on it.
private struct LossyRun: Decodable {
    let decoded: DecodedRun

    init(from decoder: any Decoder) {
        guard let container = try? decoder.container(keyedBy: FieldKey.self) else {
            decoded = .malformed(id: nil, reason: "run is not a JSON object")
            return
        }
        var fields = LossyFields(container)
        guard let id = fields.id() else {
            decoded = .malformed(id: nil, reason: "run has no readable 'id'")
            return
        }
        guard let status = try? container.decode(String.self, forKey: .status) else {
            let why = container.contains(.status) ? "is not a string" : "is missing"
            decoded = .malformed(id: id, reason: "run \(id): '\(FieldKey.status.rawValue)' \(why)")
            return
        }
        // Anomalies are noted in the scanner's order, so both decoders give equal snapshots.
        let success = fields.bool(.success)
        let duration = fields.duration()
        let endedReason = fields.endedReason()
        decoded = .run(
            RunSnapshot(
                id: id,
                // The same bounds as the scanner: one line for a status, capped strings.
                status: RunStatus(rawValue: UntrustedText.printable(status, limit: RunSnapshot.Limits.status)),
                success: success,
                scenarioName: fields.string(.scenarioName),
                agentName: fields.string(.agentName),
                personalityName: fields.string(.personalityName),
                errorMessage: fields.string(.errorMessage, limit: RunSnapshot.Limits.errorMessage).flatMap { $0.isEmpty ? nil : $0 },
                endedReason: endedReason,
                duration: duration,
                voiceRecordingURL: fields.string(.voiceRecordingURL, limit: RunSnapshot.Limits.url).flatMap { $0.isEmpty ? nil : $0 },
                resultID: fields.int(.resultID) ?? (container.contains(.resultID) ? nil : fields.int(.result)),
                projectID: fields.int(.projectID) ?? (container.contains(.projectID) ? nil : fields.int(.project)),
                anomalies: fields.anomalies))
    }
}

/// The keys runwatch reads; the library never builds the values of the others.
private enum FieldKey: String, CodingKey {
    case id, status, success, duration, metadata, result, project
    case scenarioName = "scenario_name"
    case agentName = "agent_name"
    case personalityName = "personality_name"
    case errorMessage = "error_message"
    case voiceRecordingURL = "voice_recording_url"
    case resultID = "result_id"
    case projectID = "project_id"
    case endedReason = "ended_reason"
}

/// Reads optional fields, noting (not throwing on) values of the wrong type.
private struct LossyFields {
    let container: KeyedDecodingContainer<FieldKey>
    var anomalies: [String] = []

    init(_ container: KeyedDecodingContainer<FieldKey>) { self.container = container }

    /// A positive integer, or a string holding one (some clients send ids as strings).
    func id() -> RunID? {
        if let value = try? container.decode(Int.self, forKey: .id) { return value > 0 ? value : nil }
        if let text = try? container.decode(String.self, forKey: .id), let value = Int(text), value > 0 { return value }
        return nil
    }

    /// The common case (right type, null or absent) is one lookup; only a value of the
    /// wrong type pays for the thrown error.
    private mutating func read<T: Decodable>(_ type: T.Type, _ key: FieldKey, _ what: String, prefix: String = "") -> T? {
        if let value = try? container.decodeIfPresent(T.self, forKey: key) { return value }
        if isNullOrAbsent(key) { return nil }
        anomalies.append("\(prefix)\(key.rawValue) (not \(what))")
        return nil
    }

    private func isNullOrAbsent(_ key: FieldKey) -> Bool {
        !container.contains(key) || ((try? container.decodeNil(forKey: key)) ?? false)
    }

    mutating func string(_ key: FieldKey, limit: Int = RunSnapshot.Limits.name) -> String? {
        read(String.self, key, "a string").map { UntrustedText.capped($0, to: limit) }
    }
    mutating func bool(_ key: FieldKey) -> Bool? { read(Bool.self, key, "a boolean") }
    mutating func int(_ key: FieldKey) -> Int? { read(Int.self, key, "an integer") }

    /// "MM:SS" as sent, or a number of seconds (`0` for calls that never connected).
    mutating func duration() -> String? {
        if isNullOrAbsent(.duration) { return nil }
        if let text = try? container.decode(String.self, forKey: .duration) {
            return text.isEmpty ? nil : UntrustedText.capped(text, to: RunSnapshot.Limits.duration)
        }
        if let seconds = try? container.decode(Double.self, forKey: .duration), seconds.isFinite, seconds >= 0, seconds < 1e9 {
            let whole = Int(seconds.rounded())
            return String(format: "%02d:%02d", whole / 60, whole % 60)
        }
        anomalies.append("duration (not a string or number)")
        return nil
    }

    /// `metadata.ended_reason`, the call-end reason worth showing in an alert.
    mutating func endedReason() -> String? {
        if isNullOrAbsent(.metadata) { return nil }
        guard let metadata = try? container.nestedContainer(keyedBy: FieldKey.self, forKey: .metadata) else {
            anomalies.append("metadata (not an object)")
            return nil
        }
        var inner = LossyFields(metadata)
        let reason = inner.read(String.self, .endedReason, "a string", prefix: "metadata.")
        anomalies += inner.anomalies
        return reason.flatMap { $0.isEmpty ? nil : UntrustedText.capped($0, to: RunSnapshot.Limits.name) }
    }
}
