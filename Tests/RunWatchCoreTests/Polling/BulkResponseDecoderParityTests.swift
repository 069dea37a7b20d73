import Foundation
import RunWatchCore
import RunWatchTesting
import Testing

/// The scanner and the JSONDecoder path must give the same answers, so that the decoder
/// benchmark compares cost alone. (One known difference, never in the benchmark's bodies:
/// of a repeated key, `JSONDecoder` reads the first and the scanner, like
/// `JSONSerialization`, the last.)
@Suite struct BulkResponseDecoderParityTests {
    func expectSame(_ body: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        let scanner = Result { () throws(BulkDecodeError) in try BulkResponseDecoder.decode(body) }
        let library = Result { () throws(BulkDecodeError) in try FoundationBulkDecoder.decode(body) }
        switch (scanner, library) {
        case (.success(let a), .success(let b)): #expect(a == b, sourceLocation: sourceLocation)
        case (.failure(.notJSON), .failure(.notJSON)), (.failure(.notAnArray(_)), .failure(.notAnArray(_))): break
        default: Issue.record("scanner \(scanner) but JSONDecoder \(library)", sourceLocation: sourceLocation)
        }
    }

    @Test func simulatedBodiesWithTranscriptsAndOddities() {
        var rng = SplitMix64(seed: 3)
        let statuses = ["pending", "running", "evaluating", "completed", "failed", "timeout", "cancelled", "transcribing"]
        let objects: [JSONValue] = (1...120).map { id in
            let status = statuses[Int(rng.next() % UInt64(statuses.count))]
            let final = ["completed", "failed", "timeout", "cancelled"].contains(status)
            return SimulatedRunJSON.render(
                id: id, status: status, success: final ? rng.unit() < 0.5 : nil, isFinal: final,
                oddities: rng.unit() < 0.5, transcripts: true, rng: &rng)
        }
        expectSame(JSONValue.array(objects).encoded())
    }

    /// The benchmark's premise: ended runs carry 10–50 KB of transcript.
    @Test func transcriptsAreTenToFiftyKilobytes() {
        let sizes = (1...50).map { id in
            let (text, turns) = SimulatedTranscript.render(id: id)
            return JSONValue.array([text, turns]).encoded().count
        }
        #expect(sizes.allSatisfy { (10_000...56_000).contains($0) }, "\(sizes.min()!)...\(sizes.max()!)")
        #expect(SimulatedTranscript.render(id: 7) == SimulatedTranscript.render(id: 7), "the same on every poll")
    }

    @Test(arguments: [
        #"[{"id": 1, "status": "completed", "success": true}, {"id": 2, "status": null}, {"status": "failed"}, "x", {"id": 3, "status": 5}, {"id": -4, "status": "failed"}, null, 7]"#,
        #"[{"id": 8, "status": "completed", "success": "yes", "scenario_name": 12, "duration": 0, "metadata": "oops", "result_id": "abc"}]"#,
        #"[{"id": 7, "status": "completed", "duration": 75.4, "result_id": 12, "project_id": 3.5, "result": 9, "project": 4}]"#,
        #"[{"id": 7, "status": "completed", "result_id": null, "result": 9, "project": "x"}]"#,
        #"[{"id": "42", "status": "pending", "metadata": {"ended_reason": 5}}, {"id": 2.0, "status": "x"}, {"id": "4.5", "status": "x"}]"#,
        #"[{"id": 1, "status": "completed", "duration": 1e19}, {"id": 2, "status": "completed", "duration": -5}, {"id": 3, "status": "completed", "duration": ""}]"#,
        #"[{"id": 1, "status": "failed", "error_message": "a\nb \"q\" \\ \/ \u00e9 \ud83d\ude00 日本", "voice_recording_url": ""}]"#,
        #"[{"id": 1, "status": "running", "metadata": {}}, {"id": 2, "status": "running", "metadata": []}]"#,
        #"[{"\u0069d": 5, "st\u0061tus": "running", "m\u0065tadata": {"ended_\u0072eason": "x"}, "\u00e9": 1}]"#,
        #"{"detail": "oops"}"#, "null", #""text""#, "3", "", "[", "<html>",
    ])
    func handWrittenBodies(body: String) {
        expectSame(Data(body.utf8))
    }
}
