import Foundation
import RunWatch
import RunWatchCore

/// Cekura results (`GET /test_framework/v2/results/{id}/` and the deprecated v1 twin), as
/// `shared/cekura/API.md` describes them: counts typed as strings, `runs` an object keyed
/// by run id as a string. A result can grow: it lists `initiallyVisible` runs when
/// registered and one more every `growEverySeconds` until all are listed, like a
/// `run_scenarios` call still creating runs. A run becomes a simulator run (answered by
/// the bulk endpoint, its lifecycle starting) when the result first lists it.
extension CekuraSimulator {
    struct SimResult {
        var runIDs: [RunID]
        var initiallyVisible: Int
        var growEverySeconds: Double
        var reportsTotal: Bool
        var script: RunScript?
        var registeredAt: ContinuousClock.Instant

        func visible(at now: ContinuousClock.Instant) -> Int {
            guard growEverySeconds > 0 else { return runIDs.count }
            let grown = Int(((now - registeredAt).secondsDouble / growEverySeconds).rounded(.down))
            return min(runIDs.count, initiallyVisible + max(0, grown))
        }
    }

    /// Registers result `id` over `runs`. `initiallyVisible` (default: all) runs are listed
    /// at once, then one more every `growEverySeconds`. `reportsTotal` false leaves
    /// `total_runs_count` out, so the client must rely on stable reads. Each run gets
    /// `script` when listed, or a seeded-random lifecycle.
    package func addResult(
        _ id: ResultID, runs: [RunID], initiallyVisible: Int? = nil, growEverySeconds: Double = 0, reportsTotal: Bool = true,
        script: RunScript? = nil
    ) {
        let now = clock.now
        state.withLock { state in
            state.results[id] = SimResult(
                runIDs: runs, initiallyVisible: initiallyVisible ?? runs.count, growEverySeconds: growEverySeconds,
                reportsTotal: reportsTotal, script: script, registeredAt: now)
        }
    }

    /// Result reads served, by arrival time (seconds since the simulator started).
    package var resultRequestCount: Int { counters.resultRequests }

    static func resultID(inPath path: String) -> ResultID? {
        for prefix in ["/test_framework/v2/results/", "/test_framework/v1/results/"] where path.hasPrefix(prefix) {
            var rest = path.dropFirst(prefix.count)
            if rest.hasSuffix("/") { rest = rest.dropLast() }
            guard !rest.isEmpty, rest.allSatisfy(\.isASCII), rest.allSatisfy(\.isNumber), let id = Int(rest) else { return nil }
            return id
        }
        return nil
    }

