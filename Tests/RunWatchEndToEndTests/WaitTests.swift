import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `runwatch wait`, the built binary, against a daemon and the simulator: the exit code of
/// each outcome class, the timeout, a daemon restart while waiting, signals, no daemon,
/// 50 waiters on one daemon, and `--standalone`.
@Suite(.serialized) struct WaitTests {
    static func ends(_ status: String, success: Bool?, after seconds: Double = 1) -> RunScript {
        RunScript(stages: [.init("running", seconds: seconds), .init(status, seconds: 0)], success: success)
    }

    static let forever = RunScript(stages: [.init("running", seconds: 86_400)], success: nil)

    func wait(_ arguments: [String], environment: [String: String] = ["PATH": "/usr/bin:/bin"]) async throws -> (Int32, String) {
        try await runProcess(builtProduct("runwatch"), ["wait"] + arguments, environment: environment)
    }

    func folders(_ bed: TestBed) -> [String] {
        ["--spool-dir", bed.configuration.spoolDir, "--state-dir", bed.configuration.stateDir, "--interval", "200ms"]
    }

    @Test func exitCodesForEachOutcomeClassAndTheTimeout() async throws {
        try await withTemporaryDirectory { dir in
            let simulator = CekuraSimulator()
            try await TestBed.run(simulator: simulator, in: dir) { bed in
                for id in [101, 102, 201] { simulator.addRun(id, script: Self.ends("completed", success: true)) }
                simulator.addRun(202, script: Self.ends("completed", success: false))
                simulator.addRun(301, script: Self.ends("failed", success: nil))
                simulator.addRun(302, script: Self.ends("cancelled", success: nil))
                simulator.addRun(401, script: Self.forever)
                simulator.addRun(402, script: Self.ends("completed", success: true))
                let common = folders(bed)
                let results = try await withThrowingTaskGroup(of: (String, (Int32, String)).self) { group in
                    group.addTask { ("passed", try await self.wait(common + ["--junit", dir + "/junit.xml", "101", "102"])) }
                    group.addTask { ("regression", try await self.wait(common + ["--json", "201", "202", "301"])) }
                    group.addTask { ("infrastructure", try await self.wait(common + ["301", "302"])) }
                    group.addTask {
                        (
                            "timeout",
                            try await self.wait(
                                common + ["--timeout", "20s", "--junit", dir + "/timeout.xml", "--summary", dir + "/timeout.md", "401", "402"])
                        )
                    }
                    var results: [String: (Int32, String)] = [:]
                    for try await (name, result) in group { results[name] = result }
                    return results
                }
                let passed = try #require(results["passed"])
                #expect(passed.0 == 0, "\(passed.1)")
                #expect(passed.1.contains("passed: 2 of 2 passed"))
                #expect(try String(contentsOfFile: dir + "/junit.xml", encoding: .utf8).hasPrefix("<?xml"))

                let regression = try #require(results["regression"])
                #expect(regression.0 == 1, "a regression wins over an infrastructure failure: \(regression.1)")
                let json = try #require(regression.1.range(of: "{").map { String(regression.1[$0.lowerBound...]) })
                let report = try JSONDecoder().decode(GateReport.self, from: Data(json.utf8))
                #expect(report.exitCode == 1)
                #expect(report.counts == ["completed": 1, "unsuccessful": 1, "failed": 1])
                #expect(report.suites.flatMap(\.runs).map(\.id) == [201, 202, 301])

                let infrastructure = try #require(results["infrastructure"])
                #expect(infrastructure.0 == 2, "\(infrastructure.1)")
                #expect(infrastructure.1.contains("run 301 failed"))
                #expect(infrastructure.1.contains("run 302 cancelled"))

                let timeout = try #require(results["timeout"])
                #expect(timeout.0 == 3, "\(timeout.1)")
                #expect(timeout.1.contains("timed out: 1 of 2 passed; 1 still open"))
                #expect(timeout.1.contains("still open: 401 (running)"))
                #expect(simulator.registeredIDs.count == 8)
                try await Self.checkWithIndependentParsers(
                    passedJUnit: dir + "/junit.xml", timeoutJUnit: dir + "/timeout.xml", summary: dir + "/timeout.md")
            }
        }
    }

    @Test func aDaemonRestartWhileWaitingStillGivesTheVerdict() async throws {
        try await withTemporaryDirectory { dir in
            try await LoopbackServers.serve { servers in
                let config = dir + "/runwatch.yaml"
                try writeFile(
                    config, "api:\n  base_url: \(servers.apiURL)\n  poll_interval: 500ms\nspool_dir: \(dir)/spool\nstate_dir: \(dir)/state\n")
                servers.simulator.addRun(11, script: Self.ends("completed", success: true, after: 8))
                servers.simulator.addRun(12, script: Self.ends("completed", success: false, after: 8))
                let key = servers.simulator.options.apiKey
                var daemon = try DaemonProcess(config: config, apiKey: key)
                // The daemon creates the spool folders it will read.
                #expect(await waitUntil(timeout: .seconds(30)) { FileManager.default.fileExists(atPath: dir + "/spool/new") })
                try await withThrowingTaskGroup(of: (Int32, String).self) { group in
                    group.addTask { try await self.wait(["--config", config, "--interval", "200ms", "11", "12"]) }
                    // Once the daemon has the runs, it restarts.
                    let store = try await Self.openWhenPresent(dir + "/state")
                    #expect(await waitUntil(timeout: .seconds(30)) { (try? await store.runResults([11, 12], links: .none).count) == 2 })
                    daemon.kill(SIGTERM)
                    #expect(await daemon.waitForExit(timeout: 30))
                    daemon = try DaemonProcess(config: config, apiKey: key)
                    let (status, output) = try #require(try await group.next())
                    #expect(status == 1, "\(output)")
                    #expect(output.contains("regression: 1 of 2 passed; 1 unsuccessful"))
                }
                daemon.kill(SIGTERM)
                _ = await daemon.waitForExit(timeout: 30)
            }
        }
    }

