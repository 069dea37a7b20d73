import Foundation
import Logging
import RunWatch
import RunWatchTesting
import Testing

/// `/metrics` is reachable by every local user: it takes no request body, holds a
/// bounded number of connections, and closes idle ones.
@Suite struct MetricsServerLimitsTests {
    /// Runs `body` against a server answering 200 "ok" to everything, with `limits`.
    func withServer(_ limits: LoopbackHTTPServer.Limits, _ body: @Sendable (Int) async throws -> Void) async throws {
        try await withRunningServer(limits) { server in try await body(server.port) }
    }

    func withRunningServer(_ limits: LoopbackHTTPServer.Limits, _ body: @Sendable (LoopbackHTTPServer) async throws -> Void) async throws {
        let server = try await LoopbackHTTPServer.bind(limits: limits) { _ in .text(200, "ok\n") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            try await body(server)
            group.cancelAll()
        }
    }

    @Test func aRequestBodyIsRefusedWith413AndTheConnectionClosed() async throws {
        try await withServer(.metrics) { port in
            let declared = try await RawTCPConnection(port: port).exchange(
                "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", timeout: .seconds(30))
            #expect(declared.received.hasPrefix("HTTP/1.1 413"))
            #expect(declared.closed)
            // A chunked body declares no length: refused as it arrives.
            let chunked = try await RawTCPConnection(port: port).exchange(
                "POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", timeout: .seconds(30))
            #expect(chunked.received.hasPrefix("HTTP/1.1 413"))
            #expect(chunked.closed)
            // A plain GET still works.
            let get = try await RawTCPConnection(port: port).exchange(
                "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout: .seconds(30))
            #expect(get.received.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func connectionsBeyondTheCapAreClosedAtOnce() async throws {
        let limits = LoopbackHTTPServer.Limits(maxBodyBytes: 0, maxConnections: 2, idleTimeout: nil)
        try await withRunningServer(limits) { server in
            let port = server.port
            // Two connections that never finish a request take the two places.
            let first = try await RawTCPConnection(port: port)
            let second = try await RawTCPConnection(port: port)
            // Accepted connections reach the server in the order their event loops set
            // them up, not always in connection order: on a busy machine the third could
            // otherwise take a place before the first two.
            let counted = await waitUntil(timeout: .seconds(30)) { server.openConnections == 2 }
            #expect(counted)
            let third = try await RawTCPConnection(port: port).exchange("GET / HTTP/1.1\r\n", timeout: .seconds(30))
            #expect(third.closed, "a third connection is closed by the server")
            #expect(third.received.isEmpty)
            // A place freed is a place for the next client.
            await first.close()
            let served = await waitUntil(timeout: .seconds(30)) {
                let answer = try? await RawTCPConnection(port: port).exchange(
                    "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout: .seconds(5))
                return answer?.received.hasPrefix("HTTP/1.1 200") == true
            }
            #expect(served)
            await second.close()
        }
    }

    @Test func anIdleConnectionIsClosed() async throws {
        let limits = LoopbackHTTPServer.Limits(maxBodyBytes: 0, maxConnections: 4, idleTimeout: .seconds(1))
        try await withServer(limits) { port in
            // Sends half a request head and then nothing: the server must not wait forever.
            let idle = try await RawTCPConnection(port: port).exchange("GET /metrics HTTP/1.1\r\n", timeout: .seconds(30))
            #expect(idle.closed)
        }
    }

    /// One byte every half idle timeout keeps the idle timer from firing; the request head
    /// deadline closes the connection anyway (before, it held its place for ever).
    @Test func aRequestHeadTrickledByteByByteIsClosedAtItsDeadline() async throws {
        let limits = LoopbackHTTPServer.Limits(maxBodyBytes: 0, maxConnections: 4, idleTimeout: .seconds(2), requestHeadTimeout: .seconds(3))
        try await withServer(limits) { port in
            let slow = try await RawTCPConnection(port: port)
            let head = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "a", count: 40)
            let closed = await slow.trickle(head, every: .seconds(1))
            #expect(closed, "the server closed the connection before the trickled head was complete")
            await slow.close()
        }
    }

    @Test func theSharedLimitsHaveARequestHeadDeadline() {
        #expect(LoopbackHTTPServer.Limits.metrics.requestHeadTimeout == .seconds(10))
        #expect(LoopbackHTTPServer.Limits.console.requestHeadTimeout == .seconds(10))
    }

    @Test func theMetricsEndpointUsesTheStrictLimits() async throws {
        let endpoint = try await MetricsEndpoint.bind(
            listen: "127.0.0.1:0", registry: .init(), heartbeat: Heartbeat(), status: StatusBoard(systemd: .disabled),
            logger: Logger(label: "test"))
        let port = Int(endpoint.baseURL.split(separator: ":").last ?? "") ?? 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await endpoint.run() }
            let answer = try await RawTCPConnection(port: port).exchange(
                "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx", timeout: .seconds(30))
            #expect(answer.received.hasPrefix("HTTP/1.1 413"))
            group.cancelAll()
        }
    }
}
