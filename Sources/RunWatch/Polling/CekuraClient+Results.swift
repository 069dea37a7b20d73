import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RunWatchCore

/// Reads one Cekura result (`GET /test_framework/v2/results/{id}/`), the parent of the
/// runs one `run_scenarios` call created, with the same bounds as a bulk request: no
/// redirect followed, one deadline for the whole exchange, `api.max_response_size`.
extension CekuraClient {
    package static let defaultResultsPath = "/test_framework/v2/results/{id}/"

    package func readResult(_ id: ResultID, now: @Sendable () -> Date) async -> ResultExpansion.Read {
        let path = resultsPath.replacingOccurrences(of: "{id}", with: String(id))
        let request = get(path)
        do {
            let response = try await http.boundedExchange(request, deadline: timeout, limit: maxBodyBytes, overflow: .fail)
            if RedirectAnswer.isRedirect(response.status) {
                return .failed(reason: RedirectAnswer.apiReason(status: response.status, location: response.headers.first(name: "Location")))
            }
            return ResultAnswerClassifier.classify(
                status: response.status, retryAfter: response.headers.first(name: "Retry-After"), body: response.body, now: now(),
                retryAfterCap: retryAfterCap)
        } catch is CancellationError {
            return .failed(reason: "request cancelled")
        } catch {
            return .failed(reason: "request failed: \(HTTPErrorText.describe(error))")
        }
    }
}
