import Foundation

// libFuzzer target for `BulkResponseDecoder.decode`: the API's answer is an untrusted
// peer's bytes, so any body must give runs or a `BulkDecodeError`, never a crash, deep
// recursion or a runaway allocation. Built with the RunWatchCore sources by scripts/fuzz;
// see docs/development.md, "Fuzzing".
//
// Beyond "does not crash" it checks: determinism; that errors and skip reasons never
// carry body bytes; that an answer can only move runs the request asked for
// (`AnswerReading`); and that the scanner accepts exactly what Foundation's
// `JSONSerialization` accepts and reads the same ids and statuses, with the two
// differences BulkResponseDecoderFuzzTests documents and a third in `holdsFEFF`.

@_cdecl("LLVMFuzzerTestOneInput")
func bulkResponseDecoderFuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = start.map { Data(bytes: $0, count: count) } ?? Data()
    let result = decode(body)

    check(decode(body) == result, "two decodes of the same body differ")
    let slice = (Data([0x5B]) + body + Data([0x5D])).dropFirst().dropLast()
    check(decode(slice) == result, "a Data slice decodes differently from a copy")

    switch result {
    case .failure(let error):
        // Positions and kinds only: an error text never quotes the body.
        check(isShortASCII(error.description, 160), "error text is long or not ASCII: \(error.description.utf8.count) bytes")
    case .success(let runs):
        // Each element takes at least one byte and a separator.
        check(runs.count <= (count + 1) / 2, "more runs than the body has room for")
        for run in runs {
            switch run {
            case .run(let snapshot):
                check(snapshot.id > 0, "a run id <= 0")
                check(snapshot.anomalies.count <= 16, "\(snapshot.anomalies.count) anomalies for one run")
                check(snapshot.anomalies.allSatisfy { isShortASCII($0, 80) }, "an anomaly text is long or not ASCII")
            case .malformed(let id, let reason):
                check(id.map { $0 > 0 } ?? true, "a malformed run with an id <= 0")
                check(isShortASCII(reason, 80), "a skip reason is long or not ASCII")
            }
        }
        checkOnlyAskedRunsMove(runs)
    }
    compareWithFoundation(body, result)
    return 0
}

private func decode(_ body: Data) -> Result<[DecodedRun], BulkDecodeError> {
    Result { () throws(BulkDecodeError) in try BulkResponseDecoder.decode(body) }
}

private func isShortASCII(_ text: String, _ limit: Int) -> Bool {
    text.utf8.count <= limit && text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
}

/// Ask for every other id the answer names, plus one it does not: whatever the answer
/// holds, only asked runs may change state, end or make news.
private func checkOnlyAskedRunsMove(_ runs: [DecodedRun]) {
    let named = runs.compactMap { run -> RunID? in
        switch run {
        case .run(let snapshot): snapshot.id
        case .malformed(let id, _): id
        }
    }
    let answered = Set(named)
    let absent = (1...).first { !answered.contains($0) }!
    let asked = answered.sorted().enumerated().filter { $0.offset.isMultiple(of: 2) }.map(\.element) + [absent]
    let epoch = Date(timeIntervalSince1970: 1_800_000_000)
    let tracked = Dictionary(uniqueKeysWithValues: asked.map { ($0, TrackedRun(submittedAt: epoch)) })
    let reading = AnswerReading.read(runs, batch: asked, runs: tracked, at: epoch.addingTimeInterval(60), policy: WatchPolicy())
    let askedSet = Set(asked)
    check(Set(reading.next.keys).isSubset(of: askedSet), "an answer moved a run nobody asked for")
    check(reading.ended.isSubset(of: askedSet), "an answer ended a run nobody asked for")
    check(reading.updates.allSatisfy { askedSet.contains($0.snapshot.id) }, "an update for a run nobody asked for")
    check(reading.seen.allSatisfy { askedSet.contains($0.id) }, "a run nobody asked for was read")
    check(reading.next[absent] != nil, "an asked run missing from the answer was not accounted for")
}

