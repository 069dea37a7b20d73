import ArgumentParser
import Foundation
import Logging

/// Benchmarks of the polling engine against the Cekura simulator; prints tables.
/// Run with `scripts/bench` (a release build). Not a test: nothing here asserts.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runwatch-bench",
        abstract: "Measure detection latency, request efficiency, CPU and memory against the simulator."
    )

    @Option(help: "Runs in the latency comparison.") var latencyRuns = 2000
    @Option(help: "The simulated API's rate limit (and runwatch's budget), requests per second.") var rps = 2.0
    @Option(help: "Watched-run counts for the scale table, comma-separated.") var scale = "1000,10000,100000"
    @Flag(help: "Skip the latency comparison.") var skipLatency = false
    @Flag(help: "Skip the latency comparison under API faults.") var skipFaults = false
    @Flag(help: "Skip the scale table.") var skipScale = false
    @Flag(help: "Skip the ingest and start-up table.") var skipIngest = false
    @Flag(help: "Skip the delivery table.") var skipDelivery = false
    @Flag(help: "Skip the bulk decoder table.") var skipDecoder = false
    @Flag(help: "Skip the console CPU table (the daemon as a child process, idle vs one page view per second).") var skipConsole = false
    @Option(help: "Seconds per window of the console CPU table (2 idle and 2 console windows).") var consoleSeconds = 25.0
    @Option(help: "Runs the daemon watches in the console CPU table.") var consoleRuns = 2000
    @Flag(help: "Skip the suite and CI gate tables (suite service, suite messages, wait reads, JUnit/Markdown, store growth).")
    var skipSuites = false
    @Option(help: "Run (or failure) counts in the suite and CI gate tables, comma-separated.") var suiteRuns = "100,1000,10000"
    @Option(help: "Suite and CI gate tables to print, comma-separated (service, messages, wait, verdicts, growth).")
    var suiteTables = "service,messages,wait,verdicts,growth"
    @Option(help: "Bulk decoders to measure, comma-separated prefixes (scanner, JSONDecoder).") var decoders = "scanner,JSONDecoder"
    @Option(help: "Bodies of 100 runs in the decoder table (each decoded once per round, 7 rounds).") var decoderBodies = 20
    @Option(name: .customLong("ingest-ids"), help: "Ids in the ingest benchmark (spread over 100 files).") var ingestIDs = 1_000_000

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        if !skipLatency {
            let benchmark = LatencyBenchmark(runs: latencyRuns, rps: rps)
            benchmark.printTable(try await benchmark.run())
        }
        if !skipFaults {
            let benchmark = LatencyBenchmark(runs: latencyRuns, rps: rps, faulty: true)
            benchmark.printTable(try await benchmark.run())
        }
        // Smallest memory first: peak RSS only grows within one process.
        if !skipScale {
            let counts = scale.split(separator: ",").compactMap { Int($0) }
            let rows = try await ScaleBenchmark(counts: counts).run()
            ScaleBenchmark.printTable(rows)
            PipelineBenchmark.print(try await PipelineBenchmark(runs: 100_000).run())
        }
        if !skipIngest {
            IngestBenchmark.print(try await IngestBenchmark(ids: ingestIDs, files: 100).run())
        }
        if !skipDelivery {
            DeliveryBenchmark.print(try await DeliveryBenchmark(runs: 2000).run(), runs: 2000)
        }
        if !skipSuites {
            try await runSuiteTables()
        }
        if !skipConsole {
            let benchmark = ConsoleBenchmark(runs: consoleRuns, rps: rps, windowSeconds: consoleSeconds, repeats: 2)
            benchmark.printTable(try await benchmark.run())
        }
        if !skipDecoder {  // last: it resets the kernel's peak RSS mark
            let bench = DecoderBenchmark(bodies: decoderBodies, rounds: 7, decoders: decoders.split(separator: ",").map(String.init))
            DecoderBenchmark.print(try bench.run(), bodies: bench.bodies, rounds: bench.rounds)
        }
    }

    /// Suites and the CI gate (issue 12); about half a minute.
    func runSuiteTables() async throws {
        let counts = suiteRuns.split(separator: ",").compactMap { Int($0) }
        let tables = Set(suiteTables.split(separator: ",").map(String.init))
        if tables.contains("service") {
            let suites = SuiteCompletionBenchmark()
            let looks = try await suites.runLooks()
            SuiteCompletionBenchmark.print(looks: looks, completions: try await suites.runCompletions(sizes: counts))
        }
        if tables.contains("messages") { SuiteMessageBenchmark.print(SuiteMessageBenchmark(failureCounts: counts).run()) }
        if tables.contains("wait") {
            let wait = WaitReadingBenchmark(runCounts: counts)
            WaitReadingBenchmark.print(reads: try await wait.runReads(), load: try await wait.runLoad())
        }
        if tables.contains("verdicts") { VerdictRenderBenchmark.print(VerdictRenderBenchmark(runCounts: counts).run()) }
        if tables.contains("growth") { StoreGrowthBenchmark.print(try await StoreGrowthBenchmark(runs: counts.max() ?? 10_000).run()) }
    }
}

/// Process-wide resource use, from the kernel.
enum ResourceUsage {
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// Peak resident set size so far (VmHWM), in MB.
    static func peakRSSMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let index = min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))
    return sorted[index]
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func lpad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}
