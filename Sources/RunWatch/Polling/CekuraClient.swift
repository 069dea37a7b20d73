import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RunWatchCore

/// Calls Cekura's bulk runs endpoint and classifies the answer. Transport failures are
/// reported as `.retryable`, so the poller sees one vocabulary for every failure.
package struct CekuraClient: Sendable {
    package let baseURL: String
    package let bulkPath: String
    let apiKey: Secret
    let http: HTTPClient
    package let timeout: Duration
    let retryAfterCap: Duration
    /// Run objects carry transcripts; 100 of them are a few MB. Far above that is a fault.
    static let maxBodyBytes = 64 * 1024 * 1024

    package init(baseURL: String, bulkPath: String, apiKey: Secret, http: HTTPClient, timeout: Duration, retryAfterCap: Duration) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.bulkPath = bulkPath
        self.apiKey = apiKey
        self.http = http
        self.timeout = timeout
        self.retryAfterCap = retryAfterCap
    }

    package func fetch(_ ids: [RunID], now: @Sendable () -> Date) async -> BulkAnswer {
        let list = ids.map(String.init).joined(separator: ",")
        var request = HTTPClientRequest(url: "\(baseURL)\(bulkPath)?run_ids=\(list)")
        request.method = .GET
        request.headers.add(name: "X-CEKURA-API-KEY", value: apiKey.value)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "runwatch/\(RunWatchVersion.current)")
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout.secondsDouble * 1e9)))
            let body = try await response.body.collect(upTo: Self.maxBodyBytes)
            return BulkAnswerClassifier.classify(
                status: Int(response.status.code),
                retryAfter: response.headers.first(name: "Retry-After"),
                body: Data(body.readableBytesView),
                now: now(),
                retryAfterCap: retryAfterCap)
        } catch is CancellationError {
            return .retryable("request cancelled")
        } catch {
            return .retryable("request failed: \(Self.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError { return "\(client)" }
        return String(describing: error)
    }
}

package enum RunWatchVersion {
    package static let current = "0.1.0"
}
