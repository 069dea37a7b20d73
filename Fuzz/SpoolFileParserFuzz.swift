import Foundation

// libFuzzer target for `SpoolFileParser.parse`: spool files come from other teams, so any
// byte string must give a submission or a `SpoolFileError`, never a crash, a hang or a
// runaway allocation. Built with the RunWatchCore sources by scripts/fuzz; see
// docs/development.md, "Fuzzing".
//
// Beyond "does not crash", it checks what the parser promises its callers: among them,
// that no reason quotes the file. The canary word below is in the dictionary and the
// seeds; wherever the fuzzer puts it, it must never come back in a problem or an error.

@_cdecl("LLVMFuzzerTestOneInput")
func spoolFileParserFuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    let result = parse(data)

    // Deterministic, and blind to where the bytes sit: a slice of a larger buffer (a Data
    // whose indices do not start at 0) must read exactly like a fresh copy.
    let again = parse(data)
    check(again == result, "two parses of the same bytes differ: \(result) then \(again)")
    let slice = (Data([0x41]) + data + Data([0x42])).dropFirst().dropLast()
    check(parse(slice) == result, "a Data slice parses differently from a copy")

    let texts: [String]
    switch result {
    case .success(let submission): texts = submission.problems.lines
    case .failure(let error): texts = [error.description]
    }
    check(!texts.contains { $0.contains(canary) }, "a reason quotes the file's content")

    guard case .success(let submission) = result else { return 0 }
    // Accepted means UTF-8 text holding at least one id, each positive and listed once.
    check(String(validating: data, as: UTF8.self) != nil, "accepted a file that is not UTF-8")
    check(!submission.runIDs.isEmpty, "accepted a file with no run ids")
    check(submission.runIDs.allSatisfy { $0 > 0 }, "returned a run id <= 0")
    check(Set(submission.runIDs).count == submission.runIDs.count, "returned a run id twice")
    // Each id takes at least one byte and a separator ("1,2" or "[1,2]"); each problem
    // stands for at least one byte of input.
    check(submission.runIDs.count <= (count + 1) / 2, "more run ids than the input has room for")
    check(submission.problems.total <= count, "more problems than input bytes")
    check(submission.problems.listed.count <= SpoolLimits.default.maxListedProblems, "more problems listed than the limit")
    // The ids, written back as a plain spool file, read back as the same ids and nothing else.
    let plain = Data(submission.runIDs.map(String.init).joined(separator: "\n").utf8)
    check(parse(plain) == .success(SpoolSubmission(runIDs: submission.runIDs)), "the ids do not round-trip as a plain file")
    return 0
}

private func parse(_ data: Data) -> Result<SpoolSubmission, SpoolFileError> {
    Result { () throws(SpoolFileError) in try SpoolFileParser.parse(data) }
}

/// The word no reason may repeat (see the top of this file).
private let canary = "SECRETCANARY"
