import Foundation

/// The JSON form. Decoded leniently (every element into a value that remembers what it
/// was), then checked, so that no decoder message — which can quote the input or a label
/// key — ever reaches a reason: problems name the key (`run_ids`, `labels`, `notifiers`),
/// the index and the type or length only.
extension SpoolFileParser {
    private struct JSONForm: Decodable {
        var run_ids: [JSONElement]?
        var result_ids: [JSONElement]?
        var suite: JSONElement?
        var labels: [String: JSONElement]?
        var notifiers: [JSONElement]?
    }

    /// One JSON value, reduced to what a reason may say about it.
    enum JSONElement: Decodable, Equatable {
        case string(String)
        case integer(Int)
        case other(kind: String)

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .other(kind: "null")
            } else if let text = try? c.decode(String.self) {
                self = .string(text)
            } else if let value = try? c.decode(Int.self) {
                self = .integer(value)
            } else if (try? c.decode(Double.self)) != nil {
                self = .other(kind: "a number that is not a 64-bit integer")
            } else if (try? c.decode(Bool.self)) != nil {
                self = .other(kind: "a boolean")
            } else {
                self = .other(kind: "an array or object")
            }
        }

        var kind: String {
            switch self {
            case .string(let text): "a string (\(SpoolProblems.bytes(text.utf8.count)))"
            case .integer: "a number"
            case .other(let kind): kind
            }
        }
    }

    static func parseJSON(_ data: Data, limits: SpoolLimits) throws(SpoolFileError) -> SpoolSubmission {
        let form: JSONForm
        do {
            form = try JSONDecoder().decode(JSONForm.self, from: data)
        } catch let error as DecodingError {
            throw .invalidJSON(describe(error))
        } catch {
            throw .invalidJSON("not valid JSON")
        }
        var ids = RunIDCollector(limit: limits.maxRunIDs)
        var problems = SpoolProblems(limit: limits.maxListedProblems)
        guard form.run_ids != nil || form.result_ids != nil else { throw .invalidJSON("missing key 'run_ids' (or 'result_ids') at the top level") }
        for (index, item) in (form.run_ids ?? []).enumerated() {
            switch item {
            case .integer(let value) where value > 0: try ids.add(value)
            case .string(let text) where runID(Substring(text)) != nil: try ids.add(runID(Substring(text))!)
            default: problems.append("run_ids[\(index)]: \(item.kind), not a run id (want a positive integer)")
            }
        }
        var refused = SpoolProblems(limit: limits.maxListedProblems)
        let results = checkResultIDs(form.result_ids ?? [], limits: limits, problems: &refused)
        var labels = checkLabels(form.labels ?? [:], limits: limits, problems: &refused)
        let notifiers = form.notifiers.map { checkNotifiers($0, limits: limits, problems: &refused) }
        var suite: String?
        switch form.suite {
        case nil:
            suite = labels["suite"].flatMap { $0.isEmpty ? nil : $0 }
            // Before suites existed a `suite` label was only a label (up to 512 bytes); such
            // a file still goes in, its runs watched and labelled, just without a suite.
            if let name = suite, let problem = textProblem(name, what: "the 'suite' label", limit: limits.maxSuiteNameBytes) {
                problems.append("labels: \(problem) for a suite name, so these runs join no suite")
                suite = nil
            }
        case .string(let name)?: suite = name
        case let other?: refused.append("suite: \(other.kind), want a suite name (a string)")
        }
        if let name = suite {
            if let problem = textProblem(name, what: "the suite name", limit: limits.maxSuiteNameBytes) {
                refused.append("suite: \(problem)")
            } else if let label = labels["suite"], label != name {
                refused.append("suite: differs from the 'suite' label; give one or make them equal")
            } else {
                // The label carries the suite into every alert and lets routes match on it.
                labels["suite"] = name
            }
        }
        guard refused.isEmpty else { throw .invalidRouting(refused) }
        return SpoolSubmission(runIDs: ids.ids, labels: labels, notifiers: notifiers, suite: suite, resultIDs: results, problems: problems)
    }

    /// Result ids: positive integers, distinct, at most `maxResultIDs`. A bad one refuses
    /// the file: a result stands for many runs, and skipping it would silently lose them.
    private static func checkResultIDs(_ raw: [JSONElement], limits: SpoolLimits, problems: inout SpoolProblems) -> [ResultID] {
        guard raw.count <= limits.maxResultIDs else {
            problems.append("result_ids: \(raw.count) ids; the limit is \(limits.maxResultIDs) (split them into several files)")
            return []
        }
        var ids: [ResultID] = []
        for (index, item) in raw.enumerated() {
            let id: ResultID?
            switch item {
            case .integer(let value) where value > 0: id = value
            case .string(let text): id = runID(Substring(text))
            default: id = nil
            }
            guard let id else {
                problems.append("result_ids[\(index)]: \(item.kind), not a result id (want a positive integer)")
                continue
            }
            if !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    /// The limits and character rules the daemon applies to labels and notifier names,
    /// for producers that check before writing (`runwatch submit`).
    package static func routingProblems(
        labels: [String: String], notifiers: [String]?, suite: String? = nil, limits: SpoolLimits = .default
    ) -> SpoolProblems {
        var problems = SpoolProblems(limit: limits.maxListedProblems)
        if let suite, let problem = textProblem(suite, what: "the suite name", limit: limits.maxSuiteNameBytes) {
            problems.append("suite: \(problem)")
        }
        _ = checkLabels(labels.mapValues(JSONElement.string), limits: limits, problems: &problems)
        if let notifiers { _ = checkNotifiers(notifiers.map(JSONElement.string), limits: limits, problems: &problems) }
        return problems
    }

    private static func checkLabels(_ raw: [String: JSONElement], limits: SpoolLimits, problems: inout SpoolProblems) -> [String: String] {
        if raw.count > limits.maxLabels {
            problems.append("labels: \(raw.count) labels; the limit is \(limits.maxLabels)")
            return [:]
        }
        var labels: [String: String] = [:]
        // Sorted so the same file always gives the same reason; keys are not shown.
        for (number, key) in raw.keys.sorted().enumerated() {
            let which = "labels: label \(number + 1) of \(raw.count)"
            if let problem = textProblem(key, what: "its key", limit: limits.maxLabelKeyBytes) {
                problems.append("\(which): \(problem)")
            }
            guard case .string(let value) = raw[key] else {
                problems.append("\(which): its value is \(raw[key]!.kind), want a string")
                continue
            }
            if let problem = textProblem(value, what: "its value", limit: limits.maxLabelValueBytes, allowEmpty: true) {
                problems.append("\(which): \(problem)")
            }
            labels[key] = value
        }
        return labels
    }

    private static func checkNotifiers(_ raw: [JSONElement], limits: SpoolLimits, problems: inout SpoolProblems) -> [String] {
        if raw.count > limits.maxNotifiers {
            problems.append("notifiers: \(raw.count) names; the limit is \(limits.maxNotifiers)")
            return []
        }
        var names: [String] = []
        for (index, item) in raw.enumerated() {
            guard case .string(let name) = item else {
                problems.append("notifiers[\(index)]: \(item.kind), want a notifier name (a string)")
                continue
            }
            if let problem = textProblem(name, what: "the name", limit: limits.maxNotifierNameBytes) {
                problems.append("notifiers[\(index)]: \(problem)")
            } else if !names.contains(name) {
                names.append(name)
            }
        }
        return names
    }

    /// Why a key, value or name is refused, without quoting it.
    static func textProblem(_ text: String, what: String, limit: Int, allowEmpty: Bool = false) -> String? {
        let length = text.utf8.count
        if length == 0, !allowEmpty { return "\(what) is empty" }
        if length > limit { return "\(what) is \(SpoolProblems.bytes(length)); the limit is \(SpoolProblems.bytes(limit))" }
        var offset = 0
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                return "\(what) (\(SpoolProblems.bytes(length))) holds a control or formatting character at byte \(offset + 1)"
            }
            offset += UTF8.width(scalar)
        }
        return nil
    }

    /// Control characters break log lines and reason files; format characters (bidi
    /// overrides, zero-width) make a label read differently in Slack than it is.
    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }

    /// Names the place by the submission's own keys and indices only: a label key is
    /// producer text and stays out.
    private static let knownKeys: Set<String> = ["run_ids", "result_ids", "suite", "labels", "notifiers"]

    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            guard !codingPath.isEmpty else { return "the top level" }
            var parts: [String] = []
            for key in codingPath {
                if let index = key.intValue {
                    parts.append("[\(index)]")
                } else if knownKeys.contains(key.stringValue), parts.isEmpty {
                    parts.append(key.stringValue)
                } else {
                    parts.append(".<a label>")
                }
            }
            return "'" + parts.joined() + "'"
        }
        // Each known key has one shape; a mismatch is always about that shape.
        func kind(_ codingPath: [any CodingKey]) -> String {
            switch codingPath.first?.stringValue {
            case "run_ids", "result_ids", "notifiers": "an array"
            case "suite": "a string"
            default: "an object"
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            let name = knownKeys.contains(key.stringValue) ? "'\(key.stringValue)'" : "a key"
            return "missing key \(name) at \(path(context.codingPath))"
        case .typeMismatch(_, let context): return "\(path(context.codingPath)) should be \(kind(context.codingPath))"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) is null, should be \(kind(context.codingPath))"
        // The parser's own message can quote the offending text.
        case .dataCorrupted: return "not valid JSON"
        @unknown default: return "not valid JSON"
        }
    }
}
