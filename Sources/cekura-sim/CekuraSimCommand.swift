import ArgumentParser
import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting

/// The Cekura simulator on its own, for trying runwatch by hand.
@main
struct CekuraSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cekura-sim",
        abstract: "An HTTP double of Cekura's bulk runs and results endpoints, on 127.0.0.1.",
        discussion: """
            Admin routes (no key): GET /_sim/stats, POST /_sim/runs {"ids": [...]}, \
            POST /_sim/results {"id": 8123, "runs": [...], "initial": 1, "grow_every": 2}, \
            POST /_sim/faults {"serverErrorRate": 0.1, ...}.
            """
    )

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).") var port = 8089
    @Option(help: "The API key clients must send in X-CEKURA-API-KEY.") var apiKey = "sim-api-key"
    @Option(help: "Seed of the run lifecycles and faults.") var seed: UInt64 = 1
    @Option(help: "Range of each lifecycle stage, in seconds, e.g. 1-5.") var stageSeconds = "1-5"
    @Option(help: "Register these ids at start, e.g. 1-200.") var register: String?
    @Flag(help: "Register unknown ids on first sight (otherwise they are omitted, like the real API).") var autoRegister = false
    @Option(help: "Fraction of runs that pass through an unknown status.") var unknownStatusRate = 0.0
    @Option(help: "Fraction of requests answered 5xx.") var serverErrorRate = 0.0
    @Option(help: "Fraction of answers with truncated JSON.") var truncateRate = 0.0
    @Option(help: "Fraction of requests answered 429.") var rateLimitRate = 0.0
    @Option(help: "Requests per second above which to answer 429.") var rateLimitPerSecond: Double?
    @Option(help: "Refuse requests with more ids than this (414).") var maxIds: Int?
    @Option(help: "Fraction of run objects with nulls, loose types and extra fields.") var oddityRate = 0.0
    @Option(help: "Also run a recording webhook receiver on this port (0 picks one).") var receiverPort: Int?
    @Option(help: "Append each delivery the receiver accepts to this file, one JSON object per line.") var receiverLog: String?

    func run() async throws {
        var options = CekuraSimulator.Options()
        options.apiKey = apiKey
        options.seed = seed
        options.autoRegister = autoRegister
        options.unknownStatusRate = unknownStatusRate
        options.stageSeconds = try Self.range(stageSeconds)
        options.faults.serverErrorRate = serverErrorRate
        options.faults.truncateRate = truncateRate
        options.faults.rateLimitRate = rateLimitRate
        options.faults.rateLimitPerSecond = rateLimitPerSecond
        options.faults.maxIDsPerRequest = maxIds
        options.faults.oddityRate = oddityRate
        let simulator = CekuraSimulator(options: options)
        if let register {
            let bounds = register.split(separator: "-").compactMap { Int($0) }
            guard bounds.count == 2, bounds[0] > 0, bounds[0] <= bounds[1] else {
                throw ValidationError("--register wants FIRST-LAST, e.g. 1-200")
            }
            simulator.addRandomRuns(bounds[0]...bounds[1])
        }
        let server = try await ScriptedHTTPServer.bind(port: port) { await simulator.answer($0) }
        print("cekura-sim listening on \(server.baseURL) (API key '\(apiKey)', \(simulator.registeredIDs.count) runs registered)")
        guard let receiverPort else {
            fflush(nil)  // a parent reading the port through a pipe must see this line now
            try await server.run()
            return
        }
        // One descriptor in append mode and one write() per line: concurrent deliveries
        // never interleave or lose lines.
        let logFD: Int32? = receiverLog.map { open($0, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
        let receiver = WebhookReceiver { delivery in
            guard let logFD, logFD >= 0 else { return }
            let line: [String: Any] = [
                "path": delivery.path,
                "headers": Dictionary(delivery.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last }),
                "body": String(decoding: delivery.body, as: UTF8.self),
                "received_at": delivery.receivedAt.timeIntervalSince1970,
            ]
            guard var data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) else { return }
            data.append(0x0A)
            _ = data.withUnsafeBytes { write(logFD, $0.baseAddress, $0.count) }
        }
        let hooks = try await ScriptedHTTPServer.bind(port: receiverPort) { await receiver.answer($0) }
        print("webhook receiver listening on \(hooks.baseURL)" + (receiverLog.map { " (log: \($0))" } ?? ""))
        fflush(nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            group.addTask { try await hooks.run() }
            try await group.next()
        }
    }

    static func range(_ text: String) throws -> ClosedRange<Double> {
        let parts = text.split(separator: "-").compactMap { Double($0) }
        guard parts.count == 2, parts[0] >= 0, parts[0] <= parts[1] else {
            throw ValidationError("--stage-seconds wants MIN-MAX, e.g. 1-5")
        }
        return parts[0]...parts[1]
    }
}
