import Foundation

/// One element of a bulk answer: a run we can track, or a run object we had to skip.
package enum DecodedRun: Sendable, Equatable {
    case run(RunSnapshot)
    /// `id` is set when the object had a readable id, so the skip can be logged with it.
    case malformed(id: RunID?, reason: String)
}

/// Why a whole bulk body could not be used. Both are worth retrying with backoff: a
/// truncated or non-JSON body is a transport-level fault, not a fact about the runs.
package enum BulkDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case notJSON(String)
    case notAnArray(String)

    package var description: String {
        switch self {
        case .notJSON(let detail): "response body is not valid JSON (\(detail))"
        case .notAnArray(let found): "response body is \(found), expected a JSON array of runs"
        }
    }
}

/// Decodes the bulk endpoint's JSON array so that one odd run never fails its batch.
///
/// A single pass over the bytes that reads the dozen top-level fields runwatch uses and
/// skips everything else (transcripts, evaluations) without building it. Run objects carry
/// 10–50 KB of transcript each and this is the daemon's hot path: on answers of 100 such
/// runs it costs about a third of what `JSONDecoder` does (figures in docs/benchmarks.md,
/// "The bulk decoder"). The scanner is strict: a body RFC 8259 rejects anywhere, also
/// inside values it skips, fails as a whole (a truncated or corrupt answer), and a fuzz
/// test holds it to Foundation's `JSONSerialization`.
package enum BulkResponseDecoder {
    package static func decode(_ body: Data) throws(BulkDecodeError) -> [DecodedRun] {
        do {
            return try body.withUnsafeBytes { raw in
                var scanner = JSONScanner(raw.bindMemory(to: UInt8.self))
                return try scanner.bulkAnswer()
            }
        } catch let failure as JSONScanner.Failure {
            switch failure {
            case .syntax(let detail): throw .notJSON(detail)
            case .notAnArray(let found): throw .notAnArray(found)
            }
        } catch {
            throw .notJSON(String(describing: error))
        }
    }
}
