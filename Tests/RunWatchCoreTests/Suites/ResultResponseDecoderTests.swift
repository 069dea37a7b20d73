import Foundation
import RunWatchCore
import Testing

/// The body of `GET /v2/results/{id}/`: Cekura's shape (counts as strings, `runs` keyed by
/// run id) and hostile or odd bodies, each a clear error or a skipped entry, never a crash.
@Suite struct ResultResponseDecoderTests {
    func decode(_ text: String) throws -> ResultBody {
        try ResultResponseDecoder.decode(Data(text.utf8))
    }

    @Test func readsCekurasShape() throws {
        let body = try decode(
            """
            {"id": 8123, "name": "Nightly", "status": "in_progress", "success_rate": "50.0",
             "total_runs_count": "4", "completed_runs_count": "2",
             "runs": {"86370": {"id": 86370, "status": "running"}, "86368": {"id": 86368, "status": "completed"}}}
            """)
        #expect(body.runIDs == [86368, 86370])
        #expect(body.totalRuns == 4)
        #expect(body.status == .inProgress)
        #expect(body.skipped.isEmpty)
    }

    @Test func countsAsNumbersAndRunsAsAnArrayAreAcceptedToo() throws {
        let body = try decode(#"{"total_runs_count": 3, "runs": [{"id": 5}, {"id": "6"}, {"name": "no id"}]}"#)
        #expect(body.runIDs == [5, 6])
        #expect(body.totalRuns == 3)
        #expect(body.skipped == ["entry 2 has no run id"])
    }

    struct Odd: Sendable, CustomTestStringConvertible {
        var body: String
        var runIDs: [RunID]
        var total: Int?
        var skipped: Int
        var testDescription: String { body }
    }

    static let odd: [Odd] = [
        Odd(body: #"{"runs": {"12": {}, "abc": {}, "-3": {}, "0": {}, "1.5": {}, " 7": {}}}"#, runIDs: [12], skipped: 5),
        Odd(body: #"{"runs": {"99999999999999999999999": {}}}"#, runIDs: [], skipped: 1),
        Odd(body: #"{"runs": {"\u0661\u0662": {}}}"#, runIDs: [], skipped: 1),  // Arabic-Indic digits
        Odd(body: #"{"runs": null, "total_runs_count": "2"}"#, runIDs: [], total: 2, skipped: 0),
        Odd(body: #"{"status": "completed"}"#, runIDs: [], skipped: 0),
        Odd(body: #"{"runs": {}, "total_runs_count": "lots"}"#, runIDs: [], skipped: 0),
        Odd(body: #"{"runs": {}, "total_runs_count": true}"#, runIDs: [], skipped: 0),
        Odd(body: #"{"runs": {}, "total_runs_count": -4}"#, runIDs: [], skipped: 0),
        Odd(body: #"{"runs": {}, "total_runs_count": 2.5}"#, runIDs: [], skipped: 0),
        Odd(body: #"{"runs": {}, "total_runs_count": "0"}"#, runIDs: [], total: 0, skipped: 0),
    ]

    @Test(arguments: odd) func oddBodiesAreReadDefensively(_ c: Odd) throws {
        let body = try decode(c.body)
        #expect(body.runIDs == c.runIDs)
        #expect(body.totalRuns == c.total)
        #expect(body.skipped.count == c.skipped)
    }

    @Test(arguments: [
        ("", "empty body"),
        ("<html>502</html>", "not JSON"),
        (#"{"runs": {"1": {}"#, "not JSON"),
        ("[1, 2, 3]", "not a JSON object"),
        (#""text""#, "not a JSON object"),
        (#"{"runs": "86368,86369"}"#, "neither an object nor an array"),
        (#"{"runs": 5}"#, "neither an object nor an array"),
    ])
    func unusableBodiesAreClearErrors(_ text: String, _ message: String) {
        #expect(throws: ResultResponseDecoder.DecodeError.self) { try decode(text) }
        do {
            _ = try decode(text)
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test func aSkippedKeyIsQuotedOnlyPrintableAndShort() throws {
        let key = "\u{1B}[2J" + String(repeating: "k", count: 200)
        let body = try decode("{\"runs\": {\"\(key.replacingOccurrences(of: "\u{1B}", with: "\\u001b"))\": {}}}")
        let reason = try #require(body.skipped.first)
        #expect(!reason.contains("\u{1B}"))
        #expect(reason.count < 80)
    }

    @Test func moreRunsThanAnyResultHasIsRefused() {
        let runs = (1...(ResultResponseDecoder.maxRuns + 1)).map { "\"\($0)\": {}" }.joined(separator: ",")
        #expect(throws: ResultResponseDecoder.DecodeError.self) { try decode("{\"runs\": {\(runs)}}") }
    }

    @Test func theClassifierMapsStatuses() {
        let now = Date()
        let cap = Duration.seconds(900)
        #expect(ResultAnswerClassifier.classify(status: 404, retryAfter: nil, body: Data(), now: now, retryAfterCap: cap) == .notFound)
        #expect(
            ResultAnswerClassifier.classify(status: 429, retryAfter: "7", body: Data(), now: now, retryAfterCap: cap)
                == .rateLimited(retryAfter: .seconds(7)))
        guard
            case .failed(let reason) = ResultAnswerClassifier.classify(
                status: 503, retryAfter: nil, body: Data("down".utf8), now: now, retryAfterCap: cap)
        else {
            Issue.record("503 is a failure")
            return
        }
        #expect(reason.contains("HTTP 503"))
        guard
            case .failed(let broken) = ResultAnswerClassifier.classify(
                status: 200, retryAfter: nil, body: Data("[]".utf8), now: now, retryAfterCap: cap)
        else {
            Issue.record("a broken 200 is a failure")
            return
        }
        #expect(broken.contains("unreadable result"))
    }
}
