import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Where the console is served: its own `console_listen`, or the metrics endpoint's
/// address when both name the same one; GET only; `console_listen` fixed until restart.
@Suite struct ConsoleServingTests {
    @Test func theConsoleAnswersOnItsOwnAddressAndRefusesEverythingButGet() async throws {
        let simulator = CekuraSimulator()
        try await withTemporaryDirectory { dir in
            try await LoopbackServers.serve(simulator: simulator) { servers in
                let prepared = try await InProcessDaemon.prepare(apiURL: servers.apiURL, in: dir, apiKey: simulator.options.apiKey) {
                    $0.consoleListen = "127.0.0.1:0"
                }
                let base = try #require(prepared.daemon.console?.baseURL, "console_listen set: the daemon has a console endpoint")
                #expect(prepared.daemon.metrics == nil)
                try await prepared.run {
                    let page = try await Self.fetch(base + "/")
                    #expect(page.status == 200)
                    #expect(page.headers["content-type"] == "text/html; charset=utf-8")
                    #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
                    let overview = try await Self.fetch(base + "/api/v1/overview")
                    #expect(overview.status == 200)
                    #expect(overview.headers["content-type"] == "application/json")
                    let object = try JSONSerialization.jsonObject(with: Data(overview.body.utf8)) as? [String: Any]
                    #expect(object?["summary"] != nil)
                    #expect(try await Self.fetch(base + "/api/v1/nothing").status == 404)
                    // Sent as written (an HTTP client would normalize the dots away).
                    let port = try #require(Int(base.split(separator: ":").last ?? ""))
                    for path in ["/runs/../etc/passwd", "/suites/../deliveries", "/suites/%2E%2E/x"] {
                        let raw = try await RawTCPConnection(port: port).exchange(
                            "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeout: .seconds(30))
                        #expect(raw.received.hasPrefix("HTTP/1.1 404"), "\(path)")
                        #expect(!raw.received.contains("root:"), "\(path)")
                    }
                    // A foreign Host (DNS rebinding) is refused over the wire too.
                    let rebound = try await RawTCPConnection(port: port).exchange(
                        "GET / HTTP/1.1\r\nHost: attacker.example:\(port)\r\nConnection: close\r\n\r\n", timeout: .seconds(30))
                    #expect(rebound.received.hasPrefix("HTTP/1.1 421"))
                    let post = try await Self.fetch(base + "/", method: .POST)
                    #expect(post.status == 405)
                    #expect(post.headers["allow"] == "GET")
                    let delete = try await Self.fetch(base + "/api/v1/overview", method: .DELETE)
                    #expect(delete.status == 405)
                }
            }
        }
    }

    @Test func consoleListenCannotChangeOnReload() async throws {
        let simulator = CekuraSimulator()
        try await withTemporaryDirectory { dir in
            try await LoopbackServers.serve(simulator: simulator) { servers in
                let prepared = try await InProcessDaemon.prepare(apiURL: servers.apiURL, in: dir, apiKey: simulator.options.apiKey) {
                    $0.consoleListen = "127.0.0.1:0"
                }
                var moved = prepared.configuration
                moved.consoleListen = "127.0.0.1:1"
                #expect(throws: Daemon.ReloadError.self) { try prepared.daemon.reload(moved) }
                var off = prepared.configuration
                off.consoleListen = nil
                #expect(throws: Daemon.ReloadError.self) { try prepared.daemon.reload(off) }
                var linked = prepared.configuration
                linked.console.publicURL = "https://runwatch.example.com"
                try prepared.daemon.reload(linked)
                #expect(prepared.daemon.currentConfiguration.consoleLinks.base == "https://runwatch.example.com")
            }
        }
    }

    /// The real binary, `console_listen` equal to `metrics_listen`: one server answers
    /// `/metrics`, `/healthz` and the console.
    @Test func oneServerWhenConsoleAndMetricsShareAnAddress() async throws {
        let simulator = CekuraSimulator()
        try await withTemporaryDirectory { dir in
            try await LoopbackServers.serve(simulator: simulator) { servers in
                let config = dir + "/runwatch.yaml"
                try """
                api:
                  base_url: \(servers.apiURL)
                spool_dir: \(dir)/spool
                state_dir: \(dir)/state
                metrics_listen: "127.0.0.1:0"
                console_listen: "127.0.0.1:0"
                log_level: info
                """.write(toFile: config, atomically: true, encoding: .utf8)
                let log = dir + "/daemon.log"
                let daemon = try DaemonProcess(launcher: [], config: config, apiKey: simulator.options.apiKey, logFile: log)
                var port: Int?
                let listening = await waitUntil(timeout: .seconds(60), every: .milliseconds(100)) {
                    port = OperationsTests.metricsPort(inLog: log)
                    return port != nil
                }
                try #require(listening, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "no log")")
                let base = "http://127.0.0.1:\(port ?? 0)"
                #expect(try await Self.fetch(base + "/metrics").body.contains("# TYPE"))
                #expect(try await Self.fetch(base + "/healthz").status == 200)
                #expect(try await Self.fetch(base + "/").headers["content-type"] == "text/html; charset=utf-8")
                #expect(try await Self.fetch(base + "/api/v1/overview").status == 200)
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                #expect(!text.contains("serving the console"), "no second server when the addresses are equal")
                daemon.kill(SIGTERM)
                #expect(await daemon.waitForExit(timeout: 30))
            }
        }
    }

    struct Answer {
        var status: Int
        /// Lower-cased names.
        var headers: [String: String]
        var body: String
    }

    static func fetch(_ url: String, method: HTTPMethod = .GET) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 1 << 22)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Answer(status: Int(response.status.code), headers: headers, body: String(decoding: body.readableBytesView, as: UTF8.self))
    }
}
