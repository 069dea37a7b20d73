import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RunWatchCore

/// An answer read within bounds: the status, the headers, and at most `limit` bytes of
/// the body.
package struct BoundedResponse: Sendable {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: Data
    /// The body went on past the limit; only its start was read and the connection was
    /// closed (never drained).
    package var truncated: Bool
}

/// Why a bounded exchange gave up; the text holds no URL and no header value.
package enum BoundedExchangeError: Error, Equatable, CustomStringConvertible {
    /// The whole exchange, body included, took longer than this.
    case deadline(Duration)
    /// The body was larger than the limit (when a larger body is an error).
    case bodyTooLarge(limit: Int)

    package var description: String {
        switch self {
        case .deadline(let limit): "no complete answer within \(DurationText.format(limit)) (the deadline includes the body)"
        case .bodyTooLarge(let limit): "the answer was larger than \(ByteCountText.format(limit))"
        }
    }
}

/// What to do with a body longer than the limit.
package enum BodyOverflow: Sendable {
    /// Keep its start and stop reading (a receiver's answer only explains the status).
    case truncate
    /// Fail with `BoundedExchangeError.bodyTooLarge` (an API answer cut short is useless).
    case fail
}

extension HTTPClient {
    /// Sends `request` and reads its answer, head and body, within `deadline`.
    ///
    /// AsyncHTTPClient's own deadline covers the head only: a peer that sends its head
    /// and then one byte a second would hold the caller for ever. So the read races a
    /// timer in a task group; the loser is cancelled, which cancels the request and
    /// closes its connection. At most `limit` bytes of the body are read; then the body
    /// is dropped, which also closes the connection (a large answer is never drained).
    package func boundedExchange(
        _ request: HTTPClientRequest, deadline: Duration, limit: Int, overflow: BodyOverflow
    ) async throws -> BoundedResponse {
        try await withThrowingTaskGroup(of: BoundedResponse?.self) { group in
            group.addTask {
                let nanoseconds = Int64(min(deadline.secondsDouble, 86400) * 1e9)
                let response = try await self.execute(request, deadline: .now() + .nanoseconds(nanoseconds))
                var body = Data()
                var truncated = false
                if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limit, overflow == .fail {
                    throw BoundedExchangeError.bodyTooLarge(limit: limit)
                }
                for try await chunk in response.body {
                    let room = limit - body.count
                    if chunk.readableBytes > room {
                        body.append(contentsOf: chunk.readableBytesView.prefix(room))
                        truncated = true
                        break
                    }
                    body.append(contentsOf: chunk.readableBytesView)
                }
                if truncated, overflow == .fail { throw BoundedExchangeError.bodyTooLarge(limit: limit) }
                return BoundedResponse(status: Int(response.status.code), headers: response.headers, body: body, truncated: truncated)
            }
            group.addTask {
                try await _Concurrency.Task.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                throw BoundedExchangeError.deadline(deadline)
            }
            return response
        }
    }
}
