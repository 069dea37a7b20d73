import AsyncHTTPClient
import Foundation
import NIOCore
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// The simulator's results endpoint over loopback, as a client other than runwatch sees
/// it: the shape API.md describes (counts as strings, `runs` keyed by run id), the key
/// check, 404 for unknown ids, the deprecated v1 twin, the admin route, and growth.
@Suite struct SimulatorResultsTests {
    func get(_ url: String, key: String? = "sim-api-key") async throws -> (Int, [String: Any]?) {
        var request = HTTPClientRequest(url: url)
        if let key { request.headers.add(name: "X-CEKURA-API-KEY", value: key) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any])
    }

    @Test func theResultsEndpointAnswersCekurasShapeAndGrows() async throws {
        try await LoopbackServers.serve { servers in
            // Growth is measured from registration: the shape is checked on a result that
            // grows too slowly to change during the test (a loaded machine can take seconds
            // between two requests), growth on one that grows fast.
            for (id, growEvery) in [(8122, 3600.0), (8123, 0.3)] {
                var admin = HTTPClientRequest(url: servers.apiURL + "/_sim/results")
                admin.method = .POST
                let runs = id == 8122 ? "[21, 22, 23]" : "[11, 12, 13]"
                admin.body = .bytes(
                    ByteBuffer(string: #"{"id": \#(id), "runs": \#(runs), "initial": 1, "grow_every": \#(growEvery), "final": "failed"}"#))
                let registered = try await HTTPClient.shared.execute(admin, timeout: .seconds(10))
                #expect(registered.status.code == 200)
            }

            let (status, body) = try await get(servers.apiURL + "/test_framework/v2/results/8122/")
            #expect(status == 200)
            let json = try #require(body)
            #expect(json["total_runs_count"] as? String == "3", "counts are strings, as in Cekura's schema")
            #expect(json["completed_runs_count"] is String)
            let runs = try #require(json["runs"] as? [String: Any], "runs is an object keyed by run id")
            #expect(runs.keys.sorted() == ["21"])
            #expect(json["status"] as? String == "in_progress")

            let grown = await waitUntil(timeout: .seconds(10), every: .milliseconds(100)) {
                let (_, body) = (try? await get(servers.apiURL + "/test_framework/v1/results/8123")) ?? (0, nil)
                return (body?["runs"] as? [String: Any])?.count == 3
            }
            #expect(grown, "the v1 twin answers too, and the result grows to its total")
            // Listed runs are simulator runs: the bulk endpoint answers them.
            let bulk = try await HTTPClient.shared.execute(
                {
                    var r = HTTPClientRequest(url: servers.apiURL + "/test_framework/v1/runs/bulk/?run_ids=11,12,13")
                    r.headers.add(name: "X-CEKURA-API-KEY", value: "sim-api-key")
                    return r
                }(), timeout: .seconds(10))
            let objects =
                try JSONSerialization.jsonObject(with: Data((try await bulk.body.collect(upTo: 1 << 20)).readableBytesView)) as? [[String: Any]]
            #expect(objects?.count == 3)

            #expect(try await get(servers.apiURL + "/test_framework/v2/results/8123/", key: "wrong").0 == 401)
            #expect(try await get(servers.apiURL + "/test_framework/v2/results/9999/").0 == 404)
            #expect(try await get(servers.apiURL + "/test_framework/v2/results/12x/").0 == 404)
            let counters = servers.simulator.counters
            #expect(counters.resultRequests >= 4 && counters.resultsNotFound == 1 && counters.unauthorized == 1, "\(counters)")
        }
    }
}
