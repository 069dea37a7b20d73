import Foundation

/// What one bulk request's HTTP answer means for the poller.
package enum BulkAnswer: Sendable, Equatable {
    /// 2xx with a JSON array. Unknown ids are simply absent.
    case runs([DecodedRun])
    /// 429. `retryAfter` is the server's wait (already capped), nil if it gave none.
    case rateLimited(retryAfter: Duration?)
    /// 401/403: the key is wrong or lacks permission; retrying will not help.
    case keyRejected(status: Int, detail: String)
    /// 400/414: the server refused the request, which for a list of valid integer ids
    /// means the list was too long.
    case batchRefused(status: Int, detail: String)
    /// 408, 5xx, truncated or non-JSON bodies, and other statuses: retry with backoff.
    case retryable(String)
}

package enum BulkAnswerClassifier {
    package static func classify(
        status: Int, retryAfter: String?, body: Data, now: Date, retryAfterCap: Duration
    ) -> BulkAnswer {
        switch status {
        case 200..<300:
            do {
                return .runs(try BulkResponseDecoder.decode(body))
            } catch {
                return .retryable(error.description)
            }
        case 429:
            return .rateLimited(retryAfter: retryAfter.flatMap { RetryAfter.parse($0, now: now, cap: retryAfterCap) })
        case 401, 403:
            return .keyRejected(status: status, detail: detail(of: body))
        case 400, 414:
            return .batchRefused(status: status, detail: detail(of: body))
        default:
            return .retryable("HTTP \(status): \(detail(of: body))")
        }
    }

    /// The human part of a DRF error body: `{"detail": "..."}` or `{"field": ["..."]}`,
    /// one line and at most 200 characters (it is logged, stored and shown).
    package static func detail(of body: Data) -> String {
        UntrustedText.printable(rawDetail(of: body.prefix(64 << 10)), limit: 200)
    }

    private static func rawDetail(of body: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            if let detail = object["detail"] as? String { return detail }
            for (field, value) in object.sorted(by: { $0.key < $1.key }) {
                if let messages = value as? [String], let first = messages.first { return "\(field): \(first)" }
                if let message = value as? String { return "\(field): \(message)" }
            }
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return text.isEmpty ? "(empty body)" : text
    }
}
