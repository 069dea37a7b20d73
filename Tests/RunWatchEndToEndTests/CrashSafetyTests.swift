import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// "Commit, then act, then mark done", checked the hard way: the real daemon binary is
/// killed with SIGKILL at random instants while it ingests, polls and delivers.
@Suite(.serialized) struct CrashSafetyTests {
    @Test func thirtyRoundsOfKillNineLoseNoRunAndNoAlert() async throws {
        var options = CekuraSimulator.Options()
        options.seed = 4242
        options.stageSeconds = 0.3...2.5
        let simulator = CekuraSimulator(options: options)
        let receiver = WebhookReceiver()
        var slow = WebhookReceiver.Behaviour()
        slow.delaySeconds = 0.05  // widen the window between "received" and "answered"
        receiver.setBehaviour(slow)
        var rng = SplitMix64(seed: 99)
        try await withTemporaryDirectory { dir in
            let spool = SpoolDirectory(root: dir + "/spool")
            var submitted: [RunID] = []
            try await LoopbackServers.serve(simulator: simulator, receiver: receiver) { servers in
                let config = dir + "/runwatch.yaml"
                try """
                api:
                  base_url: \(servers.apiURL)
                  poll_interval: 300ms
                  batch_size: 20
                  max_requests_per_second: 20
                spool_dir: \(dir)/spool
                state_dir: \(dir)/state
                spool_scan_interval: 200ms
                notifiers:
                  - name: ci
                    kind: webhook
                    url: \(servers.hooksURL)/hooks
                """.write(toFile: config, atomically: true, encoding: .utf8)
                try spool.prepare()
                for round in 0..<30 {
                    let daemon = try DaemonProcess(config: config, apiKey: options.apiKey)
                    let ids = Array((round * 10 + 1)...(round * 10 + 10)).map { $0 + 900_000 }
                    simulator.addRandomRuns(ids)
                    try SpoolWriter.submit(SpoolSubmission(runIDs: ids), to: spool)
                    submitted += ids
                    // Kill at a random instant: during ingest, a poll, or a delivery.
                    try await Task.sleep(for: .secondsDouble(0.1 + rng.unit() * 1.2))
                    daemon.kill(SIGKILL)
                    #expect(await daemon.waitForExit(timeout: 10))
                }
                // One last life, left to finish.
                let daemon = try DaemonProcess(config: config, apiKey: options.apiKey)
                let settled = await waitUntil(timeout: .seconds(120), every: .milliseconds(200)) {
                    guard let store = try? SQLiteRunStore.open(directory: dir + "/state", readOnly: true),
                        let summary = try? await store.summary()
                    else { return false }
                    return summary.runsByStatus.values.reduce(0, +) == submitted.count && summary.active == 0 && summary.outboxPending == 0
                }
                #expect(settled)
                daemon.kill(SIGTERM)
                #expect(await daemon.waitForExit(timeout: 30))
                #expect(daemon.exitStatus == 0)
            }

            let store = try SQLiteRunStore.open(directory: dir + "/state", readOnly: true)
            var byRun: [RunID: [WebhookReceiver.Delivery]] = [:]
            for delivery in receiver.deliveries {
                guard let data = delivery.json?["data"] as? [String: Any], let id = data["run_id"] as? Int else { continue }
                byRun[id, default: []].append(delivery)
            }
            var duplicates = 0
            for id in submitted {
                let truth = try #require(simulator.truth(id))
                let history = try #require(try await store.history(of: id), "run \(id) was lost")
                #expect(history.status == truth.status.rawValue, "run \(id)")
                let deliveries = byRun[id] ?? []
                #expect(!deliveries.isEmpty, "run \(id): its end never reached the receiver")
                let outcome = try #require(RunOutcome(terminal: truth.status, success: truth.success))
                #expect(deliveries.allSatisfy { ($0.json?["type"] as? String) == outcome.eventType }, "run \(id)")
                #expect(
                    Set(deliveries.compactMap { $0.header("webhook-id") }).count == 1, "run \(id): a re-delivery must carry the original's webhook-id"
                )
                duplicates += max(0, deliveries.count - 1)
            }
            print("crash rounds: \(submitted.count) runs, \(receiver.deliveries.count) deliveries, \(duplicates) re-deliveries after kills")
        }
    }
}
