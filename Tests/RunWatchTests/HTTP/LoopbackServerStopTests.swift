import Foundation
import Logging
import RunWatch
import RunWatchTesting
import Testing

/// Services stop the loopback server by cancelling it (`cancelWhenGracefulShutdown`): that
/// is its normal end, so a graceful shutdown of a daemon serving `/metrics` or the
/// console ends cleanly instead of with a CancellationError.
@Suite struct LoopbackServerStopTests {
    @Test(arguments: [false, true])
    func cancellingTheServerEndsItsRunWithoutAnError(_ connectionOpen: Bool) async throws {
        let server = try await LoopbackHTTPServer.bind(limits: .metrics) { _ in .text(200, "ok\n") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            if connectionOpen {
                // A keep-alive connection that answered once and stays open.
                let answer = try await RawTCPConnection(port: server.port).exchange(
                    "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout: .seconds(30))
                #expect(answer.received.hasPrefix("HTTP/1.1 200"))
            }
            group.cancelAll()
            // Throws here if the server's run ended with an error.
            try await group.next()
        }
    }
}
