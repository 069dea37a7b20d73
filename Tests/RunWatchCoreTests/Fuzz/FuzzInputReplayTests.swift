import Foundation
import RunWatchCore
import Testing

/// Every committed fuzz input, replayed under `swift test` without the fuzzer: the seed
/// corpora (`Fuzz/corpus/<target>/`) and the reproducers of fixed crashes
/// (`Fuzz/regressions/<target>/`). A reproducer added there fails here until its fix is
/// in, whether or not anyone runs `scripts/fuzz`. The checks are the harnesses' core
/// ones; the exact expectation for a fixed crash goes in the parser's or decoder's own
/// suite. See docs/development.md, "Fuzzing".
@Suite struct FuzzInputReplayTests {
    /// The repository root, from this file's place in it (Tests/RunWatchCoreTests/Fuzz/).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func inputs(_ target: String) throws -> [(name: String, data: Data)] {
        try ["corpus", "regressions"].flatMap { kind in
            let folder = root.appending(path: "Fuzz/\(kind)/\(target)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return try names.sorted().map { ("\(kind)/\(target)/\($0)", try Data(contentsOf: folder.appending(path: $0))) }
        }
    }

    @Test func spoolInputs() throws {
        let inputs = try Self.inputs("spool")
        #expect(inputs.count >= 20, "the seed corpus is missing from \(Self.root.path)")
        for (name, data) in inputs {
            let first = Result { () throws(SpoolFileError) in try SpoolFileParser.parse(data) }
            let again = Result { () throws(SpoolFileError) in try SpoolFileParser.parse(data) }
            #expect(first == again, "\(name)")
            guard case .success(let submission) = first else { continue }
            #expect(!submission.runIDs.isEmpty, "\(name)")
            #expect(submission.runIDs.allSatisfy { $0 > 0 }, "\(name)")
            #expect(Set(submission.runIDs).count == submission.runIDs.count, "\(name)")
        }
    }

    @Test func bulkInputs() throws {
        let inputs = try Self.inputs("bulk")
        #expect(inputs.count >= 20, "the seed corpus is missing from \(Self.root.path)")
        func shortASCII(_ text: String, _ limit: Int) -> Bool {
            text.utf8.count <= limit && text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        }
        for (name, body) in inputs {
            let first = Result { () throws(BulkDecodeError) in try BulkResponseDecoder.decode(body) }
            let again = Result { () throws(BulkDecodeError) in try BulkResponseDecoder.decode(body) }
            #expect(first == again, "\(name)")
            switch first {
            case .failure(let error):
                #expect(shortASCII(error.description, 160), "\(name)")
            case .success(let runs):
                for run in runs {
                    switch run {
                    case .run(let snapshot): #expect(snapshot.id > 0, "\(name)")
                    case .malformed(let id, let reason): #expect((id ?? 1) > 0 && shortASCII(reason, 80), "\(name)")
                    }
                }
            }
        }
    }
}
