/// Reading the storage form with the bulk decoder's scanner instead of `JSONDecoder`.
///
/// Why: `runwatch wait` reads every run of its suite once a second, and a suite report
/// reads every run's snapshot. `JSONDecoder` took ~15 µs a snapshot, 80% of a wait read:
/// 50 CI jobs waiting on suites of 1,000 runs kept a whole core busy (docs/benchmarks.md,
/// "Suites and the CI gate"). The scanner reads the same form several times faster.
extension RunSnapshot {
    /// The snapshot `encode(to:)` stored as `text`; nil where `JSONDecoder` fails too (not
    /// JSON, not an object, a field of the wrong type, no `id` or `status`). Unknown keys
    /// are skipped, so a later runwatch may add fields.
    package init?(stored text: String) {
        var text = text
        let read = text.withUTF8 { bytes -> RunSnapshot? in
            var scanner = JSONScanner(bytes)
            var fields = StoredFields()
            do throws(JSONScanner.Failure) {
                scanner.skipSpace()
                try scanner.object { scanner, key throws(JSONScanner.Failure) in
                    try fields.read(StoredFields.field(key, in: bytes), &scanner)
                }
                scanner.skipSpace()
                guard scanner.peek() == nil, !fields.wrongType else { return nil }
                return fields.snapshot
            } catch {
                return nil
            }
        }
        guard let read else { return nil }
        self = read
    }

}

/// The fields of one stored snapshot as they are read; `wrongType` when one had a type
/// `init(from:)` would reject.
private struct StoredFields {
    enum Field: CaseIterable {
        case id, status, success, scenarioName, agentName, personalityName, errorMessage
        case endedReason, duration, voiceRecordingURL, resultID, projectID, anomalies
    }

    /// Each field's key as bytes: a key is matched without making a String of it.
    static let names: [(bytes: [UInt8], field: Field)] = Field.allCases.map { (Array("\($0)".utf8), $0) }

    static func field(_ key: JSONScanner.Key, in bytes: UnsafeBufferPointer<UInt8>) -> Field? {
        switch key {
        case .raw(let range):
            let key = UnsafeBufferPointer(rebasing: bytes[range])
            return names.first { $0.bytes.count == key.count && $0.bytes.elementsEqual(key) }?.field
        case .unescaped(let text):
            return names.first { $0.bytes.elementsEqual(text.utf8) }?.field
        }
    }

    var id: RunID?
    var status: String?
    var success: Bool?
    var scenarioName: String?
    var agentName: String?
    var personalityName: String?
    var errorMessage: String?
    var endedReason: String?
    var duration: String?
    var voiceRecordingURL: String?
    var resultID: Int?
    var projectID: Int?
    var anomalies: [String] = []
    var wrongType = false

    var snapshot: RunSnapshot? {
        guard let id, let status else { return nil }
        return RunSnapshot(
            id: id, status: RunStatus(stored: status), success: success, scenarioName: scenarioName, agentName: agentName,
            personalityName: personalityName, errorMessage: errorMessage, endedReason: endedReason, duration: duration,
            voiceRecordingURL: voiceRecordingURL, resultID: resultID, projectID: projectID, anomalies: anomalies)
    }

    mutating func read(_ field: Field?, _ scanner: inout JSONScanner) throws(JSONScanner.Failure) {
        switch field {
        case .id: id = try Self.int(&scanner, required: true, &wrongType)
        case .status: status = try Self.string(&scanner, required: true, &wrongType)
        case .success:
            switch scanner.peek() {
            case UInt8(ascii: "t"):
                try scanner.literal("true")
                success = true
            case UInt8(ascii: "f"):
                try scanner.literal("false")
                success = false
            case UInt8(ascii: "n"):
                try scanner.literal("null")
                success = nil
            default:
                wrongType = true
                try scanner.skipValue()
            }
        case .resultID: resultID = try Self.int(&scanner, required: false, &wrongType)
        case .projectID: projectID = try Self.int(&scanner, required: false, &wrongType)
        case .anomalies:
            if scanner.peek() == UInt8(ascii: "n") {
                try scanner.literal("null")
                anomalies = []
            } else if scanner.peek() == UInt8(ascii: "[") {
                var items: [String] = []
                var wrong = false
                try scanner.array { scanner throws(JSONScanner.Failure) in
                    if let item = try Self.string(&scanner, required: true, &wrong) { items.append(item) }
                }
                if wrong { wrongType = true }
                anomalies = items
            } else {
                wrongType = true
                try scanner.skipValue()
            }
        case .scenarioName: scenarioName = try Self.string(&scanner, required: false, &wrongType)
        case .agentName: agentName = try Self.string(&scanner, required: false, &wrongType)
        case .personalityName: personalityName = try Self.string(&scanner, required: false, &wrongType)
        case .errorMessage: errorMessage = try Self.string(&scanner, required: false, &wrongType)
        case .endedReason: endedReason = try Self.string(&scanner, required: false, &wrongType)
        case .duration: duration = try Self.string(&scanner, required: false, &wrongType)
        case .voiceRecordingURL: voiceRecordingURL = try Self.string(&scanner, required: false, &wrongType)
        case nil: try scanner.skipValue()
        }
    }

    /// A string, or nil for `null` (a type error when `required`).
    static func string(_ scanner: inout JSONScanner, required: Bool, _ wrongType: inout Bool) throws(JSONScanner.Failure) -> String? {
        switch scanner.peek() {
        case UInt8(ascii: "\""): return try scanner.string()
        case UInt8(ascii: "n") where !required:
            try scanner.literal("null")
            return nil
        default:
            wrongType = true
            try scanner.skipValue()
            return nil
        }
    }

    /// An integer that fits an `Int`, or nil for `null` (a type error when `required`).
    static func int(_ scanner: inout JSONScanner, required: Bool, _ wrongType: inout Bool) throws(JSONScanner.Failure) -> Int? {
        if scanner.peek() == UInt8(ascii: "n"), !required {
            try scanner.literal("null")
            return nil
        }
        if let first = scanner.peek(), first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
            case .number(_, let integral?) = try scanner.number()
        {
            return integral
        }
        wrongType = true
        if let first = scanner.peek(), first != UInt8(ascii: ","), first != UInt8(ascii: "}") { try scanner.skipValue() }
        return nil
    }
}
