import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import RunWatch

/// The loopback HTTP server of the simulator and the receivers. Besides plain answers it
/// can stream a body slowly or at length, which hostile-endpoint tests need (a head at
/// once, then one byte a second; a body of a gigabyte) and `/metrics`'
/// `LoopbackHTTPServer` has no reason to offer. Separate from that server on purpose: its
/// hardening (request size, connection caps) must not change the test doubles.
package final class ScriptedHTTPServer: Sendable {
    // The same request and plain answers as `/metrics`' server: handlers move between them.
    package typealias Request = LoopbackHTTPServer.Request
    package typealias Response = LoopbackHTTPServer.Response

    package enum Answer: Sendable {
        case plain(Response)
        /// The head at once (with `Content-Length: length`), then `length` filler bytes in
        /// chunks of `chunk`, one chunk every `every`; `sent` hears the running total. The
        /// connection closes after the body, or when the client goes away first.
        case stream(status: Int, headers: [(String, String)], length: Int, chunk: Int, every: Duration, sent: @Sendable (Int) -> Void)
    }

    package typealias Handler = @Sendable (Request) async -> Answer

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
    private let channel: NIOAsyncChannel<Connection, Never>
    private let handler: Handler
    package let port: Int
    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Binds now (so the port is known), serves once `run()` is called.
    package static func bind(port: Int = 0, handler: @escaping Handler) async throws -> ScriptedHTTPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: child)
                }
            }
        return ScriptedHTTPServer(channel: channel, handler: handler)
    }

    private init(channel: NIOAsyncChannel<Connection, Never>, handler: @escaping Handler) {
        self.channel = channel
        self.handler = handler
        self.port = channel.channel.localAddress?.port ?? 0
    }

    /// Serves until the task is cancelled.
    package func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await channel.executeThenClose { inbound in
                for try await connection in inbound {
                    group.addTask { [handler] in
                        try? await Self.serve(connection, handler: handler)
                    }
                }
            }
        }
    }

    private static func serve(_ connection: Connection, handler: Handler) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let h):
                    head = h
                    body.clear()
                case .body(var chunk):
                    body.writeBuffer(&chunk)
                case .end:
                    guard let head else { return }
                    let request = LoopbackHTTPServer.makeRequest(head, body)
                    switch await handler(request) {
                    case .plain(.dropConnection):
                        return
                    case .plain(.respond(let status, let headers, let payload)):
                        var responseHeaders = HTTPHeaders(headers)
                        responseHeaders.replaceOrAdd(name: "Content-Length", value: "\(payload.count)")
                        if !head.isKeepAlive { responseHeaders.replaceOrAdd(name: "Connection", value: "close") }
                        try await outbound.write(
                            .head(HTTPResponseHead(version: head.version, status: .init(statusCode: status), headers: responseHeaders)))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: payload))))
                        try await outbound.write(.end(nil))
                        if !head.isKeepAlive { return }
                    case .stream(let status, let headers, let length, let chunk, let every, let sent):
                        var responseHeaders = HTTPHeaders(headers)
                        responseHeaders.replaceOrAdd(name: "Content-Length", value: "\(length)")
                        responseHeaders.replaceOrAdd(name: "Connection", value: "close")
                        try await outbound.write(
                            .head(HTTPResponseHead(version: head.version, status: .init(statusCode: status), headers: responseHeaders)))
                        let filler = ByteBuffer(repeating: UInt8(ascii: " "), count: max(1, chunk))
                        var written = 0
                        while written < length {
                            if every > .zero { try await Task.sleep(for: every) }
                            let piece = filler.getSlice(at: 0, length: min(filler.readableBytes, length - written)) ?? filler
                            try await outbound.write(.body(.byteBuffer(piece)))
                            written += piece.readableBytes
                            sent(written)
                        }
                        try await outbound.write(.end(nil))
                        return
                    }
                }
            }
        }
    }
}

/// What a hostile endpoint does instead of answering properly (the simulator's and the
/// receivers' `hostile` mode), and what it managed to send.
package enum HostileAnswer: Sendable, Equatable {
    /// This 3xx status with this `Location`.
    case redirect(status: Int, location: String)
    /// 200 with its head at once, then one byte every `every` (of a megabyte body).
    case trickle(every: Duration)
    /// 200 with a body of `bytes` bytes, sent as fast as the client reads.
    case huge(bytes: Int)

    /// The answer to serve, telling `sent` how many body bytes went out.
    func answer(sent: @escaping @Sendable (Int) -> Void) -> ScriptedHTTPServer.Answer {
        switch self {
        case .redirect(let status, let location):
            .plain(.text(status, "moved", headers: [("Location", location)]))
        case .trickle(let every):
            .stream(status: 200, headers: [("Content-Type", "application/json")], length: 1 << 20, chunk: 1, every: every, sent: sent)
        case .huge(let bytes):
            .stream(status: 200, headers: [("Content-Type", "application/json")], length: bytes, chunk: 64 << 10, every: .zero, sent: sent)
        }
    }
}
