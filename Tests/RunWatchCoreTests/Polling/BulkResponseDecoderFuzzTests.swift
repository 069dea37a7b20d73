import Foundation
import RunWatchCore
import RunWatchTesting
import Testing

/// The strict scanner against Foundation's `JSONSerialization` on seeded random and
/// mutated bodies: it must accept exactly the bodies Foundation accepts, and read the same
/// values from them. Two differences are by design, and only they are allowed:
/// - Foundation accepts a trailing comma (`[1,]`); RFC 8259 does not, nor does the scanner.
/// - Foundation refuses a number beyond a Double's range (`1e400`); RFC 8259 §6 allows it
///   and the scanner reads it as infinite, so one huge value is an anomaly of one run, not
///   a failed batch.
/// Bodies never contain a NUL byte: Foundation takes one among the first four bytes as a
/// sign of UTF-16 or UTF-32, which the bulk endpoint never sends.
@Suite struct BulkResponseDecoderFuzzTests {
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func generatedAndMutatedBodiesAreJudgedAsFoundationJudgesThem(seed: UInt64) {
        var fuzzer = JSONFuzzer(seed: seed)
        var accepted = 0
        for round in 0..<1_500 {
            var body = Data(fuzzer.body().utf8)
            if round % 4 != 0 { fuzzer.mutate(&body) }
            if check(body, round: round, seed: seed) { accepted += 1 }
        }
        // Both kinds must be well represented, or the comparison proves little.
        #expect(accepted > 300)
        #expect(accepted < 1_200)
    }

    @Test func simulatedBodiesMutated() {
        var rng = SplitMix64(seed: 9)
        var fuzzer = JSONFuzzer(seed: 9)
        let statuses = ["running", "evaluating", "completed", "failed", "timeout"]
        for round in 0..<300 {
            let objects: [JSONValue] = (1...3).map { id in
                let status = statuses[Int(rng.next() % UInt64(statuses.count))]
                return SimulatedRunJSON.render(
                    id: id, status: status, success: nil, isFinal: status != "running", oddities: rng.unit() < 0.5, rng: &rng)
            }
            var body = JSONValue.array(objects).encoded()
            fuzzer.mutate(&body)
            check(body, round: round, seed: 9)
        }
    }

    /// Returns whether the body was accepted.
    @discardableResult
    func check(_ body: Data, round: Int, seed: UInt64) -> Bool {
        let reference = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        let scanned: [DecodedRun]?
        var scannerAccepts: Bool
        var why = ""
        do {
            scanned = try BulkResponseDecoder.decode(body)
            scannerAccepts = true
        } catch {
            scanned = nil
            if case .notAnArray = error { scannerAccepts = true } else { scannerAccepts = false }
            why = error.description
        }
        let text = String(decoding: body, as: UTF8.self)
        switch (reference != nil, scannerAccepts) {
        case (true, false) where why.contains("trailing comma"):
            return false
        case (false, true) where text.range(of: #"[0-9][eE]\+?[0-9]{3,}"#, options: .regularExpression) != nil:
            return true
        case (true, false), (false, true):
            Issue.record(
                "seed \(seed) round \(round): Foundation \(reference != nil ? "accepts" : "refuses"), scanner \(scannerAccepts ? "accepts" : "refuses (\(why))"): \(text.debugDescription)"
            )
            return scannerAccepts
        case (false, false):
            return false
        case (true, true):
            if let scanned, let array = reference as? [Any] {
                expectSameFields(scanned, array, context: "seed \(seed) round \(round): \(text.debugDescription)")
            }
            return true
        }
    }

    /// The values runwatch reads, as Foundation reads them.
    func expectSameFields(_ scanned: [DecodedRun], _ reference: [Any], context: String) {
        guard scanned.count == reference.count else {
            Issue.record("\(scanned.count) runs, Foundation \(reference.count): \(context)")
            return
        }
        for (run, element) in zip(scanned, reference) {
            guard let object = element as? [String: Any] else {
                #expect(run == .malformed(id: nil, reason: "run is not a JSON object"), "\(context)")
                continue
            }
            switch run {
            case .run(let run):
                let id = (object["id"] as? String).flatMap { Int($0) } ?? (object["id"] as? NSNumber)?.intValue
                #expect(run.id == id, "\(context)")
                // Strings from the API are bounded (and a status made one line) when read.
                let name = { (text: String) in UntrustedText.capped(text, to: RunSnapshot.Limits.name) }
                #expect(
                    run.status.rawValue == (object["status"] as? String).map { UntrustedText.printable($0, limit: RunSnapshot.Limits.status) },
                    "\(context)")
                #expect(run.scenarioName == (object["scenario_name"] as? String).map(name), "\(context)")
                #expect(run.agentName == (object["agent_name"] as? String).map(name), "\(context)")
                #expect(
                    run.errorMessage
                        == (object["error_message"] as? String).flatMap {
                            $0.isEmpty ? nil : UntrustedText.capped($0, to: RunSnapshot.Limits.errorMessage)
                        }, "\(context)")
                let metadata = object["metadata"] as? [String: Any]
                #expect(run.endedReason == (metadata?["ended_reason"] as? String).flatMap { $0.isEmpty ? nil : name($0) }, "\(context)")
            case .malformed(_, let reason):
                if reason.contains("'status'") {
                    #expect(object["status"] as? String == nil, "\(context)")
                } else {
                    #expect((object["id"] as? String).flatMap { Int($0) }.map { $0 > 0 } != true, "\(context)")
                }
            }
        }
    }
}

