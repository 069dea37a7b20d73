import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

/// `runwatch status --json` (the built binary) prints the console's overview document:
/// the fields `GET /api/v1/overview` serves, built by the same code from the store.
@Suite struct StatusJSONTests {
    @Test func statusJSONIsTheOverviewDocument() async throws {
        try await withTemporaryDirectory { dir in
            let state = dir + "/state"
            try writeFile(
                dir + "/runwatch.yaml",
                """
                state_dir: \(state)
                spool_dir: \(dir)/spool
                api:
                  max_requests_per_second: 0.5
                  batch_size: 1
                notifiers:
                  - name: ops
                    kind: slack
                    url: https://hooks.slack.example/services/T0/B0/SECRET
                """)
            let config = try Configuration.load(path: dir + "/runwatch.yaml")
            let store = try SQLiteRunStore.open(directory: state)
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))  // JSON dates have whole seconds
            _ = try await store.ingest(SpoolSubmission(runIDs: [1, 2, 3], suite: "nightly"), at: now - 60)
            let (_, ended) = RunTracker.observe(
                RunSnapshot(id: 2, status: .failed), run: TrackedRun(state: RunState(status: .running), submittedAt: now - 60), at: now - 10,
                policy: WatchPolicy())
            let draft = OutboxDraft(notifier: "old", runID: 2, event: "run.failed", idempotencyKey: "k2", payload: Data("{}".utf8))
            try await store.record(PollRecord(at: now - 10, updates: [ended], messages: [draft]))

            let (code, output) = try await runProcess(builtProduct("runwatch"), ["status", "--config", dir + "/runwatch.yaml", "--json"])
            #expect(code == 0, "\(output)")
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            var printed = try decoder.decode(OverviewDocument.self, from: Data(output.utf8))
            var expected = try await ConsoleAPI(context: ConsoleContext(store: store, facts: { ConsoleFacts(config) })).overview()
            // Built a moment apart (and the JSON date has whole seconds).
            printed.generatedAt = now
            expected.generatedAt = now
            #expect(printed == expected)
            // What the document holds, so the equality above is about something.
            #expect(printed.live == nil, "the CLI reads the store alone")
            #expect(printed.effectiveSweepPeriodSeconds == 15 && printed.summary.active == 2)
            #expect(printed.endedLast24h == ["failed": 1])
            #expect(printed.notifiers.map(\.name) == ["ops", "old"] && printed.notifiers.map(\.pending) == [0, 1])
            #expect(printed.openSuites.map(\.name) == ["nightly"])
            #expect(!output.contains("SECRET"))
            let (textCode, text) = try await runProcess(builtProduct("runwatch"), ["status", "--config", dir + "/runwatch.yaml"])
            #expect(textCode == 0)
            #expect(
                text.contains(
                    "  ops (slack): 0 pending, 0 dead, 0 delivered in 24h\n  old (not configured): 1 pending, 0 dead, 0 delivered in 24h\n"),
                "\(text)")
        }
    }
}
