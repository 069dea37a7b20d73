import Foundation
import RunWatchCore
import Yams

extension Configuration {
    /// Every problem in a configuration file, not just the first, for `check-config` and
    /// for the daemon's refusal to start: all unknown keys (at every level) and all range
    /// and cross-field problems. Of type errors (a word where a number belongs), decoding
    /// reports the first.
    package static func problems(inFile path: String) -> [ConfigurationError] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            return [ConfigurationError(file: path, keyPath: "", problem: "cannot read file: \(error.localizedDescription)")]
        }
        return problems(yaml: text, file: path)
    }

    package static func problems(yaml: String, file: String = "<string>") -> [ConfigurationError] {
        var found = unknownKeys(yaml: yaml, file: file)
        do {
            let config = try parse(yaml: yaml, file: file, allowingUnknownKeys: true, validating: false)
            found += config.validationProblems().map { ConfigurationError(file: file, keyPath: $0.keyPath, problem: $0.problem) }
        } catch {
            if !found.contains(where: { $0.keyPath == error.keyPath }) { found.append(error) }
        }
        return found
    }

    /// Unknown keys anywhere in the file, from the YAML tree (decoding stops at the first).
    static func unknownKeys(yaml: String, file: String) -> [ConfigurationError] {
        guard let root = try? Yams.compose(yaml: yaml), let top = root.mapping else { return [] }
        var found: [ConfigurationError] = []
        func scan(_ mapping: Node.Mapping, allowed: [String], at path: String) {
            for (key, _) in mapping {
                guard let name = key.string, !allowed.contains(name) else { continue }
                let keyPath = path.isEmpty ? name : "\(path).\(name)"
                found.append(
                    ConfigurationError(file: file, keyPath: keyPath, problem: "unknown key; known keys here: \(allowed.joined(separator: ", "))"))
            }
        }
        scan(top, allowed: Keys.allCases.map(\.rawValue), at: "")
        if let api = top["api"]?.mapping { scan(api, allowed: API.Keys.allCases.map(\.rawValue), at: "api") }
        if let cekura = top["cekura"]?.mapping { scan(cekura, allowed: Cekura.Keys.allCases.map(\.rawValue), at: "cekura") }
        if let console = top["console"]?.mapping { scan(console, allowed: Console.Keys.allCases.map(\.rawValue), at: "console") }
        if let watch = top["watch"]?.mapping { scan(watch, allowed: Watch.Keys.allCases.map(\.rawValue), at: "watch") }
        if let suites = top["suites"]?.mapping { scan(suites, allowed: Suites.Keys.allCases.map(\.rawValue), at: "suites") }
        for (index, notifier) in (top["notifiers"]?.sequence ?? []).enumerated() {
            if let mapping = notifier.mapping { scan(mapping, allowed: Notifier.Keys.allCases.map(\.rawValue), at: "notifiers[\(index)]") }
        }
        return found
    }

    /// Range and cross-field problems, in file order.
    func validationProblems() -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        func check(_ ok: Bool, _ key: String, _ problem: @autoclosure () -> String) {
            if !ok { problems.append(ConfigurationError(file: "", keyPath: key, problem: problem())) }
        }
        if let problem = URLPolicy.problem(api.baseURL) { check(false, "api.base_url", problem) }
        check(api.bulkPath.hasPrefix("/"), "api.bulk_path", "must start with '/', got '\(api.bulkPath)'")
        check(
            api.resultsPath.hasPrefix("/") && api.resultsPath.contains("{id}") && !api.resultsPath.contains("?"), "api.results_path",
            "must start with '/' and contain '{id}' (no query), got '\(UntrustedText.printable(api.resultsPath, limit: 100))'")
        check((1...1000).contains(api.batchSize), "api.batch_size", "must be between 1 and 1000, got \(api.batchSize)")
        check(api.pollInterval >= .milliseconds(100), "api.poll_interval", "must be at least 100ms")
        for (status, interval) in api.statusIntervals.sorted(by: { $0.key < $1.key }) {
            let polled = RunStatus(rawValue: status).isKnown && !RunStatus(rawValue: status).isTerminal
            let names = RunStatus.known.filter { !$0.isTerminal }.map(\.rawValue).joined(separator: ", ")
            check(polled, "api.status_intervals.\(status)", "not a status that is polled; use one of \(names)")
            check(interval >= .milliseconds(100), "api.status_intervals.\(status)", "must be at least 100ms")
        }
        check(
            api.maxRequestsPerSecond > 0 && api.maxRequestsPerSecond <= 1000, "api.max_requests_per_second",
            "must be above 0 and at most 1000, got \(api.maxRequestsPerSecond)")
        check(
            (1...16).contains(api.maxConcurrentRequests), "api.max_concurrent_requests", "must be between 1 and 16, got \(api.maxConcurrentRequests)")
        check(api.requestTimeout > .zero, "api.request_timeout", "must be above 0")
        check(
            (1 << 20...1 << 30).contains(api.maxResponseSize), "api.max_response_size",
            "must be between 1MiB and 1GiB, got \(ByteCountText.format(api.maxResponseSize))")
        check(api.backoffBase > .zero, "api.backoff_base", "must be above 0")
        check(api.backoffCap >= api.backoffBase, "api.backoff_cap", "must be at least api.backoff_base")
        check(api.retryAfterCap >= .seconds(1), "api.retry_after_cap", "must be at least 1s")
        check(api.keyRejectedRetry >= .seconds(1), "api.key_rejected_retry", "must be at least 1s")
        if let dashboard = cekura.dashboardURL, let problem = URLPolicy.dashboardProblem(dashboard) {
            check(false, "cekura.dashboard_url", problem)
        }
        check(watch.retention >= .seconds(60), "watch.retention", "must be at least 1m")
        check(watch.successGrace >= .zero, "watch.success_grace", "must not be negative")
        check(watch.notFoundAfter >= 1, "watch.not_found_after", "must be at least 1, got \(watch.notFoundAfter)")
        check(watch.deadline >= .seconds(60), "watch.deadline", "must be at least 1m")
        check(
            suites.quietPeriod >= .zero && suites.quietPeriod <= .seconds(86400), "suites.quiet_period",
            "must be between 0s and 1d, got \(DurationText.format(suites.quietPeriod))")
        check(!spoolDir.isEmpty, "spool_dir", "must not be empty")
        check(!stateDir.isEmpty, "state_dir", "must not be empty")
        check(spoolScanInterval >= .milliseconds(50), "spool_scan_interval", "must be at least 50ms")
        check(
            ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel), "log_level",
            "must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        if let listen = metricsListen {
            check(RunWatchMetrics.parseListen(listen) != nil, "metrics_listen", "'\(listen)' is not host:port or a port, e.g. 127.0.0.1:9464")
        }
        if let listen = consoleListen {
            check(RunWatchMetrics.parseListen(listen) != nil, "console_listen", "'\(listen)' is not host:port or a port, e.g. 127.0.0.1:9465")
        }
        if let url = console.publicURL, let problem = URLPolicy.consolePublicURLProblem(url) {
            check(false, "console.public_url", problem)
        }
        var names: Set<String> = []
        for (index, notifier) in notifiers.enumerated() {
            let key = "notifiers[\(index)]"
            check(!notifier.name.isEmpty, "\(key).name", "must not be empty")
            check(notifier.name.isEmpty || names.insert(notifier.name).inserted, "\(key).name", "'\(notifier.name)' is used by another notifier")
            switch (notifier.url, notifier.urlFile) {
            case (nil, nil): check(false, "\(key).url", "set url or url_file")
            case (.some, .some): check(false, "\(key).url", "set url or url_file, not both")
            // The URL is a secret (a Slack webhook URL grants posting): never echo it.
            case (.some(let url), nil): if let problem = URLPolicy.problem(url) { check(false, "\(key).url", problem) }
            case (nil, .some): break
            }
            let sink = notifier.kind.sink.defaults
            let kinds = { (can: (SinkDefaults) -> Bool) in
                NotifierKind.allCases.filter { can($0.sink.defaults) }.map { "kind: \($0.rawValue)" }.joined(separator: ", ")
            }
            check(notifier.secretFile == nil || sink.signed, "\(key).secret_file", "only applies to \(kinds(\.signed))")
            check(notifier.bearerTokenFile == nil || sink.signed, "\(key).bearer_token_file", "only applies to \(kinds(\.signed))")
            check(notifier.groupWindow == .zero || sink.digests, "\(key).group_window", "only applies to \(kinds(\.digests))")
            check(notifier.groupWindow <= .seconds(300), "\(key).group_window", "must be at most 5m")
            check(notifier.maxAge >= .seconds(60), "\(key).max_age", "must be at least 1m")
            check(notifier.minInterval <= .seconds(60), "\(key).min_interval", "must be at most 1m")
            check(notifier.timeout >= .seconds(1) && notifier.timeout <= .seconds(300), "\(key).timeout", "must be between 1s and 5m")
            check((1...64).contains(notifier.maxInFlight), "\(key).max_in_flight", "must be between 1 and 64, got \(notifier.maxInFlight)")
            check(
                notifier.maxInFlight == 1 || sink.concurrent, "\(key).max_in_flight",
                "only applies to \(kinds(\.concurrent)) (kind: \(notifier.kind.rawValue) gets one message at a time, paced by min_interval)")
        }
        return problems
    }
}