    /// A wait started before the daemon ever ran (no store yet) keeps waiting, and judges
    /// once the daemon starts and ingests its spool file.
    @Test func aWaitStartedBeforeTheDaemonKeepsWaitingForIt() async throws {
        try await withTemporaryDirectory { dir in
            try InProcessDaemon.spool(in: dir).prepare()
            let process = try WaitProcess(
                ["--spool-dir", dir + "/spool", "--state-dir", InProcessDaemon.stateDirectory(in: dir), "--interval", "200ms", "81"],
                output: dir + "/wait.out")
            // Several reads fail for want of a store before the daemon comes.
            try await Task.sleep(for: .seconds(1))
            #expect(process.isRunning, "\(process.output)")
            let simulator = CekuraSimulator()
            simulator.addRun(81, script: Self.ends("completed", success: true))
            try await TestBed.run(simulator: simulator, in: dir) { _ in
                #expect(await process.waitForExit(timeout: 60))
            }
            #expect(process.exitStatus == 0, "\(process.output)")
            #expect(process.output.contains("passed: 1 of 1 passed"))
        }
    }

    static func openWhenPresent(_ stateDir: String) async throws -> SQLiteRunStore {
        _ = await waitUntil(timeout: .seconds(30)) { FileManager.default.fileExists(atPath: stateDir + "/" + SQLiteRunStore.fileName) }
        return try SQLiteRunStore.open(directory: stateDir, readOnly: true)
    }

    @Test func withoutADaemonTheWaitSaysSoAndExits69() async throws {
        try await withTemporaryDirectory { dir in
            try SpoolDirectory(root: dir + "/spool").prepare()
            let (status, output) = try await wait(["--spool-dir", dir + "/spool", "--state-dir", dir + "/state", "--daemon-grace", "1s", "5"])
            #expect(status == 69, "\(output)")
            #expect(output.contains("the daemon has not read the spool file"))
            let (usage, usageOutput) = try await wait(["--state-dir", dir + "/state"])
            #expect(usage == 64)
            #expect(usageOutput.contains("nothing to wait for"))
            let (bad, badOutput) = try await wait(["--spool-dir", dir + "/spool", "--state-dir", dir, "5", "x1"])
            #expect(bad == 65)
            #expect(badOutput.contains("'x1' is not a run id"))
        }
    }

