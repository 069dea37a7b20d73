/// The console's URLs, parsed from a request path. Pure: the handler maps a route to a
/// document (`/api/v1/…`, JSON) or a page (HTML) built from that same document, so the
/// two never disagree. Every page has a stable URL that Slack messages can link to
/// (`ConsoleLinks`); suite names travel percent-encoded as one path segment.
package enum ConsoleRoute: Sendable, Equatable {
    case overview
    case suites
    /// The latest instance of a suite name (open, else the most recent), or one instance.
    case suite(name: String, instance: Int64?)
    case run(RunID)
    case deliveries
    case stylesheet

    case apiOverview
    case apiSuites
    case apiSuite(name: String, instance: Int64?)
    case apiRun(RunID)
    case apiDeliveries
    case apiHistory

    /// Whether the answer is JSON (the `/api/v1` documents) rather than a page.
    package var isAPI: Bool {
        switch self {
        case .apiOverview, .apiSuites, .apiSuite, .apiRun, .apiDeliveries, .apiHistory: true
        case .overview, .suites, .suite, .run, .deliveries, .stylesheet: false
        }
    }

    /// The longest path considered: the longest suite name (128 bytes) percent-encoded
    /// three times over, plus the prefix; anything longer is not a console URL.
    package static let maxPathBytes = 1024

    /// The route for `path` (the URI without its query), nil when it names nothing.
    /// A trailing slash is ignored; dot segments and empty segments name nothing, so
    /// `/suites/../runs/1` is a 404 rather than a second name for a page. The dot rule
    /// reads the segment as sent: `%2E` is a suite named `.` (the spool accepts one, and
    /// `ConsoleLinks` encodes it so), not a path step; only a literal `.`/`..` is one.
    package static func parse(_ path: String) -> ConsoleRoute? {
        guard path.utf8.count <= maxPathBytes, path.hasPrefix("/") else { return nil }
        var raw = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if raw.last == "" { raw.removeLast() }
        var segments: [String] = []
        for segment in raw {
            guard !segment.isEmpty, segment != ".", segment != "..", let decoded = segment.removingPercentEncodingStrictly(), !decoded.isEmpty
            else { return nil }
            segments.append(decoded)
        }
        // Only the suite name is free text; every other segment is a literal (as sent).
        let literal = raw
        switch literal.count {
        case 0: return .overview
        default: break
        }
        if literal.first == "api" {
            guard literal.count >= 3, literal[1] == "v1" else { return nil }
            return apiRoute(Array(literal.dropFirst(2)), decoded: Array(segments.dropFirst(2)))
        }
        return pageRoute(literal, decoded: segments)
    }

    private static func pageRoute(_ literal: [String], decoded: [String]) -> ConsoleRoute? {
        switch (literal.first, literal.count) {
        case ("suites", 1): return .suites
        case ("suites", 2): return .suite(name: decoded[1], instance: nil)
        case ("suites", 3): return instance(literal[2]).map { .suite(name: decoded[1], instance: $0) }
        case ("runs", 2): return runID(literal[1]).map { .run($0) }
        case ("deliveries", 1): return .deliveries
        case ("console.css", 1): return .stylesheet
        default: return nil
        }
    }

    private static func apiRoute(_ literal: [String], decoded: [String]) -> ConsoleRoute? {
        switch (literal.first, literal.count) {
        case ("overview", 1): return .apiOverview
        case ("suites", 1): return .apiSuites
        case ("suites", 2): return .apiSuite(name: decoded[1], instance: nil)
        case ("suites", 3): return instance(literal[2]).map { .apiSuite(name: decoded[1], instance: $0) }
        case ("runs", 2): return runID(literal[1]).map { .apiRun($0) }
        case ("deliveries", 1): return .apiDeliveries
        case ("history", 1): return .apiHistory
        default: return nil
        }
    }

    private static func runID(_ text: String) -> RunID? { digits(text) }
    private static func instance(_ text: String) -> Int64? { digits(text) }

    /// Plain decimal digits only, at most 18 (so any fits): `+1`, `01x`, ` 1` name nothing.
    private static func digits<Number: FixedWidthInteger>(_ text: String) -> Number? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Number(text)
    }
}

extension String {
    /// Percent-decoding that refuses malformed escapes and escapes that decode to invalid
    /// UTF-8 (Foundation-free, so the Core stays pure).
    func removingPercentEncodingStrictly() -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
