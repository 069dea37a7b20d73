import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RunWatchCore

/// Calls Cekura's bulk runs endpoint and classifies the answer. Transport failures are
/// reported as `.retryable`, so the poller sees one vocabulary for every failure.
///
/// The API is a peer runwatch does not trust blindly: a redirect is never followed (the
/// key would go with it), the whole exchange has a deadline (`timeout`, body included),
/// and the answer has a size cap (`maxBodyBytes`).
package struct CekuraClient: Sendable {
    package let baseURL: String
    package let bulkPath: String
    /// `{id}` is replaced by the result id (`CekuraClient+Results.swift`).
    package let resultsPath: String
    let apiKey: Secret
    let http: HTTPClient
    package let timeout: Duration
    let retryAfterCap: Duration
    /// Run objects carry transcripts (10–50 KB each, a long call a few hundred KB), so 100
    /// of them are a few MB; an answer past this cap is refused as a whole.
    package let maxBodyBytes: Int

    package static let defaultMaxBodyBytes = 32 << 20

    package init(
        baseURL: String, bulkPath: String, apiKey: Secret, http: HTTPClient, timeout: Duration, retryAfterCap: Duration,
        maxBodyBytes: Int = CekuraClient.defaultMaxBodyBytes, resultsPath: String = CekuraClient.defaultResultsPath
    ) {
        self.resultsPath = resultsPath
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.bulkPath = bulkPath
        self.apiKey = apiKey
        self.http = http
        self.timeout = timeout
        self.retryAfterCap = retryAfterCap
        self.maxBodyBytes = maxBodyBytes
    }

    /// A GET of `pathAndQuery` on the API, with the key and runwatch's headers (bulk and
    /// results requests alike).
    func get(_ pathAndQuery: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: "\(baseURL)\(pathAndQuery)")
        request.method = .GET
        request.headers.add(name: "X-CEKURA-API-KEY", value: apiKey.value)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "runwatch/\(RunWatchVersion.current)")
        return request
    }

    package func fetch(_ ids: [RunID], now: @Sendable () -> Date) async -> BulkAnswer {
        let list = ids.map(String.init).joined(separator: ",")
        let request = get("\(bulkPath)?run_ids=\(list)")
        do {
            let response = try await http.boundedExchange(request, deadline: timeout, limit: maxBodyBytes, overflow: .fail)
            if RedirectAnswer.isRedirect(response.status) {
                return .retryable(RedirectAnswer.apiReason(status: response.status, location: response.headers.first(name: "Location")))
            }
            return BulkAnswerClassifier.classify(
                status: response.status,
                retryAfter: response.headers.first(name: "Retry-After"),
                body: response.body,
                now: now(),
                retryAfterCap: retryAfterCap)
        } catch BoundedExchangeError.bodyTooLarge(let limit) {
            // Smaller batches make smaller answers: the gate halves the batch size.
            return .batchRefused(
                status: 200,
                detail: "the answer was larger than \(ByteCountText.format(limit)) (api.max_response_size); asking for fewer runs at once")
        } catch is CancellationError {
            return .retryable("request cancelled")
        } catch {
            return .retryable("request failed: \(HTTPErrorText.describe(error))")
        }
    }
}

package enum RunWatchVersion {
    package static let current = "0.1.0"
}
