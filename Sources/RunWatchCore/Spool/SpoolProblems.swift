/// Problems found in one spool file: the first few described, the rest only counted, so a
/// 10 MiB garbage file costs a few lines, not a line per token. Descriptions name
/// positions, counts and lengths, never the file's content (a symlinked secret, another
/// team's data): reasons are group-readable and logs go to the journal.
package struct SpoolProblems: Sendable, Equatable {
    package private(set) var listed: [String]
    package private(set) var total: Int
    package let limit: Int

    package init(limit: Int = SpoolLimits.default.maxListedProblems, listed: [String] = []) {
        self.limit = limit
        self.listed = Array(listed.prefix(limit))
        self.total = listed.count
    }

    package var isEmpty: Bool { total == 0 }

    package mutating func append(_ problem: @autoclosure () -> String) {
        total += 1
        if listed.count < limit { listed.append(problem()) }
    }

    /// One line per listed problem, then "and K more problem(s)".
    package var lines: [String] {
        total > listed.count ? listed + ["and \(total - listed.count) more problem(s)"] : listed
    }

    /// Lengths as a reason shows them.
    package static func bytes(_ count: Int) -> String { count == 1 ? "1 byte" : "\(count) bytes" }
}

extension SpoolProblems {
    /// Adds another list's problems after these (its unlisted ones stay counted).
    package mutating func append(contentsOf other: SpoolProblems) {
        for problem in other.listed { append(problem) }
        total += other.total - other.listed.count
    }
}
