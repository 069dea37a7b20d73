import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A minimal HTTP/1.1 server, on 127.0.0.1 unless told otherwise: the metrics endpoint,
/// and the simulator and receivers of the tests. Each request is handed to an async
/// handler; keep-alive is supported.
package final class LoopbackHTTPServer: Sendable {
    package struct Request: Sendable {
        package var method: String
        package var uri: String
        package var path: String
        package var query: [String: String]
        package var rawQuery: String?
        package var headers: [(name: String, value: String)]
        package var body: Data

        package func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    package enum Response: Sendable {
        case respond(status: Int, headers: [(String, String)], body: Data)
        /// Close the connection without answering. A primitive of the server, not a fault:
        /// the simulator decides when to use it (its outage fault); `/metrics` never does.
        case dropConnection

        package static func json(_ status: Int, _ body: Data, headers: [(String, String)] = []) -> Response {
            .respond(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
        }

        package static func text(_ status: Int, _ body: String, headers: [(String, String)] = []) -> Response {
            .respond(status: status, headers: [("Content-Type", "text/plain")] + headers, body: Data(body.utf8))
        }
    }

    package typealias Handler = @Sendable (Request) async -> Response

    /// What one peer may make the server hold. `/metrics` is reachable by every local
    /// user (and beyond, if the operator binds it wider): no request body, a handful of
    /// connections, and idle connections closed, so nobody can pin its memory or its
    /// sockets. The simulator and receivers of the tests take bodies.
    package struct Limits: Sendable {
        /// Larger bodies are answered 413 and the connection closed.
        package var maxBodyBytes: Int
        /// Connections beyond this are closed as soon as they are accepted.
        package var maxConnections: Int
        /// A connection that sends nothing for this long is closed.
        package var idleTimeout: Duration?
        /// A connection whose request head is not complete this long after it was accepted
        /// (or after the last response, for the next request) is closed. The idle timeout
        /// alone restarts on every byte: a client trickling one byte at a time held a place
        /// for ever, and the connection cap made that a denial of service.
        package var requestHeadTimeout: Duration?

        package init(maxBodyBytes: Int, maxConnections: Int, idleTimeout: Duration?, requestHeadTimeout: Duration? = nil) {
            self.maxBodyBytes = maxBodyBytes
            self.maxConnections = maxConnections
            self.idleTimeout = idleTimeout
            self.requestHeadTimeout = requestHeadTimeout
        }

        package static let generous = Limits(maxBodyBytes: 64 * 1024 * 1024, maxConnections: 4096, idleTimeout: nil)
        package static let metrics = Limits(maxBodyBytes: 0, maxConnections: 16, idleTimeout: .seconds(10), requestHeadTimeout: .seconds(10))
        /// A browser opens up to six connections per tab; a few people at once fit.
        package static let console = Limits(maxBodyBytes: 0, maxConnections: 32, idleTimeout: .seconds(10), requestHeadTimeout: .seconds(10))
    }

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
    private let channel: NIOAsyncChannel<Connection, Never>
    private let handler: Handler
    private let limits: Limits
    private let open = Atomic<Int>(0)
    package let port: Int
    package let host: String
    /// Connections being served now (for tests of the cap).
    package var openConnections: Int { open.load(ordering: .relaxed) }
    package var baseURL: String { host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)" }

    /// Binds now (so the port is known), serves once `run()` is called.
    package static func bind(
        host: String = "127.0.0.1", port: Int = 0, limits: Limits = .generous, handler: @escaping Handler
    ) async throws -> LoopbackHTTPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    if let idle = limits.idleTimeout {
                        try child.pipeline.syncOperations.addHandlers(
                            IdleStateHandler(readTimeout: .nanoseconds(Int64(idle.secondsDouble * 1e9))),
                            CloseWhenIdle())
                    }
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    if let deadline = limits.requestHeadTimeout {
                        try child.pipeline.syncOperations.addHandler(RequestHeadDeadline(timeout: .nanoseconds(Int64(deadline.secondsDouble * 1e9))))
                    }
                    return try Connection(wrappingChannelSynchronously: child)
                }
            }
        return LoopbackHTTPServer(channel: channel, host: host, limits: limits, handler: handler)
    }

    private init(channel: NIOAsyncChannel<Connection, Never>, host: String, limits: Limits, handler: @escaping Handler) {
        self.channel = channel
        self.host = host
        self.limits = limits
        self.handler = handler
        self.port = channel.channel.localAddress?.port ?? 0
    }

    /// Serves until the task is cancelled, then returns: cancellation is how services stop
    /// it (`cancelWhenGracefulShutdown`), not an error; thrown, it made a graceful shutdown
    /// end the whole ServiceGroup with an error.
    package func run() async throws {
        do {
            try await withThrowingDiscardingTaskGroup { group in
                try await channel.executeThenClose { inbound in
                    for try await connection in inbound {
                        guard open.add(1, ordering: .relaxed).newValue <= limits.maxConnections else {
                            open.subtract(1, ordering: .relaxed)
                            try? await connection.executeThenClose { _, _ in }
                            continue
                        }
                        group.addTask { [self] in
                            defer { self.open.subtract(1, ordering: .relaxed) }
                            try? await Self.serve(connection, limits: self.limits, handler: self.handler)
                        }
                    }
                }
            }
        } catch is CancellationError where Task.isCancelled {
            return
        }
    }

    private static func serve(_ connection: Connection, limits: Limits, handler: Handler) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            func refuseBody(_ head: HTTPRequestHead) async throws {
                let text = limits.maxBodyBytes == 0 ? "request bodies are not accepted\n" : "request body over \(limits.maxBodyBytes) bytes\n"
                let headers = HTTPHeaders([("Content-Type", "text/plain"), ("Content-Length", "\(text.utf8.count)"), ("Connection", "close")])
                try await outbound.write(.head(HTTPResponseHead(version: head.version, status: .payloadTooLarge, headers: headers)))
                try await outbound.write(.body(.byteBuffer(ByteBuffer(string: text))))
                try await outbound.write(.end(nil))
            }
            for try await part in inbound {
                switch part {
                case .head(let h):
                    // Refused on the declared length, before reading any of it.
                    if let length = h.headers.first(name: "Content-Length").flatMap(Int.init), length > limits.maxBodyBytes {
                        try await refuseBody(h)
                        return
                    }
                    head = h
                    body.clear()
                case .body(var chunk):
                    // A chunked body declares no length: counted as it arrives.
                    if body.readableBytes + chunk.readableBytes > limits.maxBodyBytes {
                        if let head { try await refuseBody(head) }
                        return
                    }
                    body.writeBuffer(&chunk)
                case .end:
                    guard let head else { return }
                    let request = makeRequest(head, body)
                    switch await handler(request) {
                    case .dropConnection:
                        return
                    case .respond(let status, let headers, let payload):
                        var responseHeaders = HTTPHeaders(headers)
                        responseHeaders.replaceOrAdd(name: "Content-Length", value: "\(payload.count)")
                        if !head.isKeepAlive { responseHeaders.replaceOrAdd(name: "Connection", value: "close") }
                        try await outbound.write(
                            .head(HTTPResponseHead(version: head.version, status: .init(statusCode: status), headers: responseHeaders)))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: payload))))
                        try await outbound.write(.end(nil))
                        if !head.isKeepAlive { return }
                    }
                }
            }
        }
    }

    /// A request as handlers see it: path and decoded query split out of the URI.
    package static func makeRequest(_ head: HTTPRequestHead, _ body: ByteBuffer) -> Request {
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts.first ?? "")
        let rawQuery = parts.count > 1 ? String(parts[1]) : nil
        var query: [String: String] = [:]
        for pair in (rawQuery ?? "").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]).removingPercentEncoding ?? String(kv[0])
            let value = kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
            query[key] = value
        }
        return Request(
            method: head.method.rawValue, uri: head.uri, path: path, query: query, rawQuery: rawQuery,
            headers: head.headers.map { ($0.name, $0.value) }, body: Data(body.readableBytesView))
    }
}

/// Closes a connection that `IdleStateHandler` reports idle.
private final class CloseWhenIdle: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// Closes a connection whose request head has not arrived within `timeout` of the accept
/// or of the end of the last response. Sits after the HTTP decoder: it sees whole heads.
private final class RequestHeadDeadline: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) { arm(context) }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context) }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) { bound.value.close(promise: nil) }
    }
}