/// The scanner must judge a body as `JSONSerialization` does. Allowed differences, by
/// design (see BulkResponseDecoderFuzzTests): Foundation accepts a trailing comma and
/// refuses numbers beyond a Double's range. Bodies Foundation would read as UTF-16 or
/// UTF-32 (a NUL among the first four bytes, a UTF-16 byte order mark) are not compared:
/// the endpoint sends UTF-8.
private func compareWithFoundation(_ body: Data, _ result: Result<[DecodedRun], BulkDecodeError>) {
    let head = Array(body.prefix(4))
    if head.contains(0) || head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE]) { return }
    let reference = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
    let scannerAccepts: Bool
    switch result {
    case .success, .failure(.notAnArray): scannerAccepts = true
    case .failure(.notJSON): scannerAccepts = false
    }
    switch (reference != nil, scannerAccepts) {
    case (true, false):
        guard case .failure(.notJSON(let why)) = result, why.contains("trailing comma") else {
            fatalError("invariant failed: Foundation accepts a body the scanner refuses (\(result))")
        }
    case (false, true):
        check(hasHugeNumber(body), "the scanner accepts a body Foundation refuses")
    case (true, true):
        guard case .success(let runs) = result, let array = reference as? [Any], !holdsFEFF(body) else { return }
        check(runs.count == array.count, "\(runs.count) runs, Foundation reads \(array.count) elements")
        for (run, element) in zip(runs, array) { compare(run, element) }
    case (false, false):
        break
    }
}

/// A number Foundation refuses as out of range: an exponent of three or more digits, or
/// a mantissa of more than 300 digits.
private func hasHugeNumber(_ body: Data) -> Bool {
    let bytes = Array(body)
    var digits = 0
    for (index, byte) in bytes.enumerated() {
        let isDigit = (0x30...0x39).contains(byte)
        digits = isDigit ? digits + 1 : 0
        if digits > 300 { return true }
        guard byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E"), index > 0, (0x30...0x39).contains(bytes[index - 1]) else { continue }
        var next = index + 1
        if next < bytes.count, bytes[next] == UInt8(ascii: "+") || bytes[next] == UInt8(ascii: "-") { next += 1 }
        var exponent = 0
        while next < bytes.count, (0x30...0x39).contains(bytes[next]) {
            exponent += 1
            next += 1
        }
        if exponent >= 3 { return true }
    }
    return false
}

/// The fields runwatch acts on, as Foundation reads them.
private func compare(_ run: DecodedRun, _ element: Any) {
    guard let object = element as? [String: Any] else {
        check(run == .malformed(id: nil, reason: "run is not a JSON object"), "a non-object element read as a run")
        return
    }
    switch run {
    case .run(let snapshot):
        let id = (object["id"] as? String).flatMap { Int($0) } ?? (object["id"] as? NSNumber)?.intValue
        check(snapshot.id == id, "run id \(snapshot.id), Foundation reads \(String(describing: id))")
        // Foundation's strings under the decoder's own bounds (a status on one line and
        // short, other strings capped): the comparison is of reading, not of bounding.
        let status = (object["status"] as? String).map { UntrustedText.printable($0, limit: RunSnapshot.Limits.status) }
        check(same(snapshot.status.rawValue, status), "a run status differs from Foundation's")
        let error = (object["error_message"] as? String).map { UntrustedText.capped($0, to: RunSnapshot.Limits.errorMessage) }
        check(same(snapshot.errorMessage, error), "error_message differs")
        let metadata = object["metadata"] as? [String: Any]
        let reason = (metadata?["ended_reason"] as? String).map { UntrustedText.capped($0, to: RunSnapshot.Limits.name) }
        check(same(snapshot.endedReason, reason), "ended_reason differs")
    case .malformed(_, let reason):
        if reason.contains("'status'") {
            check(object["status"] as? String == nil, "a readable status was called unreadable")
        }
    }
}

/// Equal as runwatch uses them: an empty string reads as absent.
private func same(_ scanned: String?, _ reference: String?) -> Bool {
    func normal(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
    return normal(scanned) == normal(reference)
}

/// Whether the body holds U+FEFF past a leading byte order mark, raw or escaped.
/// Foundation's `JSONSerialization` on Linux drops that character at the start of a
/// string and anywhere in a string holding an escape, keys included (`"\u{FEFF}st\u0061tus"`
/// reads as "status"); `JSONDecoder` and RFC 8259 keep it, and so does the scanner. Such
/// bodies are still compared for acceptance, not for values. Found by this target:
/// Fuzz/regressions/bulk/foundation-drops-feff*.
private func holdsFEFF(_ body: Data) -> Bool {
    let bytes = Array(body.starts(with: [0xEF, 0xBB, 0xBF]) ? body.dropFirst(3) : body[...])
    if bytes.indices.dropLast(2).contains(where: { bytes[$0] == 0xEF && bytes[$0 + 1] == 0xBB && bytes[$0 + 2] == 0xBF }) { return true }
    return String(decoding: bytes, as: UTF8.self).lowercased().contains("\\ufeff")
}
