import NIOCore
import NIOPosix

/// A plain TCP connection to a loopback server, for tests that speak HTTP by hand: what
/// an HTTP client would never send (a body to `/metrics`, a connection left idle).
package final class RawTCPConnection: Sendable {
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    package init(port: Int) async throws {
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Closes the connection from this side.
    package func close() async {
        try? await channel.channel.close()
    }

    /// Sends `text` one byte at a time, `interval` apart, as a slow client does. Returns
    /// whether the server closed the connection before all of it was sent.
    package func trickle(_ text: String, every interval: Duration) async -> Bool {
        for byte in text.utf8 {
            guard channel.channel.isActive else { return true }
            do {
                try await channel.channel.writeAndFlush(ByteBuffer(bytes: [byte]))
            } catch {
                return true
            }
            try? await Task.sleep(for: interval)
        }
        return !channel.channel.isActive
    }

    /// Sends `text`, then reads until the server closes the connection or `timeout`
    /// passes. Returns what was read and whether the server closed.
    package func exchange(_ text: String, timeout: Duration) async throws -> (received: String, closed: Bool) {
        try await channel.executeThenClose { inbound, outbound in
            if !text.isEmpty {
                do {
                    try await outbound.write(ByteBuffer(string: text))
                } catch {
                    // The server closed first (a loaded machine can be slower than an
                    // idle timeout): that is the answer.
                    return ("", true)
                }
            }
            return await withTaskGroup(of: (String, Bool)?.self) { group in
                group.addTask {
                    var received = ""
                    do {
                        for try await chunk in inbound { received += String(buffer: chunk) }
                    } catch {}
                    return (received, true)
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first ?? ("", false)
            }
        }
    }
}
