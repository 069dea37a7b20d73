/// Which of a suite instance's runs one page or `/api/v1/suites/…` answer holds: a suite
/// may hold 10,000 runs, and a page of them all is megabytes, rendered again on every
/// refresh. Runs are ordered failures first, so the first window shows every failure up
/// to `maxLimit`; `?offset=N&limit=M` pages through the rest. Counts stay exact.
package struct SuiteRunWindow: Sendable, Equatable {
    package static let maxLimit = 1000
    package static let first = SuiteRunWindow(offset: 0, limit: maxLimit)

    package var offset: Int
    package var limit: Int

    package init(offset: Int, limit: Int) {
        self.offset = offset
        self.limit = limit
    }

    /// The window a request's query names: `offset` (≥ 0, default 0) and `limit`
    /// (1…1000, default 1000). Anything else is a problem in words (which never quote
    /// the value: it came from the request).
    package static func parse(query: [String: String]) -> Result<SuiteRunWindow, Problem> {
        var window = first
        if let text = query["offset"] {
            guard let offset = Int(text), offset >= 0, offset <= 100_000_000 else { return .failure(.badOffset) }
            window.offset = offset
        }
        if let text = query["limit"] {
            guard let limit = Int(text), limit >= 1, limit <= maxLimit else { return .failure(.badLimit) }
            window.limit = limit
        }
        return .success(window)
    }

    package enum Problem: Error, Equatable, CustomStringConvertible {
        case badOffset
        case badLimit

        package var description: String {
            switch self {
            case .badOffset: "offset must be a whole number of runs, 0 or more"
            case .badLimit: "limit must be a whole number of runs from 1 to \(SuiteRunWindow.maxLimit)"
            }
        }
    }

    /// The runs of `ordered` this window holds.
    package func slice<T>(_ ordered: [T]) -> ArraySlice<T> {
        let start = min(offset, ordered.count)
        return ordered[start..<min(start + limit, ordered.count)]
    }
}
