import Foundation
import NIOCore
import NIOHTTP1
import RunWatch

extension LoopbackHTTPServer.Request {
    /// A request as the server hands it to a handler (parsed by the server's own
    /// `makeRequest`), for tests that call a handler directly, such as
    /// `ConsoleHandler.respond`.
    package static func make(_ uri: String, method: String = "GET", headers: [(String, String)] = []) -> Self {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: uri)
        head.headers.add(name: "Host", value: "127.0.0.1")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        return LoopbackHTTPServer.makeRequest(head, ByteBuffer())
    }
}

extension LoopbackHTTPServer.Response {
    /// The status, headers and body of a `.respond` answer; nil for `.dropConnection`.
    package var parts: (status: Int, headers: [(String, String)], body: String)? {
        guard case .respond(let status, let headers, let body) = self else { return nil }
        return (status, headers, String(decoding: body, as: UTF8.self))
    }

    package func header(_ name: String) -> String? {
        parts?.headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}
