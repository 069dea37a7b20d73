import AsyncHTTPClient
import Foundation
import RunWatch
import RunWatchCore
import RunWatchTesting

#if canImport(Glibc)
import Glibc
#endif

/// What the web console costs the daemon: the built `runwatch daemon` as a child process
/// watching `runs` runs against the simulator at its request budget, its CPU time (from
/// /proc/PID/stat) over windows without page views and windows with one view per second
/// rotating over every page and /api/v1 route. Windows alternate (idle, console, idle,
/// console …) so a machine whose load drifts shifts both alike. The target (issue 13):
/// under 1 percentage point of one core added.
struct ConsoleBenchmark {
    var runs: Int
    var rps: Double
    var windowSeconds: Double
    var repeats: Int

    struct Window {
        var console: Bool
        var cpuSeconds: Double
        var wallSeconds: Double
        var views: Int
        var cpuPercent: Double { wallSeconds > 0 ? cpuSeconds / wallSeconds * 100 : .nan }
    }

    struct RouteTimes {
        var route: String
        var statuses: [Int: Int] = [:]
        var milliseconds: [Double] = []
    }

    struct Result {
        var windows: [Window]
        var routes: [RouteTimes]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Ended runs (a tenth, of them a fifth failing) in suite `nightly`; the rest keep
    /// running for the whole benchmark, so the daemon polls all of them at its budget.
    func simulator() -> CekuraSimulator {
        var options = CekuraSimulator.Options()
        options.seed = 13
        options.faults.rateLimitPerSecond = rps
        let sim = CekuraSimulator(options: options)
        for id in 1...runs {
            let ended = id <= max(1, runs / 10)
            let final = id % 5 == 0 ? ("failed", false) : ("completed", true)
            sim.addRun(
                RunID(id),
                script: RunScript(
                    stages: [.init("running", seconds: ended ? 1 : 86400), .init(final.0, seconds: 0)], success: final.1))
        }
        return sim
    }

    func run() async throws -> Result {
        let binary = builtProduct("runwatch")
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Failure(description: "no runwatch binary beside runwatch-bench (\(binary)); scripts/bench builds it")
        }
        let sim = simulator()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-bench-console-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try await LoopbackServers.serve(simulator: sim) { servers in
            let config = dir + "/runwatch.yaml"
            try """
            api:
              base_url: \(servers.apiURL)
              max_requests_per_second: \(rps)
              poll_interval: 1s
            spool_dir: \(dir)/spool
            state_dir: \(dir)/state
            console_listen: "127.0.0.1:0"
            log_level: info
            suites:
              quiet_period: 1s
            notifiers:
              - name: ci
                kind: webhook
                url: \(servers.hooksURL)/hooks
            """.write(toFile: config, atomically: true, encoding: .utf8)
            let spool = SpoolDirectory(root: dir + "/spool")
            try spool.prepare()
            let ended = max(1, runs / 10)
            try SpoolWriter.submit(SpoolSubmission(runIDs: (1...ended).map { RunID($0) }, suite: "nightly"), to: spool)
            if runs > ended {
                try SpoolWriter.submit(SpoolSubmission(runIDs: (ended + 1...runs).map { RunID($0) }), to: spool)
            }
            let log = dir + "/daemon.log"
            let daemon = try DaemonProcess(launcher: [], config: config, apiKey: sim.options.apiKey, logFile: log)
            defer { if daemon.isRunning { daemon.kill(SIGTERM) } }
            var base: String?
            _ = await waitUntil(timeout: .seconds(60), every: .milliseconds(100)) {
                base = Self.consoleURL(inLog: log)
                return base != nil
            }
            guard let base else { throw Failure(description: "the daemon did not serve the console within 60 s; its log: \(log)") }
            // Settled: the ended runs' alerts are out and every other run is being polled.
            let settled = await waitUntil(timeout: .seconds(180), every: .milliseconds(500)) {
                guard let overview = try? await Self.get(base + "/api/v1/overview").json,
                    let summary = overview["summary"] as? [String: Any]
                else { return false }
                return summary["active"] as? Int == runs - ended && summary["outboxPending"] as? Int == 0
                    && (summary["runsByStatus"] as? [String: Int])?["submitted"] == nil
            }
            guard settled else { throw Failure(description: "the daemon did not settle within 180 s") }
            let routes = [
                "/", "/suites", "/suites/nightly", "/runs/5", "/deliveries", "/console.css", "/api/v1/overview", "/api/v1/suites",
                "/api/v1/suites/nightly", "/api/v1/runs/5", "/api/v1/deliveries", "/api/v1/history",
            ]
            var times = routes.map { RouteTimes(route: $0) }
            for route in routes { _ = try? await Self.get(base + route) }  // warm: first renders build caches
            var windows: [Window] = []
            for _ in 0..<repeats {
                windows.append(try await window(pid: daemon.pid, console: false, base: base, routes: routes, times: &times))
                windows.append(try await window(pid: daemon.pid, console: true, base: base, routes: routes, times: &times))
            }
            daemon.kill(SIGTERM)
            _ = await daemon.waitForExit(timeout: 30)
            return Result(windows: windows, routes: times)
        }
    }

