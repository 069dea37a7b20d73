import NIOCore
import NIOPosix
import Synchronization

/// A webhook endpoint that never finishes an answer: it reads the request, sends a
/// `200` head that promises a body, and then holds the connection open without sending
/// it. A client's "time to the head" timeout has passed by then, so only an overall
/// deadline (or a shutdown bound) ends the delivery.
package final class StallingReceiver: Sendable {
    private typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private let channel: NIOAsyncChannel<Connection, Never>
    private let seen = Mutex(0)
    package let port: Int
    package var baseURL: String { "http://127.0.0.1:\(port)" }
    /// Connections on which a request arrived.
    package var requests: Int { seen.withLock { $0 } }

    package init() async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture { try Connection(wrappingChannelSynchronously: child) }
            }
        port = channel.channel.localAddress?.port ?? 0
    }

    /// Serves until the task is cancelled.
    package func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await channel.executeThenClose { inbound in
                for try await connection in inbound {
                    group.addTask {
                        try? await connection.executeThenClose { input, output in
                            var answered = false
                            // Reads until the client goes away; answers the head once.
                            for try await _ in input where !answered {
                                answered = true
                                self.seen.withLock { $0 += 1 }
                                try await output.write(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n"))
                            }
                        }
                    }
                }
            }
        }
    }
}