/// Seeded JSON bodies shaped like bulk answers (run objects with the fields runwatch
/// reads, in every type), with every kind of whitespace, escape, Unicode and number, and
/// byte-level mutations of them.
struct JSONFuzzer {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    mutating func chance(_ p: Double) -> Bool { rng.unit() < p }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    mutating func body() -> String {
        let runs = (0..<below(4)).map { _ in run() }
        return space() + "[" + runs.map { space() + $0 + space() }.joined(separator: ",") + "]" + space()
    }

    mutating func run() -> String {
        var members: [String] = []
        for key in ["id", "status", "success", "scenario_name", "agent_name", "error_message", "metadata", "duration", "result_id", "transcript"]
        where chance(0.7) {
            let value: String
            switch key {
            case "id": value = chance(0.8) ? String(1 + below(100_000)) : self.value(depth: 3)
            case "status": value = chance(0.8) ? string() : self.value(depth: 3)
            case "metadata":
                value = chance(0.7) ? "{" + space() + #""ended_reason""# + space() + ":" + space() + string() + "}" : self.value(depth: 2)
            default: value = self.value(depth: 1)
            }
            members.append(#""\#(key)""# + space() + ":" + space() + value)
        }
        return "{" + space() + members.joined(separator: "," + space()) + space() + "}"
    }

    mutating func value(depth: Int) -> String {
        switch below(depth > 0 ? 8 : 6) {
        case 0, 1: return string()
        case 2, 3: return number()
        case 4: return chance(0.03) ? pick(["tru", "True", "falsey", "nul"]) : pick(["true", "false"])
        case 5: return chance(0.03) ? pick(["nulll", "NULL", "undefined"]) : "null"
        case 6: return "[" + (0..<below(4)).map { _ in space() + value(depth: depth - 1) }.joined(separator: ",") + "]"
        default: return "{" + (0..<below(4)).map { _ in space() + string() + space() + ":" + value(depth: depth - 1) }.joined(separator: ",") + "}"
        }
    }

    mutating func string() -> String {
        let pieces = [
            "running", "completed", "Main agent-ended-call", "é", "日本", "😀", "Ж", " ", "\u{7F}",
            #"\n"#, #"\""#, #"\\"#, #"\/"#, #"\b"#, #"\f"#, #"\r"#, #"\t"#, #"\u00e9"#, #"\u00E9"#,
            #"\ud83d\ude00"#, #"\u0000"#, #"\u001f"#, #"\uFFFF"#,
        ]
        // Near misses now and then: bad escapes, lone surrogates, raw control characters.
        let misses = [#"\q"#, #"\u12G4"#, #"\ud800"#, #"\udc00"#, #"\ud800\u0041"#, #"\ud800\ud800"#, "\t", "\u{01}", "\u{1F}", #"\U00e9"#, #"\x41"#]
        return "\"" + (0..<below(5)).map { _ in chance(0.02) ? pick(misses) : pick(pieces) }.joined() + "\""
    }

    mutating func number() -> String {
        // Near misses now and then: random byte edits rarely land inside a number.
        if chance(0.03) { return pick(["01", "-01", "00", "1.", ".5", "+1", "1e", "1e+", "-", "1.e5", "0x1F", "Infinity", "1_0", "-.5"]) }
        var text = chance(0.3) ? "-" : ""
        text += chance(0.3) ? "0" : String(1 + below(9)) + String(repeating: "7", count: below(4))
        if chance(0.3) { text += "." + String(below(1000)) }
        if chance(0.2) { text += pick(["e", "E"]) + pick(["", "+", "-"]) + String(below(chance(0.1) ? 500 : 30)) }
        return text
    }

    mutating func space() -> String { chance(0.7) ? "" : pick([" ", "\n", "\t", "\r", " \r\n "]) }

    /// One to three byte edits: delete, insert, replace, truncate, or duplicate a slice.
    mutating func mutate(_ body: inout Data) {
        // No 0x00: see the suite's comment.
        let alphabet: [UInt8] =
            Array(#"{}[],:"\ 0123456789.eE+-tfnrulasxb/"#.utf8) + [
                0x09, 0x0A, 0x0D, 0x0B, 0x0C, 0x01, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF, 0xEF, 0xBB,
            ]
        for _ in 0..<(1 + below(3)) {
            guard !body.isEmpty else { return }
            let at = body.startIndex + below(body.count)
            switch below(5) {
            case 0: body.remove(at: at)
            case 1: body.insert(pick(alphabet), at: at)
            case 2: body[at] = pick(alphabet)
            case 3: if chance(0.3) { body = body.prefix(below(body.count)) }
            default:
                let end = min(body.endIndex, at + 1 + below(8))
                body.insert(contentsOf: body[at..<end], at: at)
            }
        }
    }
}
