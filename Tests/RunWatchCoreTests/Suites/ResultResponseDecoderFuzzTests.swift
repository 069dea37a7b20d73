import Foundation
import RunWatchCore
import RunWatchTesting
import Testing

/// Result bodies shaped like Cekura's, mutated at random (bytes flipped, cut, spliced):
/// the decoder never crashes, and whatever it answers keeps its promises: run ids
/// positive, ascending and unique; skip reasons short and free of control characters;
/// errors short plain ASCII that quote nothing from the body.
@Suite struct ResultResponseDecoderFuzzTests {
    static func body(_ rng: inout SplitMix64) -> Data {
        var runs: [String: JSONValue] = [:]
        for _ in 0..<Int(rng.next() % 6) {
            let id = Int(rng.next() % 100_000) + 1
            runs[String(id)] = ["id": .int(id), "status": "running", "success": .null, "scenario_name": "Refund \u{1B}[31m request"]
        }
        let total: JSONValue = rng.unit() < 0.5 ? .string(String(runs.count + Int(rng.next() % 3))) : .int(runs.count)
        return JSONValue.object([
            "id": 8123, "name": "Nightly", "status": rng.unit() < 0.5 ? "in_progress" : "completed", "total_runs_count": total,
            "success_rate": "50.0", "runs": .object(runs),
        ]).encoded()
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func mutatedBodiesNeverCrashAndKeepTheirPromises(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var fuzzer = JSONFuzzer(seed: seed)
        var accepted = 0
        for round in 0..<1_500 {
            var body = Self.body(&rng)
            if round % 3 != 0 { fuzzer.mutate(&body) }
            do {
                let result = try ResultResponseDecoder.decode(body)
                accepted += 1
                #expect(result.runIDs.allSatisfy { $0 > 0 }, "round \(round)")
                #expect(result.runIDs == Array(Set(result.runIDs)).sorted(), "round \(round)")
                #expect(result.totalRuns.map { $0 >= 0 } ?? true, "round \(round)")
                for reason in result.skipped {
                    #expect(reason.count <= 80 && !reason.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "round \(round)")
                }
            } catch {
                #expect(error.description.count <= 120 && error.description.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "round \(round)")
                #expect(!error.description.contains("Refund"), "round \(round)")
            }
        }
        // Both kinds must be well represented, or the check proves little.
        #expect(accepted > 400 && accepted < 1_400, "\(accepted)")
    }
}