    /// One window: CPU time the daemon used while the bench waits, or sends one page
    /// view a second (each view at a whole second from the window's start).
    private func window(pid: Int32, console: Bool, base: String, routes: [String], times: inout [RouteTimes]) async throws -> Window {
        let clock = ContinuousClock()
        let start = clock.now
        let cpuBefore = try Self.cpuSeconds(pid: pid)
        var views = 0
        let end = start + .secondsDouble(windowSeconds)
        if console {
            var next = start
            while next < end {
                try? await Task.sleep(until: next, clock: clock)
                let index = views % routes.count
                let began = clock.now
                let status = (try? await Self.get(base + routes[index]).status) ?? -1
                times[index].milliseconds.append((clock.now - began).secondsDouble * 1000)
                times[index].statuses[status, default: 0] += 1
                views += 1
                next = start + .seconds(views)
            }
        }
        try? await Task.sleep(until: end, clock: clock)
        let cpuAfter = try Self.cpuSeconds(pid: pid)
        return Window(console: console, cpuSeconds: cpuAfter - cpuBefore, wallSeconds: (clock.now - start).secondsDouble, views: views)
    }

    /// utime + stime of the process (every thread), from /proc/PID/stat.
    static func cpuSeconds(pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name (field 2) is in parentheses and may hold spaces: count after it.
        guard let close = stat.lastIndex(of: ")") else { throw Failure(description: "/proc/\(pid)/stat: no command field") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw Failure(description: "/proc/\(pid)/stat: unexpected layout")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func consoleURL(inLog path: String) -> String? {
        guard let log = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in log.split(separator: "\n") where line.contains("serving the console") {
            guard let range = line.range(of: "url=http://") else { continue }
            let url = line[range.lowerBound...].dropFirst(4).prefix { $0 != " " }
            return String(url.hasSuffix("/") ? url.dropLast() : url)
        }
        return nil
    }

    static func get(_ url: String) async throws -> (status: Int, json: [String: Any]?) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return (Int(response.status.code), json)
    }

    func printTable(_ result: Result) {
        print("")
        print(
            "Console CPU: the runwatch daemon (child process) watching \(runs) runs at \(rps) requests/s; "
                + "\(Int(windowSeconds)) s windows, idle vs one page view per second")
        print("\(pad("window", 14)) \(lpad("CPU s", 8)) \(lpad("CPU %", 8)) \(lpad("views", 6))")
        var round = [false: 0, true: 0]
        for window in result.windows {
            round[window.console, default: 0] += 1
            let name = (window.console ? "console #" : "idle #") + "\(round[window.console] ?? 0)"
            print(
                "\(pad(name, 14)) \(lpad(String(format: "%.2f", window.cpuSeconds), 8)) "
                    + "\(lpad(String(format: "%.2f", window.cpuPercent), 8)) \(lpad("\(window.views)", 6))")
        }
        let idle = result.windows.filter { !$0.console }.map(\.cpuPercent)
        let busy = result.windows.filter(\.console).map(\.cpuPercent)
        let mean = { (values: [Double]) in values.reduce(0, +) / Double(max(1, values.count)) }
        let added = mean(busy) - mean(idle)
        print(
            String(format: "added by the console: %+.2f percentage points of one core (mean of console − mean of idle); target < 1", added)
                + (added < 1 ? " — met" : " — NOT met"))
        print("")
        print("Page and API render time as the client sees it (loopback GET, ms)")
        print("\(pad("route", 26)) \(lpad("n", 4)) \(lpad("mean", 8)) \(lpad("p99", 8))  status")
        for route in result.routes where !route.milliseconds.isEmpty {
            let statuses = route.statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
            print(
                "\(pad(route.route, 26)) \(lpad("\(route.milliseconds.count)", 4)) "
                    + "\(lpad(String(format: "%.2f", mean(route.milliseconds)), 8)) "
                    + "\(lpad(String(format: "%.2f", percentile(route.milliseconds, 0.99)), 8))  \(statuses)")
        }
    }
}
