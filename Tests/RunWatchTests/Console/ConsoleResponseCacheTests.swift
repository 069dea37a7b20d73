import Foundation
import RunWatch
import RunWatchTesting
import Synchronization
import Testing

/// Many viewers, one build: concurrent requests for one target share a build, an answer
/// is served again for `ttl`, failures are not kept.
@Suite struct ConsoleResponseCacheTests {
    typealias Response = LoopbackHTTPServer.Response

    static func body(_ response: Response) -> String {
        guard case .respond(_, _, let body) = response else { return "" }
        return String(decoding: body, as: UTF8.self)
    }

    @Test func concurrentRequestsForOneTargetShareOneBuild() async throws {
        let cache = ConsoleResponseCache(ttl: .seconds(3600))
        let builds = Counter()
        let released = Counter()
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    Self.body(
                        await cache.answer("/api/v1/overview") {
                            let n = builds.next()
                            // The build lasts until every other request waits for it.
                            await waitUntil(timeout: .seconds(60)) { released.value > 0 }
                            return .text(200, "build \(n)")
                        })
                }
            }
            #expect(await waitUntil(timeout: .seconds(60)) { cache.waiting(for: "/api/v1/overview") == 7 })
            _ = released.next()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(builds.value == 1)
        #expect(answers == Array(repeating: "build 1", count: 8))
    }

    @Test func anAnswerIsServedAgainUntilItExpiresAndFailuresAreNotKept() async throws {
        let builds = Counter()
        func build(status: Int) -> Response {
            let n = builds.next()
            return .text(status, "build \(n)")
        }
        let kept = ConsoleResponseCache(ttl: .seconds(3600))
        #expect(Self.body(await kept.answer("/") { build(status: 200) }) == "build 1")
        #expect(Self.body(await kept.answer("/") { build(status: 200) }) == "build 1")
        #expect(Self.body(await kept.answer("/suites") { build(status: 200) }) == "build 2", "one answer per target")
        #expect(Self.body(await kept.answer("/runs/1") { build(status: 503) }) == "build 3")
        #expect(Self.body(await kept.answer("/runs/1") { build(status: 503) }) == "build 4", "a 503 is not kept")

        let expired = ConsoleResponseCache(ttl: .zero)
        #expect(Self.body(await expired.answer("/") { build(status: 200) }) == "build 5")
        #expect(Self.body(await expired.answer("/") { build(status: 200) }) == "build 6")
    }
}

/// A count several tasks bump.
private final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func next() -> Int {
        count.withLock {
            $0 += 1
            return $0
        }
    }
}
