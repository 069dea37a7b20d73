import Foundation
import RunWatchCore
import RunWatchTesting

/// The bulk decoders on what the daemon actually receives: answers of 100 run objects
/// whose calls have ended, each with 10–50 KB of transcript. Decides the 5 % rule: the
/// cost of one answer, times 10 answers a second, as a share of one core.
struct DecoderBenchmark {
    /// Distinct bodies, so caches see realistic variety, and rounds over all of them.
    let bodies: Int
    let rounds: Int
    let decoders: [String]

    struct Row {
        var decoder: String
        var bodyBytes: Int
        /// CPU seconds of this thread per body: the median round, and the best one.
        var median: Double
        var best: Double
        /// Resident memory above the starting point while decoding one body, in MB.
        var peakMB: Double
    }

    static let all: [(name: String, decode: @Sendable (Data) throws(BulkDecodeError) -> [DecodedRun])] = [
        ("scanner", BulkResponseDecoder.decode),
        ("JSONDecoder + lossy wrapper", FoundationBulkDecoder.decode),
    ]

    func run() throws -> [Row] {
        let bodies = Self.render(bodies: bodies)
        let reference = try bodies.map { try BulkResponseDecoder.decode($0) }
        let bytes = bodies.reduce(0) { $0 + $1.count } / bodies.count
        var rows: [Row] = []
        for (name, decode) in Self.all where decoders.contains(where: { name.hasPrefix($0) }) {
            // Same answers from both, or the comparison means nothing.
            for (body, expected) in zip(bodies, reference) where try decode(body) != expected {
                throw ValidationFailure("\(name) disagrees with the scanner on a body")
            }
            var perBody: [Double] = []
            for _ in 0..<rounds {
                let start = ThreadCPU.seconds()
                for body in bodies { _ = try decode(body) }
                perBody.append((ThreadCPU.seconds() - start) / Double(bodies.count))
            }
            let peak = try PeakMemory.during { _ = try decode(bodies[0]) }
            rows.append(Row(decoder: name, bodyBytes: bytes, median: percentile(perBody, 0.5), best: perBody.min() ?? .nan, peakMB: peak))
        }
        return rows
    }

    /// 100 runs per body, all with transcripts: `evaluating`, `completed` and `timeout`.
    static func render(bodies: Int) -> [Data] {
        var rng = SplitMix64(seed: 21)
        let statuses = ["completed", "completed", "completed", "evaluating", "timeout"]
        return (0..<bodies).map { body in
            JSONValue.array(
                (1...100).map { offset in
                    let id = body * 100 + offset
                    let status = statuses[Int(rng.next() % UInt64(statuses.count))]
                    let final = status != "evaluating"
                    return SimulatedRunJSON.render(
                        id: id, status: status, success: final ? rng.unit() < 0.8 : nil, isFinal: final,
                        oddities: false, transcripts: true, rng: &rng)
                }
            ).encoded()
        }
    }

    static func print(_ rows: [Row], bodies: Int, rounds: Int) {
        guard let bytes = rows.first?.bodyBytes else { return }
        Swift.print(
            "\nBulk decoders on answers of 100 ended runs with transcripts (\(bodies) bodies, mean \(bytes / 1000) KB; CPU of the decoding thread, \(rounds) rounds)\n"
        )
        Swift.print(
            [pad("decoder", 28), lpad("ms/body", 8), lpad("best", 8), lpad("MB/s", 7), lpad("% core @10/s", 13), lpad("peak MB", 8)].joined(
                separator: " "))
        for row in rows {
            Swift.print(
                [
                    pad(row.decoder, 28), lpad(String(format: "%.2f", row.median * 1000), 8), lpad(String(format: "%.2f", row.best * 1000), 8),
                    lpad(String(format: "%.0f", Double(row.bodyBytes) / row.median / 1e6), 7),
                    lpad(String(format: "%.1f", row.median * 10 * 100), 13), lpad(String(format: "%.1f", row.peakMB), 8),
                ].joined(separator: " "))
        }
    }
}

struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// CPU time of the calling thread: the decoders run on one thread, and other work in the
/// process (or other processes on a busy machine) does not count against them.
enum ThreadCPU {
    static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// Peak resident memory of one piece of work: free memory goes back to the kernel first
/// and the kernel's high-water mark is reset (`clear_refs` 5), so the peak is this work's.
enum PeakMemory {
    static func during(_ work: () throws -> Void) throws -> Double {
        _ = mallocTrim(0)
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let before = kilobytes("VmRSS:")
        try work()
        return (kilobytes("VmHWM:") - before) / 1024
    }

    private static func kilobytes(_ field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            return line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        }
        return 0
    }
}

/// glibc's `malloc_trim`, which the Glibc module does not export (it lives in malloc.h).
@_silgen_name("malloc_trim")
private func mallocTrim(_ pad: Int) -> Int32