    @Test(arguments: [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")])
    func aSignalStopsTheWaitAndLeavesTheRunsWatched(signal: Int32, expected: Int32, name: String) async throws {
        try await withTemporaryDirectory { dir in
            let simulator = CekuraSimulator()
            try await TestBed.run(simulator: simulator, in: dir) { bed in
                simulator.addRun(71, script: Self.forever)
                let process = try WaitProcess(folders(bed) + ["71"], output: dir + "/wait.out")
                #expect(await waitUntil(timeout: .seconds(30)) { process.output.contains("open: 1 running") })
                process.kill(signal)
                #expect(await process.waitForExit(timeout: 30))
                #expect(process.exitStatus == expected, "\(process.output)")
                #expect(process.output.contains("interrupted by \(name)"))
                #expect(process.output.contains("the runs stay watched by the daemon"))
                #expect(try await bed.daemon.store.summary().active == 1, "the daemon still watches the run")
            }
        }
    }

    /// The files `runwatch wait` wrote, read by parsers that share no code with runwatch
    /// (installed by scripts/setup; skipped, with a note, on a machine without them).
    static func checkWithIndependentParsers(passedJUnit: String, timeoutJUnit: String, summary: String) async throws {
        guard await IndependentParsers.hasPython("junitparser"), await IndependentParsers.hasPython("markdown_it"),
            await IndependentParsers.hasXmllint()
        else {
            print("note: junitparser, markdown-it-py or xmllint missing (scripts/setup installs them); wait's files not parsed")
            return
        }
        for (file, errors) in [(passedJUnit, 0), (timeoutJUnit, 1)] {
            let (status, json, output) = try await IndependentParsers.python(IndependentParsers.junitScript, [file])
            try #require(status == 0, "junitparser failed on \(file): \(output.suffix(2000))")
            let document = try #require(json as? [String: Any])
            #expect(document["tests"] as? Int == 2, "\(file)")
            #expect(document["failures"] as? Int == 0 && document["errors"] as? Int == errors, "\(file): \(document)")
            let schema = try await IndependentParsers.xmllint(file)
            #expect(schema.status == 0, "xmllint --schema docs/junit.xsd: \(schema.output)")
        }
        // The run still open when the wait timed out (20 s: run 402, which ends after 1 s, has
        // surely been read by then on a loaded machine) is an error that says so.
        let timedOut = try String(contentsOfFile: timeoutJUnit, encoding: .utf8)
        #expect(timedOut.contains("type=\"not_ended\""))
        let (status, _, output) = try await IndependentParsers.python(
            """
            import sys
            from markdown_it import MarkdownIt
            tokens = MarkdownIt().enable("table").parse(open(sys.argv[1]).read())
            print(sum(1 for t in tokens if t.type == "tr_open"))
            """, [summary])
        #expect(status == 0, "\(output)")
        // A header row and one row per run.
        #expect(output.split(separator: "\n").last == "3", "table rows in the summary: \(output)")
    }

    /// Waiters read the store and never the API: 50 of them on one daemon cost no request
    /// beyond what the daemon's sweep makes anyway (one request a poll interval for 20 runs).
    @Test func fiftyWaitersCostNoExtraAPIRequests() async throws {
        try await withTemporaryDirectory { dir in
            let simulator = CekuraSimulator()
            try await TestBed.run(simulator: simulator, in: dir, configure: { config, _ in config.api.pollInterval = .milliseconds(500) }) { bed in
                let ids = Array(1001...1020)
                for id in ids { simulator.addRun(id, script: Self.ends("completed", success: true, after: 6)) }
                let clock = ContinuousClock()
                let start = clock.now
                let before = simulator.counters.requests
                try bed.submit(ids)
                // The waiters get no config, no API URL and no key: they cannot call the API.
                let arguments = folders(bed) + ["--interval", "1s"] + ids.map(String.init)
                let statuses = try await withThrowingTaskGroup(of: Int32.self) { group in
                    for _ in 0..<50 { group.addTask { try await self.wait(arguments, environment: [:]).0 } }
                    return try await group.reduce(into: [Int32]()) { $0.append($1) }
                }
                let elapsed = (clock.now - start).secondsDouble
                #expect(statuses == Array(repeating: 0, count: 50))
                let requests = simulator.counters.requests - before
                // One sweep (one request: 20 runs fit one batch) per poll interval, plus the
                // poll a fresh submission triggers.
                let bound = Int((elapsed / 0.5).rounded(.up)) + 3
                #expect(requests <= bound, "\(requests) requests in \(elapsed) s")
                #expect(simulator.counters.maxIDsInRequest <= 20)
            }
        }
    }

    @Test func standaloneRunsTheEngineInProcessAndCleansUp() async throws {
        try await withTemporaryDirectory { dir in
            try await LoopbackServers.serve { servers in
                servers.simulator.addRun(501, script: Self.ends("completed", success: true))
                servers.simulator.addRun(502, script: Self.ends("timeout", success: nil))
                try writeFile(dir + "/key", servers.simulator.options.apiKey + "\n")
                try writeFile(dir + "/api.yaml", "api:\n  poll_interval: 1s\n")
                try FileManager.default.createDirectory(atPath: dir + "/tmp", withIntermediateDirectories: true)
                let environment = ["PATH": "/usr/bin:/bin", "TMPDIR": dir + "/tmp"]
                let (status, output) = try await wait(
                    [
                        "--standalone", "--config", dir + "/api.yaml", "--base-url", servers.apiURL, "--api-key-file", dir + "/key",
                        "--interval", "200ms", "--summary", dir + "/summary.md", "501", "502",
                    ], environment: environment)
                #expect(status == 2, "\(output)")
                #expect(output.contains("run 502 timeout"))
                #expect(servers.simulator.counters.bulkRequests > 0)
                #expect(FileManager.default.fileExists(atPath: dir + "/summary.md"))
                #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/tmp").isEmpty, "the temporary store is removed")

                let (noKey, noKeyOutput) = try await wait(["--standalone", "--base-url", servers.apiURL, "501"], environment: environment)
                #expect(noKey == 69, "\(noKeyOutput)")
            }
        }
    }
}

/// A `runwatch wait` process whose output goes to a file, for tests that signal it.
final class WaitProcess: @unchecked Sendable {
    private let process = Process()
    let outputPath: String

    init(_ arguments: [String], output: String) throws {
        outputPath = output
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        process.executableURL = URL(fileURLWithPath: builtProduct("runwatch"))
        process.arguments = ["wait"] + arguments
        process.environment = ["PATH": "/usr/bin:/bin"]
        let handle = FileHandle(forWritingAtPath: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    var exitStatus: Int32 { process.terminationStatus }
    var isRunning: Bool { process.isRunning }
    func kill(_ signal: Int32) { _ = Glibc.kill(process.processIdentifier, signal) }
    func waitForExit(timeout: Double) async -> Bool {
        await waitUntil(timeout: .secondsDouble(timeout), every: .milliseconds(50)) { !self.process.isRunning }
    }

    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }
}
