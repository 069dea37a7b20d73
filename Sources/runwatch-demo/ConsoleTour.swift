import AsyncHTTPClient
import Foundation
import RunWatchCore

/// The demo's look at the console: the suite page a Slack summary links to, saved as a
/// file, and the JSON of the same page checked against the store's own report.
struct ConsoleTour {
    var baseURL: String

    /// Problems found (empty when the console agrees with the store).
    func visit(suite: String, expectedRuns: Int, expectedPassed: Int) async -> [String] {
        let page = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-demo-console-suite.html").path
        let segment = ConsoleLinks.segment(suite)
        do {
            let html = try await get("/suites/\(segment)")
            try html.write(toFile: page, atomically: true, encoding: .utf8)
            let json = try await get("/api/v1/suites/\(segment)")
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let line = object?["suite"] as? [String: Any]
            let runs = line?["runs"] as? Int
            let passed = line?["passed"] as? Int
            print("\nconsole: \(baseURL)/  (suite page \(baseURL)/suites/\(segment) saved to \(page))")
            print("  /api/v1/suites/\(segment): \(passed.map(String.init) ?? "?") of \(runs.map(String.init) ?? "?") passed")
            guard runs == expectedRuns, passed == expectedPassed else {
                return ["console suite \(suite): \(passed ?? -1) of \(runs ?? -1) passed, store \(expectedPassed) of \(expectedRuns)"]
            }
            return []
        } catch {
            return ["console: \(error)"]
        }
    }

    private func get(_ path: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: baseURL + path), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 24)
        guard response.status.code == 200 else { throw TourError(description: "GET \(path): HTTP \(response.status.code)") }
        return String(decoding: body.readableBytesView, as: UTF8.self)
    }

    struct TourError: Error, CustomStringConvertible {
        var description: String
    }
}
