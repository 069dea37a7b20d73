import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

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

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
    private let channel: NIOAsyncChannel<Connection, Never>
    private let handler: Handler
    package let port: Int
    package let host: String
    package var baseURL: String { host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)" }

    /// Binds now (so the port is known), serves once `run()` is called.
    package static func bind(host: String = "127.0.0.1", port: Int = 0, handler: @escaping Handler) async throws -> LoopbackHTTPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: child)
                }
            }
        return LoopbackHTTPServer(channel: channel, host: host, handler: handler)
    }

    private init(channel: NIOAsyncChannel<Connection, Never>, host: String, handler: @escaping Handler) {
        self.channel = channel
        self.host = host
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

    private static func makeRequest(_ head: HTTPRequestHead, _ body: ByteBuffer) -> Request {
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
