import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// `result_ids` end to end: the daemon reads each result from the simulator's
/// `/test_framework/v2/results/{id}/`, watches every run it lists (also runs listed only
/// later, while the result grows), within the one request budget, through faults and a
/// restart.
@Suite struct ResultExpansionEndToEndTests {
    static func submitResults(_ ids: [ResultID], labels: [String: String] = [:], to spool: SpoolDirectory) throws {
        var submission = SpoolSubmission(runIDs: [], labels: labels)
        submission.resultIDs = ids
        try SpoolWriter.submit(submission, to: spool)
    }

    static func state(_ id: ResultID, _ h: TestBed) async -> String? {
        try? await h.daemon.store.result(id)?.0.state
    }

    @Test func aResultExpandsToItsRunsIncludingOneStillGrowing() async throws {
        var options = CekuraSimulator.Options()
        options.stageSeconds = 0.2...0.6
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: options, in: dir,
                configure: { config, hooks in config.notifiers = [.init(name: "ci", kind: .webhook, url: hooks + "/hooks")] }
            ) { h in
                // 8123 lists 2 runs at first and one more every 1.5 s up to 8 (slow enough that a
                // loaded machine still reads it while it grows); 8124 gives no
                // total, so only two equal reads make it stable.
                h.simulator.addResult(8123, runs: Array(9001...9008), initiallyVisible: 2, growEverySeconds: 1.5)
                h.simulator.addResult(8124, runs: [9101, 9102, 9103], reportsTotal: false)
                try Self.submitResults([8123, 8124], labels: ["team": "voice"], to: h.spool)

                let settled = await waitUntil(timeout: .seconds(60), every: .milliseconds(100)) {
                    guard await Self.state(8123, h) == "stable", await Self.state(8124, h) == "stable" else { return false }
                    return await h.settled(expecting: 11)
                }
                #expect(settled, "both results stable and all 11 runs ended")
                let grown = try #require(try await h.daemon.store.result(8123))
                #expect(grown.1 == Array(9001...9008))
                #expect(grown.0.reads >= 3, "a growing result is read until it stops growing")
                #expect(try await h.daemon.store.result(8124)?.1 == [9101, 9102, 9103])
                for id in Array(9001...9008) + [9101, 9102, 9103] {
                    let truth = try #require(h.simulator.truth(id))
                    let history = try #require(try await h.daemon.store.history(of: id), "run \(id) is in the store")
                    #expect(history.status == truth.status.rawValue, "run \(id)")
                }
                // The runs carry the routing of the submission that named the result.
                let hooks = h.receiver.deliveries.filter { $0.path == "/hooks" }
                #expect(hooks.count == 11)
                #expect(hooks.allSatisfy { (($0.json?["data"] as? [String: Any])?["labels"] as? [String: String]) == ["team": "voice"] })
                // Stable results are read no more.
                let reads = h.simulator.counters.resultRequests
                try await Task.sleep(for: .seconds(1))
                #expect(h.simulator.counters.resultRequests == reads)
            }
        }
    }

    @Test func aResultTheAPIDoesNotKnowEndsAsNotFound() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(simulator: CekuraSimulator.Options(), in: dir) { h in
                try Self.submitResults([777], to: h.spool)
                let ended = await waitUntil(timeout: .seconds(30), every: .milliseconds(50)) { await Self.state(777, h) == "not_found" }
                #expect(ended)
                let result = try #require(try await h.daemon.store.result(777))
                #expect(result.1.isEmpty)
                #expect(result.0.lastError?.contains("404") == true)
                #expect(h.simulator.counters.resultsNotFound == 3)
                #expect(try await h.daemon.store.resultsOverview(limit: 10).map(\.id) == [777])
            }
        }
    }

    @Test func faultsOnTheResultsEndpointAreRetriedUntilItExpands() async throws {
        var options = CekuraSimulator.Options()
        options.stageSeconds = 0.2...0.4
        options.faults.resultServerErrorRate = 0.3
        options.faults.resultRateLimitRate = 0.2
        options.faults.resultMalformedRate = 0.3
        options.faults.retryAfterSeconds = 1
        options.seed = 5
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: options, in: dir,
                configure: { config, _ in
                    config.api.backoffBase = .milliseconds(100)
                    config.api.backoffCap = .seconds(1)
                }
            ) { h in
                for (index, id) in (8200..<8206).enumerated() {
                    h.simulator.addResult(
                        id, runs: Array((10_000 + index * 10)..<(10_000 + index * 10 + 4)), initiallyVisible: 1, growEverySeconds: 0.3)
                }
                try Self.submitResults(Array(8200..<8206), to: h.spool)
                let done = await waitUntil(timeout: .seconds(90), every: .milliseconds(100)) {
                    for id in 8200..<8206 where await Self.state(id, h) != "stable" { return false }
                    return await h.settled(expecting: 24)
                }
                #expect(done, "every result expanded despite the faults")
                let counters = h.simulator.counters
                // The simulator's one random stream is shared with bulk polling, so which
                // faults a run meets depends on the interleaving: with about 60 % of reads faulty,
                // several are met in every run, but not always one of each kind (seen once
                // on a loaded machine).
                #expect(counters.resultServerErrors + counters.resultRateLimited + counters.resultMalformed >= 2, "\(counters)")
                // A 429 on a result read holds every request that has not started; a poll
                // already on its way while the 429 travels back may land inside the window
                // (as in FaultToleranceTests: at most one before and one after, per 429).
                #expect(
                    counters.requestsInsideRetryAfter <= 2 * (counters.resultRateLimited + counters.rateLimited),
                    "a 429 on a result read holds every request: \(counters)")
            }
        }
    }

    @Test func resultReadsShareTheRequestBudgetWithPolling() async throws {
        var options = CekuraSimulator.Options()
        options.stageSeconds = 1...3
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: options, in: dir,
                configure: { config, _ in
                    config.api.maxRequestsPerSecond = 4
                    config.api.batchSize = 5
                }
            ) { h in
                // Ten growing results and their runs polled in small batches: together far
                // more requests than 4 a second would allow if each went on its own.
                for index in 0..<10 {
                    h.simulator.addResult(
                        8300 + index, runs: Array((20_000 + index * 10)..<(20_000 + index * 10 + 6)), initiallyVisible: 1, growEverySeconds: 0.5)
                }
                try Self.submitResults(Array(8300..<8310), to: h.spool)
                let done = await waitUntil(timeout: .seconds(120), every: .milliseconds(200)) {
                    for id in 8300..<8310 where await Self.state(id, h) != "stable" { return false }
                    return await h.settled(expecting: 60)
                }
                #expect(done)
                let counters = h.simulator.counters
                #expect(counters.resultRequests >= 20 && counters.bulkRequests >= 10, "\(counters)")
                // 4/s with the gate's 10% margin: at most 40 arrivals in any 10 s. The gate
                // spaces the starts; between a start and its arrival the client's event loop
                // can hold one request back on a loaded machine, so two arrive close together
                // (seen once in 5 s windows: 21 > 20). A 10 s window keeps that jitter
                // inside the margin and still catches a real overrun.
                #expect(h.simulator.maxRequestsInWindow(seconds: 10) <= 40, "the request budget was exceeded")
            }
        }
    }

    @Test func aRestartMidExpansionResumesIt() async throws {
        var options = CekuraSimulator.Options()
        options.stageSeconds = 0.2...0.5
        let simulator = CekuraSimulator(options: options)
        // 2 runs listed at first, one more a second up to 8: still growing at the restart.
        simulator.addResult(8400, runs: Array(30_001...30_008), initiallyVisible: 2, growEverySeconds: 1)
        try await withTemporaryDirectory { dir in
            try await TestBed.run(simulator: simulator, in: dir) { h in
                try Self.submitResults([8400], to: h.spool)
                let started = await waitUntil(timeout: .seconds(20), every: .milliseconds(50)) {
                    (try? await h.daemon.store.result(8400))?.1.count ?? 0 >= 2
                }
                #expect(started)
                #expect(await Self.state(8400, h) == "expanding")
            }
            try await TestBed.run(simulator: simulator, in: dir) { h in
                let done = await waitUntil(timeout: .seconds(60), every: .milliseconds(100)) {
                    guard await Self.state(8400, h) == "stable" else { return false }
                    return await h.settled(expecting: 8)
                }
                #expect(done, "the second life finished the expansion and watched every run to its end")
                let runs = try await h.daemon.store.result(8400)?.1
                #expect(runs == Array(30_001...30_008))
            }
        }
    }

    @Test func hostileAnswersToAResultReadAreBoundedAndNeverFollowed() async throws {
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: CekuraSimulator.Options(), in: dir,
                configure: { config, _ in
                    config.api.maxResponseSize = 1 << 20
                    config.api.backoffBase = .milliseconds(100)
                    config.api.backoffCap = .milliseconds(300)
                }
            ) { h in
                h.simulator.addResult(8500, runs: [40_001, 40_002])
                // A redirect whose Location carries a token: not followed, not quoted.
                h.simulator.setHostile(.redirect(status: 302, location: "http://127.0.0.1:9/results/8500/?token=T0KEN3"))
                try Self.submitResults([8500], to: h.spool)
                let redirected = await waitUntil(timeout: .seconds(20), every: .milliseconds(50)) {
                    (try? await h.daemon.store.result(8500))?.0.lastError?.contains("redirect") == true
                }
                #expect(redirected)
                let error = try await h.daemon.store.result(8500)?.0.lastError ?? ""
                #expect(error.contains("host 127.0.0.1") && !error.contains("T0KEN3"), "\(error)")
                // A body past api.max_response_size is refused, not read to its end.
                h.simulator.setHostile(.huge(bytes: 4 << 30))
                let refused = await waitUntil(timeout: .seconds(20), every: .milliseconds(50)) {
                    (try? await h.daemon.store.result(8500))?.0.lastError?.contains("larger than") == true
                }
                #expect(refused)
                #expect(h.simulator.hostileBytesSent < 1 << 30, "the connection was closed, not drained")
                #expect(await Self.state(8500, h) == "expanding", "failed reads are retried, never an end")
                // The API behaves again: the result expands.
                h.simulator.setHostile(nil)
                let expanded = await waitUntil(timeout: .seconds(30), every: .milliseconds(100)) { await Self.state(8500, h) == "stable" }
                #expect(expanded)
                #expect(try await h.daemon.store.result(8500)?.1 == [40_001, 40_002])
            }
        }
    }
}
