import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// A suite of 1,205 runs: its document and page hold at most 1,000 of them, every failure
/// first, with exact counts and the rest one `?offset=` away.
@Suite struct ConsoleSuiteWindowTests {
    typealias F = ConsoleStoreFixture

    func withBigSuite(_ body: @Sendable (ConsoleAPI) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: (1...1205).map { RunID($0) }, suite: "big"), at: F.t0)
            // The last ids fail: failures first must bring them into the first window.
            for id in 1201...1205 { try await F.end(store, RunID(id), .failed, at: F.t0 + 10) }
            let facts = ConsoleFacts(maxRequestsPerSecond: 2, batchSize: 100, pollInterval: .seconds(5), notifiers: [])
            try await body(ConsoleAPI(context: ConsoleContext(store: store, facts: { facts }, now: { F.now })))
        }
    }

    @Test func theFirstWindowHoldsEveryFailureAndAThousandRuns() async throws {
        try await withBigSuite { api in
            let document = try #require(try await api.suite(name: "big", instance: nil))
            #expect(document.suite.runs == 1205 && document.suite.ended == 5, "counts stay exact")
            #expect(document.runs.count == 1000 && document.runsOffset == 0 && document.runsOmitted == 205)
            #expect(document.runs.prefix(5).map(\.id) == [1201, 1202, 1203, 1204, 1205])

            let rest = try #require(try await api.suite(name: "big", instance: nil, window: SuiteRunWindow(offset: 1000, limit: 1000)))
            #expect(rest.runs.count == 205 && rest.runsOffset == 1000 && rest.runsOmitted == 1000)
            #expect(rest.runs.first?.id == 996 && rest.runs.last?.id == 1200)

            let page = HTMLProbe(ConsolePages().suite(document))
            #expect(page.html.contains(#"<p id="more-runs" class="more-runs">205 more runs"#))
            #expect(page.html.contains(#"?offset=1000""#))
            #expect(page.html.components(separatedBy: #"<tr class="run""#).count - 1 == 1000)
            let last = HTMLProbe(ConsolePages().suite(rest))
            #expect(last.html.contains(#"<p id="more-runs" class="more-runs">1000 more runs"#))
        }
    }
}