    func handleResult(_ id: ResultID, _ request: ScriptedHTTPServer.Request) async -> ScriptedHTTPServer.Response {
        let arrival = clock.now
        return state.withLock { state in
            state.counters.requests += 1
            state.counters.resultRequests += 1
            state.requestTimes.append((arrival - epoch).secondsDouble)
            if let until = state.retryAfterUntil, arrival < until { state.counters.requestsInsideRetryAfter += 1 }
            let faults = state.faults
            if faults.outage {
                state.counters.dropped += 1
                return .dropConnection
            }
            guard request.method == "GET" else { return .json(405, Data(#"{"detail": "Method not allowed."}"#.utf8)) }
            guard request.header("X-CEKURA-API-KEY") == options.apiKey else {
                state.counters.unauthorized += 1
                return .json(401, Data(#"{"detail": "Invalid API key."}"#.utf8))
            }
            if let limit = faults.rateLimitPerSecond {
                state.recentRequests.removeAll { (arrival - $0) >= .seconds(1) }
                if Double(state.recentRequests.count) >= limit {
                    return resultRateLimit(seconds: 1, at: arrival, state: &state)
                }
                state.recentRequests.append(arrival)
            }
            if state.rng.unit() < faults.resultRateLimitRate {
                return resultRateLimit(seconds: faults.retryAfterSeconds, at: arrival, state: &state)
            }
            if state.rng.unit() < faults.resultServerErrorRate {
                state.counters.resultServerErrors += 1
                let status = [500, 502, 503][Int(state.rng.next() % 3)]
                return .text(status, "<html><body>\(status) Server Error</body></html>")
            }
            guard let result = state.results[id] else {
                state.counters.resultsNotFound += 1
                return .json(404, Data(#"{"detail": "Not found."}"#.utf8))
            }
            if state.rng.unit() < faults.resultMalformedRate {
                state.counters.resultMalformed += 1
                return .json(200, Data(#"{"id": "#.utf8) + Data("\(id), \"runs\": [1, 2".utf8))
            }
            state.counters.resultsAnswered += 1
            return .json(200, renderResult(id, result, at: arrival, state: &state).encoded())
        }
    }

    private func resultRateLimit(seconds: Double, at now: ContinuousClock.Instant, state: inout State) -> ScriptedHTTPServer.Response {
        state.counters.resultRateLimited += 1
        state.counters.rateLimited += 1
        let until = now + .secondsDouble(seconds)
        state.retryAfterUntil = max(state.retryAfterUntil ?? until, until)
        let value = seconds == seconds.rounded() ? "\(Int(seconds))" : "\(seconds)"
        return .json(429, Data(#"{"detail": "Request was throttled."}"#.utf8), headers: [("Retry-After", value)])
    }

    private func renderResult(_ id: ResultID, _ result: SimResult, at now: ContinuousClock.Instant, state: inout State) -> JSONValue {
        let visible = Array(result.runIDs.prefix(result.visible(at: now)))
        var runs: [String: JSONValue] = [:]
        var completed = 0
        var succeeded = 0
        var failed = 0
        for runID in visible {
            if state.runs[runID] == nil {
                let script =
                    result.script
                    ?? RunScript.random(using: &state.rng, stageSeconds: options.stageSeconds, unknownStatusRate: options.unknownStatusRate)
                state.runs[runID] = SimRun(script: script, registeredAt: now)
            }
            guard let run = state.runs[runID] else { continue }
            let (status, isFinal) = run.script.stage(at: (now - run.registeredAt).secondsDouble)
            let success = isFinal ? run.script.success : nil
            if isFinal {
                completed += 1
                if success == true { succeeded += 1 } else { failed += 1 }
            }
            runs[String(runID)] = SimulatedRunJSON.render(
                id: runID, status: status, success: success, isFinal: isFinal, oddities: false, rng: &state.rng)
        }
        let growing = visible.count < result.runIDs.count
        var body: [String: JSONValue] = [
            "id": .int(id), "name": .string("Simulated result \(id)"), "agent": 4242, "agent_name": "Simulated agent",
            // Cekura's result status: `completed` once any run did; not a verdict.
            "status": .string(growing ? "in_progress" : (completed > 0 ? "completed" : "running")),
            "success_rate": .string(visible.isEmpty ? "0.0" : String(format: "%.1f", 100 * Double(succeeded) / Double(visible.count))),
            "completed_runs_count": .string(String(completed)), "success_runs_count": .string(String(succeeded)),
            "failed_runs_count": .string(String(failed)), "runs": .object(runs),
        ]
        if result.reportsTotal { body["total_runs_count"] = .string(String(result.runIDs.count)) }
        return .object(body)
    }

    func adminResults(_ request: ScriptedHTTPServer.Request) -> ScriptedHTTPServer.Response {
        // {"id": 8123, "runs": [1, 2, 3], "initial": 1, "grow_every": 2.0, "reports_total": true,
        //  "final": "failed", "success": false}
        struct Body: Decodable {
            var id: ResultID
            var runs: [RunID]
            var initial: Int?
            var grow_every: Double?
            var reports_total: Bool?
            var final: String?
            var success: Bool?
        }
        guard request.method == "POST", request.path == "/_sim/results", let body = try? JSONDecoder().decode(Body.self, from: request.body)
        else {
            return .json(
                400,
                Data(
                    #"{"detail": "want POST {\"id\": 8123, \"runs\": [1, 2, 3]} and optionally initial, grow_every, reports_total, final, success"}"#
                        .utf8))
        }
        let script = body.final.map { final in
            RunScript(
                stages: [.init("pending", seconds: 0.5), .init("running", seconds: 0.5), .init(final, seconds: 0)],
                success: body.success ?? (final == "completed"))
        }
        addResult(
            body.id, runs: body.runs, initiallyVisible: body.initial, growEverySeconds: body.grow_every ?? 0,
            reportsTotal: body.reports_total ?? true, script: script)
        return .json(200, Data(#"{"registered": \#(body.runs.count)}"#.utf8))
    }
}
