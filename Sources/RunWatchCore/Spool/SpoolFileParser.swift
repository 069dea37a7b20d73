import Foundation

/// What a spool file asks for: run ids, optional labels and an optional notifier list.
package struct SpoolSubmission: Sendable, Equatable {
    package var runIDs: [RunID]
    package var labels: [String: String]
    /// When set, only these notifiers receive this submission's alerts.
    package var notifiers: [String]?
    /// Problems with parts of the file; the good ids are still ingested.
    package var problems: [String]

    package init(runIDs: [RunID], labels: [String: String] = [:], notifiers: [String]? = nil, problems: [String] = []) {
        self.runIDs = runIDs
        self.labels = labels
        self.notifiers = notifiers
        self.problems = problems
    }
}

/// Why a spool file cannot be ingested at all.
package enum SpoolFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLarge(bytes: Int, limit: Int)
    case notUTF8
    case noRunIDs(problems: [String])
    case invalidJSON(String)

    package var description: String {
        switch self {
        case .tooLarge(let bytes, let limit): "file is \(bytes) bytes, over the \(limit)-byte limit"
        case .notUTF8: "file is not UTF-8 text"
        case .noRunIDs(let problems):
            problems.isEmpty ? "file holds no run ids" : "file holds no valid run ids: " + problems.joined(separator: "; ")
        case .invalidJSON(let detail): "file starts with '{' but is not a valid submission: \(detail)"
        }
    }
}

/// Parses spool files. Two formats:
/// - plain text: ids separated by commas, spaces or newlines; `#` starts a comment;
/// - JSON: `{"run_ids": [1, 2], "labels": {"suite": "nightly"}, "notifiers": ["ops"]}`.
package enum SpoolFileParser {
    package static let defaultMaxBytes = 10 * 1024 * 1024

    package static func parse(_ data: Data, maxBytes: Int = defaultMaxBytes) throws(SpoolFileError) -> SpoolSubmission {
        guard data.count <= maxBytes else { throw .tooLarge(bytes: data.count, limit: maxBytes) }
        guard let text = String(validating: data, as: UTF8.self) else { throw .notUTF8 }
        let submission: SpoolSubmission
        if text.drop(while: \.isWhitespace).first == "{" {
            submission = try parseJSON(data)
        } else {
            submission = parsePlain(text)
        }
        guard !submission.runIDs.isEmpty else { throw .noRunIDs(problems: submission.problems) }
        return submission
    }

    /// Parses one id token: a positive integer that fits in 64 bits.
    package static func runID(_ token: Substring) -> RunID? {
        guard token.allSatisfy(\.isASCII), let id = RunID(token), id > 0 else { return nil }
        return id
    }

    static func parsePlain(_ text: String) -> SpoolSubmission {
        var ids: [RunID] = []
        var seen: Set<RunID> = []
        var problems: [String] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let content = line.prefix { $0 != "#" }
            let tokens = content.split { $0 == "," || $0.isWhitespace }
            for token in tokens {
                if let id = runID(token) {
                    if seen.insert(id).inserted { ids.append(id) }
                } else {
                    problems.append("line \(lineNumber): '\(token.prefix(40))' is not a run id (want a positive integer)")
                }
            }
        }
        return SpoolSubmission(runIDs: ids, problems: problems)
    }

    private struct JSONForm: Decodable {
        var run_ids: [JSONID]
        var labels: SpoolLabels?
        var notifiers: [String]?
    }

    /// Accepts ids written as numbers or numeric strings; anything else is a problem.
    private enum JSONID: Decodable {
        case id(RunID)
        case bad(String)
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let value = try? c.decode(Int.self), value > 0 {
                self = .id(value)
            } else if let text = try? c.decode(String.self), let value = SpoolFileParser.runID(Substring(text)) {
                self = .id(value)
            } else if let text = try? c.decode(String.self) {
                self = .bad("'\(text.prefix(40))'")
            } else if let number = try? c.decode(Double.self) {
                self = .bad("\(number)")
            } else {
                self = .bad("a non-number value")
            }
        }
    }

    static func parseJSON(_ data: Data) throws(SpoolFileError) -> SpoolSubmission {
        let form: JSONForm
        do {
            form = try JSONDecoder().decode(JSONForm.self, from: data)
        } catch let error as DecodingError {
            throw .invalidJSON(describe(error))
        } catch {
            throw .invalidJSON(String(describing: error))
        }
        var ids: [RunID] = []
        var seen: Set<RunID> = []
        var problems: [String] = []
        for (index, item) in form.run_ids.enumerated() {
            switch item {
            case .id(let id): if seen.insert(id).inserted { ids.append(id) }
            case .bad(let what): problems.append("run_ids[\(index)]: \(what) is not a run id (want a positive integer)")
            }
        }
        return SpoolSubmission(runIDs: ids, labels: form.labels?.values ?? [:], notifiers: form.notifiers, problems: problems)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.isEmpty
                ? "the top level" : "'" + codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)' at \(path(context.codingPath))"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)) should be \(type)"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)) is null, should be \(type)"
        case .dataCorrupted(let context): return context.debugDescription
        @unknown default: return String(describing: error)
        }
    }
}
