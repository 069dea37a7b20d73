import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

@Suite struct EndToEndTests {
    @Test func twoHundredRunsAreTrackedToTheirTrueEndAndEveryFailureAlertedOnce() async throws {
        var options = CekuraSimulator.Options()
        options.seed = 2026
        options.stageSeconds = 0.2...1.0
        options.unknownStatusRate = 0.1
        options.faults.oddityRate = 0.2
        options.faults.malformedRunRate = 0.02
        let ids = Array(5001...5200)
        try await withTemporaryDirectory { dir in
            try await TestBed.run(
                simulator: options, in: dir,
                configure: { config, hooks in
                    config.api.batchSize = 50
                    config.notifiers = [
                        .init(name: "ops", kind: .slack, url: hooks + "/slack", groupWindow: .zero, minInterval: .zero),
                        .init(name: "ci", kind: .webhook, url: hooks + "/hooks"),
                    ]
                }
            ) { h in
                h.simulator.addRandomRuns(ids)
                try h.submit(Array(ids[0..<80]))
                try h.submit(Array(ids[80..<150]), labels: ["suite": "nightly"])
                try h.submit(Array(ids[150...]))
                let settled = await waitUntil(timeout: .seconds(90), every: .milliseconds(100)) { await h.settled(expecting: ids.count) }
                #expect(settled, "not every run reached its end")

                var expectedFailures: Set<RunID> = []
                for id in ids {
                    let truth = try #require(h.simulator.truth(id))
                    let history = try #require(try await h.daemon.store.history(of: id))
                    #expect(history.status == truth.status.rawValue, "run \(id)")
                    #expect(history.success == truth.success, "run \(id)")
                    #expect(history.transitions.last?.to == truth.status, "run \(id)")
                    if RunOutcome(terminal: truth.status, success: truth.success)?.isFailure == true { expectedFailures.insert(id) }
                }
                #expect(expectedFailures.count > 40, "the seed should produce a fair number of failures")

                // Slack: exactly one message per failed / timeout / cancelled / unsuccessful run.
                var slackByRun: [RunID: Int] = [:]
                for delivery in h.receiver.deliveries where delivery.path == "/slack" {
                    let text = try #require(delivery.json?["text"] as? String)
                    let id = try #require(Self.runID(inSlackText: text))
                    slackByRun[id, default: 0] += 1
                }
                #expect(Set(slackByRun.keys) == expectedFailures)
                #expect(slackByRun.values.allSatisfy { $0 == 1 })

                // Webhook: every ended run once, with its labels and a stable id.
                let hooks = h.receiver.deliveries.filter { $0.path == "/hooks" }
                #expect(hooks.count == ids.count)
                #expect(Set(hooks.compactMap { $0.header("webhook-id") }).count == ids.count)
                let labelled = hooks.filter { (($0.json?["data"] as? [String: Any])?["labels"] as? [String: String]) == ["suite": "nightly"] }
                #expect(labelled.count == 70)

                let counters = h.simulator.counters
                #expect(counters.maxIDsInRequest <= 50)
                #expect(counters.maxIDsInRequest > 1, "batches should be used")
                #expect(counters.pollsAfterTerminalServed == 0)
                #expect(counters.unauthorized == 0)
                #expect(counters.malformedRunsServed > 0, "the fault should have fired")
            }
        }
    }

    @Test func aRestartResumesWatchingWhatWasActive() async throws {
        var options = CekuraSimulator.Options()
        options.stageSeconds = 0.5...1.5
        try await withTemporaryDirectory { dir in
            // First life: ingest, then stop before the runs can end.
            try await TestBed.run(simulator: options, in: dir) { h in
                h.simulator.addRandomRuns(1...20)
                try h.submit(Array(1...20))
                let ingested = await waitUntil(timeout: .seconds(10)) { h.daemon.poller.watchedCount == 20 }
                #expect(ingested)
            }
            // Second life, same state folder, a simulator whose runs are already over.
            var ended = options
            ended.stageSeconds = 0...0
            try await TestBed.run(simulator: ended, in: dir) { h in
                h.simulator.addRandomRuns(1...20)
                #expect(h.daemon.poller.watchedCount > 0, "active runs are reloaded from the store")
                let settled = await waitUntil(timeout: .seconds(20)) { await h.settled(expecting: 20) }
                #expect(settled)
            }
        }
    }

    @Test func aForgottenRunIsDroppedByTheRunningDaemon() async throws {
        var options = CekuraSimulator.Options()
        options.stageSeconds = 600...600
        try await withTemporaryDirectory { dir in
            try await TestBed.run(simulator: options, in: dir) { h in
                h.simulator.addRandomRuns(1...3)
                try h.submit([1, 2, 3])
                let polled = await waitUntil(timeout: .seconds(10)) { h.simulator.counters.answered200 >= 1 }
                #expect(polled)
                #expect(try await h.daemon.store.forget([2]) == [2])
                let dropped = await waitUntil(timeout: .seconds(10)) { h.daemon.poller.watchedCount == 2 }
                #expect(dropped)
                #expect(try await h.daemon.store.history(of: 2) == nil)
            }
        }
    }

    static func runID(inSlackText text: String) -> RunID? {
        guard let range = text.range(of: "Run ") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}

/// The hand-written scanner against Foundation's parser, on the simulator's run objects
/// (with nulls, loose types and extra fields): both must read the same values.
@Suite struct DecoderAgreementTests {
    @Test func theScannerReadsWhatFoundationReads() throws {
        var rng = SplitMix64(seed: 12)
        let statuses = ["pending", "running", "evaluating", "completed", "failed", "timeout", "cancelled", "transcribing"]
        let objects: [JSONValue] = (1...400).map { id in
            let status = statuses[Int(rng.next() % UInt64(statuses.count))]
            let final = ["completed", "failed", "timeout", "cancelled"].contains(status)
            return SimulatedRunJSON.render(
                id: id, status: status, success: final ? rng.unit() < 0.5 : nil, isFinal: final, oddities: rng.unit() < 0.5, rng: &rng)
        }
        let body = JSONValue.array(objects).encoded()
        let decoded = try BulkResponseDecoder.decode(body)
        let reference = try #require(try JSONSerialization.jsonObject(with: body) as? [[String: Any]])
        #expect(decoded.count == reference.count)
        for (item, object) in zip(decoded, reference) {
            guard case .run(let run) = item else {
                Issue.record("object \(object["id"] ?? "?") was not decoded")
                continue
            }
            #expect(run.id == object["id"] as? Int)
            #expect(run.status.rawValue == object["status"] as? String)
            #expect(run.success == object["success"] as? Bool)
            #expect(run.scenarioName == object["scenario_name"] as? String)
            #expect(run.agentName == object["agent_name"] as? String)
            #expect(run.endedReason == ((object["metadata"] as? [String: Any])?["ended_reason"] as? String).flatMap { $0.isEmpty ? nil : $0 })
            #expect(run.errorMessage == (object["error_message"] as? String).flatMap { $0.isEmpty ? nil : $0 })
            #expect(run.resultID == object["result_id"] as? Int)
        }
    }
}
