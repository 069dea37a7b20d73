import Foundation
import RunWatch
import RunWatchCore
import Synchronization

/// An HTTP double of Cekura's bulk runs endpoint, faithful to `shared/cekura/API.md`:
/// API-key check, strict `run_ids` parsing, JSON array answers that omit unknown ids,
/// scripted or seeded-random lifecycles, faults on demand, and counters of what it served.
///
/// Routes: `GET /test_framework/v1/runs/bulk/` and `/test_framework/v2/runs/bulk/`,
/// `GET /test_framework/{v1,v2}/results/{id}/` (`CekuraSimulator+Results.swift`);
/// admin (no key, loopback only): `GET /_sim/stats`, `POST /_sim/runs` (`{"ids": [..]}`),
/// `POST /_sim/results`, `POST /_sim/faults` (a `SimulatorFaults` JSON object).
package final class CekuraSimulator: Sendable {
    package struct Options: Sendable {
        package var apiKey = "sim-api-key"
        package var seed: UInt64 = 1
        /// Range of each non-final stage's length.
        package var stageSeconds: ClosedRange<Double> = 1...5
        package var unknownStatusRate = 0.0
        /// Register unknown ids on first sight instead of omitting them (for hand demos).
        package var autoRegister = false
        package var faults = SimulatorFaults.none
        /// Runs whose call has ended carry 10–50 KB of transcript, as real ones do (off by
        /// default so tests stay fast; see `SimulatedRunJSON.render`).
        package var transcripts = false
        package init() {}
    }

    struct SimRun {
        var script: RunScript
        var registeredAt: ContinuousClock.Instant
        var servedTerminal = false
        var firstServedTerminalAt: ContinuousClock.Instant?
        /// Wall-clock time of the same, to compare with receivers' timestamps.
        var firstServedTerminalDate: Date?
    }

    struct State {
        var runs: [RunID: SimRun] = [:]
        var rng: SplitMix64
        var faults: SimulatorFaults
        var counters = SimulatorCounters()
        var retryAfterUntil: ContinuousClock.Instant?
        var recentRequests: [ContinuousClock.Instant] = []
        var requestTimes: [Double] = []
        var inFlight = 0
        var hostile: HostileAnswer?
        var hostileBytesSent = 0
        var results: [ResultID: SimResult] = [:]
    }

    package let options: Options
    let state: Mutex<State>
    let clock = ContinuousClock()
    let epoch: ContinuousClock.Instant

    package init(options: Options = Options()) {
        self.options = options
        self.epoch = clock.now
        self.state = Mutex(State(rng: SplitMix64(seed: options.seed), faults: options.faults))
    }

    // MARK: Scenario control

    /// Registers runs with seeded-random lifecycles starting now.
    package func addRandomRuns(_ ids: some Sequence<RunID>) {
        let now = clock.now
        state.withLock { state in
            for id in ids where state.runs[id] == nil {
                let script = RunScript.random(using: &state.rng, stageSeconds: options.stageSeconds, unknownStatusRate: options.unknownStatusRate)
                state.runs[id] = SimRun(script: script, registeredAt: now)
            }
        }
    }

    package func addRun(_ id: RunID, script: RunScript) {
        let now = clock.now
        state.withLock { $0.runs[id] = SimRun(script: script, registeredAt: now) }
    }

    package func setFaults(_ faults: SimulatorFaults) {
        state.withLock { $0.faults = faults }
    }

    package var faults: SimulatorFaults { state.withLock { $0.faults } }

    /// Answers every bulk request this way (a redirect, a trickled or a huge body) until
    /// set to nil; admin routes keep working.
    package func setHostile(_ hostile: HostileAnswer?) {
        state.withLock { $0.hostile = hostile }
    }

    /// Body bytes the hostile answers got out before the client closed (or finished).
    package var hostileBytesSent: Int { state.withLock { $0.hostileBytesSent } }
    package var counters: SimulatorCounters { state.withLock { $0.counters } }

    /// The true final status and success of a run.
    package func truth(_ id: RunID) -> (status: RunStatus, success: Bool?)? {
        state.withLock { state in
            state.runs[id].map { ($0.script.finalStatus, $0.script.success) }
        }
    }

    package var registeredIDs: [RunID] { state.withLock { Array($0.runs.keys).sorted() } }

    /// Seconds from each run's final stage beginning to the simulator first serving it
    /// as final: the daemon's detection latency, on the simulator's clock.
    package func detectionLatencies() -> [Double] {
        state.withLock { state in
            state.runs.values.compactMap { run in
                guard let served = run.firstServedTerminalAt else { return nil }
                let ended = run.registeredAt + .secondsDouble(run.script.secondsUntilFinal)
                return max(0, (served - ended).secondsDouble)
            }
        }
    }

    /// When each run was first served as ended in a complete answer (wall clock).
    package func terminalServedDates() -> [RunID: Date] {
        state.withLock { state in state.runs.compactMapValues(\.firstServedTerminalDate) }
    }

    /// The most bulk requests that arrived within any window of `seconds`.
    package func maxRequestsInWindow(seconds: Double) -> Int {
        let times = state.withLock { $0.requestTimes }
        var best = 0
        var start = 0
        for end in times.indices {
            while times[end] - times[start] >= seconds { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }

    // MARK: HTTP

    /// `handle`, or the hostile answer when one is set (for `ScriptedHTTPServer`).
    package func answer(_ request: ScriptedHTTPServer.Request) async -> ScriptedHTTPServer.Answer {
        if !request.path.hasPrefix("/_sim/") {
            let hostile = state.withLock { state -> HostileAnswer? in
                guard let hostile = state.hostile else { return nil }
                state.counters.requests += 1
                state.counters.bulkRequests += 1
                state.hostileBytesSent = 0
                return hostile
            }
            if let hostile {
                return hostile.answer { sent in self.state.withLock { $0.hostileBytesSent = sent } }
            }
        }
        return .plain(await handle(request))
    }

    package func handle(_ request: ScriptedHTTPServer.Request) async -> ScriptedHTTPServer.Response {
        if request.path.hasPrefix("/_sim/results") { return adminResults(request) }
        if request.path.hasPrefix("/_sim/") { return admin(request) }
        if let resultID = Self.resultID(inPath: request.path) { return await handleResult(resultID, request) }
        guard request.method == "GET",
            request.path == "/test_framework/v1/runs/bulk/" || request.path == "/test_framework/v2/runs/bulk/"
        else {
            state.withLock { $0.counters.requests += 1 }
            return .json(404, Data(#"{"detail": "Not found."}"#.utf8))
        }
        let arrival = clock.now
        let (decision, delay) = state.withLock { state in
            state.counters.requests += 1
            state.counters.bulkRequests += 1
            state.inFlight += 1
            state.counters.maxConcurrentRequests = max(state.counters.maxConcurrentRequests, state.inFlight)
            state.requestTimes.append((arrival - epoch).secondsDouble)
            if let until = state.retryAfterUntil, arrival < until { state.counters.requestsInsideRetryAfter += 1 }
            let delay = state.rng.unit() < state.faults.slowRate ? state.faults.slowSeconds : 0
            return (decide(request, at: arrival, state: &state), delay)
        }
        if delay > 0 { try? await Task.sleep(for: .secondsDouble(delay)) }
        let response = state.withLock { state in
            state.inFlight -= 1
            return answer(decision, at: clock.now, state: &state)
        }
        return response
    }

    private enum Decision {
        case respond(ScriptedHTTPServer.Response)
        case runs(ids: [RunID], truncate: Bool)
    }

    private func decide(_ request: ScriptedHTTPServer.Request, at now: ContinuousClock.Instant, state: inout State) -> Decision {
        let faults = state.faults
        if faults.outage {
            state.counters.dropped += 1
            return .respond(.dropConnection)
        }
        guard request.header("X-CEKURA-API-KEY") == options.apiKey else {
            state.counters.unauthorized += 1
            return .respond(.json(401, Data(#"{"detail": "Invalid API key."}"#.utf8)))
        }
        // Like the real endpoint: a plain comma-separated list of integers, nothing else.
        guard let raw = request.query["run_ids"], !raw.isEmpty else {
            state.counters.badRequests += 1
            return .respond(.json(400, Data(#"{"run_ids": ["This field is required."]}"#.utf8)))
        }
        var ids: [RunID] = []
        for token in raw.split(separator: ",", omittingEmptySubsequences: false) {
            guard !token.isEmpty, token.allSatisfy(\.isASCII), let id = Int(token) else {
                state.counters.badRequests += 1
                return .respond(.json(400, Data(#"{"run_ids": ["run_ids must be comma-separated integers"]}"#.utf8)))
            }
            ids.append(id)
        }
        state.counters.idsRequested += ids.count
        state.counters.maxIDsInRequest = max(state.counters.maxIDsInRequest, ids.count)
        if let limit = faults.maxIDsPerRequest, ids.count > limit {
            state.counters.refusedTooManyIDs += 1
            return .respond(.json(414, Data(#"{"detail": "Request-URI Too Long"}"#.utf8)))
        }
        if let limit = faults.rateLimitPerSecond {
            state.recentRequests.removeAll { (now - $0) >= .seconds(1) }
            if Double(state.recentRequests.count) >= limit {
                let wait = (state.recentRequests.first.map { .seconds(1) - (now - $0) } ?? .seconds(1)).secondsDouble
                return .respond(rateLimit(seconds: max(1, wait.rounded(.up)), at: now, state: &state))
            }
            state.recentRequests.append(now)
        }
        if state.rng.unit() < faults.rateLimitRate {
            return .respond(rateLimit(seconds: faults.retryAfterSeconds, at: now, state: &state))
        }
        if state.rng.unit() < faults.serverErrorRate {
            state.counters.serverErrors += 1
            let status = [500, 502, 503][Int(state.rng.next() % 3)]
            return .respond(.text(status, "<html><body>\(status) Server Error</body></html>"))
        }
        if !faults.poisonIDs.isEmpty, let bad = ids.first(where: faults.poisonIDs.contains) {
            state.counters.poisoned += 1
            if faults.poisonStatus == 400 {
                return .respond(.json(400, Data(#"{"run_ids": ["Invalid pk \"\#(bad)\" - object does not exist."]}"#.utf8)))
            }
            return .respond(.text(faults.poisonStatus, "<html><body>\(faults.poisonStatus) Server Error</body></html>"))
        }
        for id in ids where state.runs[id] == nil && options.autoRegister {
            let script = RunScript.random(using: &state.rng, stageSeconds: options.stageSeconds, unknownStatusRate: options.unknownStatusRate)
            state.runs[id] = SimRun(script: script, registeredAt: now)
        }
        return .runs(ids: ids, truncate: state.rng.unit() < faults.truncateRate)
    }

    private func rateLimit(seconds: Double, at now: ContinuousClock.Instant, state: inout State) -> ScriptedHTTPServer.Response {
        state.counters.rateLimited += 1
        let until = now + .secondsDouble(seconds)
        state.retryAfterUntil = max(state.retryAfterUntil ?? until, until)
        let value: String
        if state.faults.retryAfterAsDate {
            // HTTP dates have whole seconds: round up so the client's wait covers ours.
            value = Self.imfFixdate(Date().addingTimeInterval(seconds.rounded(.up) + 1))
            state.retryAfterUntil = now + .secondsDouble(seconds.rounded(.up))
        } else {
            value = seconds == seconds.rounded() ? "\(Int(seconds))" : "\(seconds)"
        }
        return .json(429, Data(#"{"detail": "Request was throttled."}"#.utf8), headers: [("Retry-After", value)])
    }

    private func answer(_ decision: Decision, at now: ContinuousClock.Instant, state: inout State) -> ScriptedHTTPServer.Response {
        guard case .runs(let ids, let truncate) = decision else {
            if case .respond(let response) = decision { return response }
            return .dropConnection
        }
        var objects: [JSONValue] = []
        var servedTerminal: [RunID] = []
        for id in ids {
            guard var run = state.runs[id] else { continue }  // unknown ids are omitted
            if run.servedTerminal { state.counters.pollsAfterTerminalServed += 1 }
            let (status, isFinal) = run.script.stage(at: (now - run.registeredAt).secondsDouble)
            if state.rng.unit() < state.faults.malformedRunRate {
                state.counters.malformedRunsServed += 1
                objects.append(["id": .int(id), "status": .null, "success": .null])
                continue
            }
            let odd = state.rng.unit() < state.faults.oddityRate
            objects.append(
                SimulatedRunJSON.render(
                    id: id, status: status, success: isFinal ? run.script.success : nil,
                    isFinal: isFinal, oddities: odd, transcripts: options.transcripts, rng: &state.rng))
            if isFinal {
                servedTerminal.append(id)
                if run.firstServedTerminalAt == nil { run.firstServedTerminalAt = now }
                state.runs[id] = run
            }
        }
        var body = JSONValue.array(objects).encoded()
        if truncate {
            state.counters.truncated += 1
            body = body.prefix(max(1, body.count / 2))
        } else {
            // Only a complete answer counts as the client having seen the final status.
            let wall = Date()
            for id in servedTerminal {
                state.runs[id]?.servedTerminal = true
                if state.runs[id]?.firstServedTerminalDate == nil { state.runs[id]?.firstServedTerminalDate = wall }
            }
        }
        state.counters.answered200 += 1
        return .json(200, body)
    }

    // MARK: Admin

    private func admin(_ request: ScriptedHTTPServer.Request) -> ScriptedHTTPServer.Response {
        switch (request.method, request.path) {
        case ("GET", "/_sim/stats"):
            let counters = self.counters
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return .json(200, (try? encoder.encode(counters)) ?? Data())
        case ("POST", "/_sim/runs"):
            // `final` (optional): a status to end in after ~1 s, instead of a random lifecycle.
            struct Body: Decodable {
                var ids: [RunID]
                var final: String?
                var success: Bool?
            }
            guard let body = try? JSONDecoder().decode(Body.self, from: request.body) else {
                return .json(400, Data(#"{"detail": "want {\"ids\": [1, 2, 3]} and optionally \"final\": \"failed\""}"#.utf8))
            }
            if let final = body.final {
                let script = RunScript(
                    stages: [.init("pending", seconds: 0.5), .init("running", seconds: 0.5), .init(final, seconds: 0)],
                    success: body.success ?? (final == "completed"))
                for id in body.ids { addRun(id, script: script) }
            } else {
                addRandomRuns(body.ids)
            }
            return .json(200, Data(#"{"registered": \#(body.ids.count)}"#.utf8))
        case ("POST", "/_sim/faults"):
            guard let faults = try? JSONDecoder().decode(SimulatorFaults.self, from: request.body) else {
                return .json(400, Data(#"{"detail": "want a faults object"}"#.utf8))
            }
            setFaults(faults)
            return .json(200, Data(#"{"ok": true}"#.utf8))
        default:
            return .json(404, Data(#"{"detail": "Not found."}"#.utf8))
        }
    }

    /// Formats a date as IMF-fixdate.
    static func imfFixdate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
