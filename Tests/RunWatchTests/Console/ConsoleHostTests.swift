import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// DNS rebinding: a page on an attacker's name re-pointed at 127.0.0.1 reads the console as
/// same-origin, but its requests carry the attacker's name as `Host`. Only the console's
/// own names are answered; the rest are 421.
@Suite struct ConsoleHostTests {
    let t0 = Date(timeIntervalSince1970: 1_784_000_000)

    func withHandler(publicURL: String?, _ body: (ConsoleHandler) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            _ = try await store.ingest(SpoolSubmission(runIDs: [1]), at: t0)
            let facts = ConsoleFacts(
                maxRequestsPerSecond: 1, batchSize: 50, pollInterval: .seconds(5), notifiers: [], consoleLinks: ConsoleLinks(base: publicURL))
            let context = ConsoleContext(store: store, facts: { facts }, now: { self.t0 })
            try await body(ConsoleHandler(context: context, logger: Logger(label: "console-test")))
        }
    }

    static func request(_ path: String, host: String?, method: String = "GET") -> LoopbackHTTPServer.Request {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path)
        if let host { head.headers.add(name: "Host", value: host) }
        return LoopbackHTTPServer.makeRequest(head, ByteBuffer())
    }

    @Test(arguments: ["attacker.example", "attacker.example:8080", "127.0.0.1.attacker.example", "localhost.attacker.example:1", "evil", ""])
    func aForeignHostIsMisdirected(host: String) async throws {
        try await withHandler(publicURL: "https://console.example/runwatch") { handler in
            let page = await handler.respond(Self.request("/", host: host))
            #expect(page.parts?.status == 421, "\(host)")
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            #expect(page.parts?.body.contains(host.isEmpty ? "\u{0}" : host) == false, "the Host is not echoed")
            let api = await handler.respond(Self.request("/api/v1/overview", host: host))
            #expect(api.parts?.status == 421, "\(host)")
            #expect(api.header("Content-Type") == "application/json")
        }
    }

    @Test(arguments: [
        "127.0.0.1", "127.0.0.1:8081", "localhost", "LOCALHOST:9", "localhost.", "[::1]", "[::1]:8081", "console.example",
        "console.example:443", "Console.Example",
    ])
    func theConsolesOwnNamesAreAnswered(host: String) async throws {
        try await withHandler(publicURL: "https://console.example/runwatch") { handler in
            #expect(await handler.respond(Self.request("/", host: host)).parts?.status == 200, "\(host)")
        }
    }

    @Test func theListenHostIsAnsweredAndARequestWithoutHostToo() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteRunStore.open(directory: dir)
            let facts = ConsoleFacts(maxRequestsPerSecond: 1, batchSize: 50, pollInterval: .seconds(5), notifiers: [])
            let context = ConsoleContext(store: store, facts: { facts }, now: { self.t0 })
            let handler = ConsoleHandler(context: context, listenHost: "10.1.2.3", logger: Logger(label: "console-test"))
            #expect(await handler.respond(Self.request("/", host: "10.1.2.3:8081")).parts?.status == 200)
            #expect(await handler.respond(Self.request("/", host: nil)).parts?.status == 200)
            #expect(await handler.respond(Self.request("/", host: "10.1.2.4")).parts?.status == 421)
        }
    }

    @Test func wildcardListenNamesNoHost() {
        #expect(ConsoleHostPolicy(listenHost: "0.0.0.0").names == ConsoleHostPolicy.loopbackNames)
        #expect(ConsoleHostPolicy(listenHost: "::").names == ConsoleHostPolicy.loopbackNames)
        #expect(ConsoleHostPolicy(publicURL: "https://user@Console.Example:8443/x?y").names.contains("console.example"))
    }

    /// Under /api/ every answer is JSON, the 405 too (docs/api.md says errors are JSON).
    @Test(arguments: ["POST", "DELETE", "HEAD"])
    func aNonGETUnderTheAPIIsAJSON405(method: String) async throws {
        try await withHandler(publicURL: nil) { handler in
            let api = await handler.respond(Self.request("/api/v1/overview", host: "127.0.0.1", method: method))
            #expect(api.parts?.status == 405)
            #expect(api.header("Content-Type") == "application/json")
            #expect(api.header("Allow") == "GET")
            let object = try JSONSerialization.jsonObject(with: Data((api.parts?.body ?? "").utf8)) as? [String: String]
            #expect(object?["error"] == "the console is read-only: GET only")
        }
    }
}
