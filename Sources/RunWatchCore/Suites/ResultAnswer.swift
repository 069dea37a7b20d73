import Foundation

/// What one HTTP answer to a result read means (the client's classification), on the
/// vocabulary `ResultExpansion` decides with.
package enum ResultAnswerClassifier {
    package static func classify(status: Int, retryAfter: String?, body: Data, now: Date, retryAfterCap: Duration) -> ResultExpansion.Read {
        switch status {
        case 200..<300:
            do {
                return .read(try ResultResponseDecoder.decode(body))
            } catch {
                return .failed(reason: "unreadable result: \(error.description)")
            }
        case 404:
            return .notFound
        case 429:
            return .rateLimited(retryAfter: retryAfter.flatMap { RetryAfter.parse($0, now: now, cap: retryAfterCap) })
        default:
            return .failed(reason: "HTTP \(status): \(BulkAnswerClassifier.detail(of: body))")
        }
    }
}
