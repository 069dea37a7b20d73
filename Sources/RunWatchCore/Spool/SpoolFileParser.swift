import Foundation

/// What a spool file asks for: run ids and/or Cekura result ids, optional labels, an
/// optional notifier list and an optional suite.
package struct SpoolSubmission: Sendable, Equatable {
    package var runIDs: [RunID]
    package var labels: [String: String]
    /// When set, only these notifiers receive this submission's alerts.
    package var notifiers: [String]?
    /// The suite these runs (and the runs of `resultIDs`) join: the file's `suite`, else
    /// its `suite` label. nil: no named suite (each result still makes its own).
    package var suite: String?
    /// Cekura results whose runs the daemon reads and watches (`GET /v2/results/{id}/`).
    package var resultIDs: [ResultID]
    /// Problems with parts of the file; the good ids are still ingested.
    package var problems: SpoolProblems

    package init(
        runIDs: [RunID], labels: [String: String] = [:], notifiers: [String]? = nil, suite: String? = nil, resultIDs: [ResultID] = [],
        problems: SpoolProblems = SpoolProblems()
    ) {
        self.runIDs = runIDs
        self.labels = labels
        self.notifiers = notifiers
        self.suite = suite
        self.resultIDs = resultIDs
        self.problems = problems
    }

    /// Nothing to watch: no run id and no result id.
    package var isEmpty: Bool { runIDs.isEmpty && resultIDs.isEmpty }
}

/// Why a spool file cannot be ingested at all. Descriptions never quote the file.
package enum SpoolFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLarge(bytes: Int, limit: Int)
    case notUTF8
    case noRunIDs(problems: SpoolProblems)
    case tooManyRunIDs(limit: Int)
    case invalidJSON(String)
    /// Labels or notifiers break a rule: nothing is ingested, since the runs' alerts
    /// could otherwise go where the producer did not mean them to.
    case invalidRouting(SpoolProblems)

    package var description: String {
        switch self {
        case .tooLarge(let bytes, let limit): "file is \(bytes) bytes, over the \(limit)-byte limit"
        case .notUTF8: "file is not UTF-8 text"
        case .noRunIDs(let problems):
            problems.isEmpty ? "file holds no run ids" : "file holds no valid run ids:\n" + problems.lines.joined(separator: "\n")
        case .tooManyRunIDs(let limit): "file holds more than \(limit) distinct run ids (the limit per file); split it into several files"
        case .invalidJSON(let detail): "file starts with '{' but is not a valid submission: \(detail)"
        case .invalidRouting(let problems):
            "labels or notifiers refused, so no run id of this file was ingested:\n" + problems.lines.joined(separator: "\n")
        }
    }
}

/// Parses spool files. Two formats:
/// - plain text: ids separated by commas, spaces or newlines; `#` starts a comment;
/// - JSON: `{"run_ids": [1, 2], "result_ids": [8123], "suite": "nightly",
///   "labels": {"team": "voice"}, "notifiers": ["ops"]}` (`run_ids` or `result_ids`).
/// Every limit is in `SpoolLimits`; every problem is described by position and length.
package enum SpoolFileParser {
    package static var defaultMaxBytes: Int { SpoolLimits.default.maxBytes }

    package static func parse(_ data: Data, limits: SpoolLimits = .default) throws(SpoolFileError) -> SpoolSubmission {
        guard data.count <= limits.maxBytes else { throw .tooLarge(bytes: data.count, limit: limits.maxBytes) }
        guard String(validating: data, as: UTF8.self) != nil else { throw .notUTF8 }
        let submission: SpoolSubmission
        if data.first(where: { !isSpace($0) }) == UInt8(ascii: "{") {
            submission = try parseJSON(data, limits: limits)
        } else {
            submission = try parsePlain(data, limits: limits)
        }
        guard !submission.isEmpty else { throw .noRunIDs(problems: submission.problems) }
        return submission
    }

    /// Parses one id token: a positive integer that fits in 64 bits.
    package static func runID(_ token: Substring) -> RunID? {
        guard token.allSatisfy(\.isASCII), let id = RunID(token), id > 0 else { return nil }
        return id
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    static func parsePlain(_ data: Data, limits: SpoolLimits) throws(SpoolFileError) -> SpoolSubmission {
        var ids = RunIDCollector(limit: limits.maxRunIDs)
        var problems = SpoolProblems(limit: limits.maxListedProblems)
        var line = 1
        var tokenOnLine = 0
        var inComment = false
        var token: [UInt8] = []
        func finishToken() throws(SpoolFileError) {
            guard !token.isEmpty else { return }
            tokenOnLine += 1
            if let id = runID(token) {
                try ids.add(id)
            } else {
                let (at, length) = (tokenOnLine, token.count)
                problems.append("line \(line), token \(at): not a run id (\(SpoolProblems.bytes(length)))")
            }
            token.removeAll(keepingCapacity: true)
        }
        for byte in data {
            if byte == UInt8(ascii: "\n") {
                try finishToken()
                line += 1
                tokenOnLine = 0
                inComment = false
            } else if inComment {
                continue
            } else if byte == UInt8(ascii: "#") {
                try finishToken()
                inComment = true
            } else if byte == UInt8(ascii: ",") || isSpace(byte) {
                try finishToken()
            } else if token.count <= 20 {
                token.append(byte)
            } else {
                // Longer than any 64-bit id: only its length matters now.
                token.append(0)
            }
        }
        try finishToken()
        return SpoolSubmission(runIDs: ids.ids, problems: problems)
    }

    static func runID(_ token: [UInt8]) -> RunID? {
        guard token.count <= 19, token.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        var value: RunID = 0
        for digit in token {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(RunID(digit - 0x30))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value > 0 ? value : nil
    }
}

/// Distinct ids in file order, up to the per-file limit.
struct RunIDCollector {
    let limit: Int
    private(set) var ids: [RunID] = []
    private var seen: Set<RunID> = []

    init(limit: Int) { self.limit = limit }

    mutating func add(_ id: RunID) throws(SpoolFileError) {
        guard seen.insert(id).inserted else { return }
        guard ids.count < limit else { throw .tooManyRunIDs(limit: limit) }
        ids.append(id)
    }
}
