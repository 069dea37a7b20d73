import Foundation
import RunWatchCore
import Yams

extension Configuration {
    /// Reads and validates a YAML file. Throws `ConfigurationError` naming the bad key.
    package static func load(path: String) throws(ConfigurationError) -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: path, keyPath: "", problem: "cannot read file: \(error.localizedDescription)")
        }
        return try parse(yaml: text, file: path)
    }

    package static func parse(yaml: String, file: String = "<string>") throws(ConfigurationError) -> Configuration {
        try parse(yaml: yaml, file: file, allowingUnknownKeys: false, validating: true)
    }

    static func parse(yaml: String, file: String, allowingUnknownKeys: Bool, validating: Bool) throws(ConfigurationError) -> Configuration {
        let config: Configuration
        do {
            // An empty file is a valid config of defaults; Yams decodes it as null.
            if yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return Configuration() }
            config = try YAMLDecoder().decode(Configuration.self, from: yaml, userInfo: [.allowUnknownKeys: allowingUnknownKeys])
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError is YamlError {
            // Yams wraps syntax errors; say where, from the wrapped error, without its quote.
            let yaml = context.underlyingError as? YamlError
            throw ConfigurationError(file: file, keyPath: "", problem: "not valid YAML: \(yaml?.positionOnlyDescription ?? "syntax error")")
        } catch let error as DecodingError {
            throw ConfigurationError(file: file, keyPath: error.keyPath, problem: error.problem)
        } catch let error as YamlError {
            throw ConfigurationError(file: file, keyPath: "", problem: "not valid YAML: \(error.positionOnlyDescription)")
        } catch {
            throw ConfigurationError(file: file, keyPath: "", problem: String(describing: error))
        }
        guard validating else { return config }
        do {
            try config.validate()
        } catch let error {
            throw ConfigurationError(file: file, keyPath: error.keyPath, problem: error.problem)
        }
        return config
    }

    /// Cross-field and range checks that decoding alone cannot express; the first problem.
    func validate() throws(ConfigurationError) {
        if let first = validationProblems().first { throw first }
    }
}

// MARK: - Decoding

extension Configuration: Decodable {
    enum Keys: String, CodingKey, CaseIterable {
        case api, cekura, watch, spool_dir, state_dir, spool_scan_interval, log_level, metrics_listen, console_listen, console, notifiers
        case suites
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        self.init()
        api = try c.decodeIfPresent(API.self, forKey: .api) ?? api
        cekura = try c.decodeIfPresent(Cekura.self, forKey: .cekura) ?? cekura
        watch = try c.decodeIfPresent(Watch.self, forKey: .watch) ?? watch
        spoolDir = try c.decodeIfPresent(String.self, forKey: .spool_dir) ?? spoolDir
        stateDir = try c.decodeIfPresent(String.self, forKey: .state_dir) ?? stateDir
        spoolScanInterval = try c.decodeIfPresent(ConfigDuration.self, forKey: .spool_scan_interval)?.value ?? spoolScanInterval
        logLevel = try c.decodeIfPresent(String.self, forKey: .log_level) ?? logLevel
        metricsListen = try c.decodeIfPresent(String.self, forKey: .metrics_listen)
        consoleListen = try c.decodeIfPresent(String.self, forKey: .console_listen)
        console = try c.decodeIfPresent(Console.self, forKey: .console) ?? console
        notifiers = try c.decodeIfPresent([Notifier].self, forKey: .notifiers) ?? []
        suites = try c.decodeIfPresent(Suites.self, forKey: .suites) ?? suites
    }
}

extension Configuration.API: Decodable {
    enum Keys: String, CodingKey, CaseIterable {
        case base_url, bulk_path, api_key_file, batch_size, poll_interval, max_requests_per_second
        case max_concurrent_requests, status_intervals, request_timeout, max_response_size, backoff_base, backoff_cap, retry_after_cap
        case key_rejected_retry, results_path
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        self.init()
        baseURL = try c.decodeIfPresent(String.self, forKey: .base_url) ?? baseURL
        bulkPath = try c.decodeIfPresent(String.self, forKey: .bulk_path) ?? bulkPath
        resultsPath = try c.decodeIfPresent(String.self, forKey: .results_path) ?? resultsPath
        apiKeyFile = try c.decodeIfPresent(String.self, forKey: .api_key_file)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batch_size) ?? batchSize
        pollInterval = try c.decodeIfPresent(ConfigDuration.self, forKey: .poll_interval)?.value ?? pollInterval
        maxRequestsPerSecond = try c.decodeIfPresent(Double.self, forKey: .max_requests_per_second) ?? maxRequestsPerSecond
        maxConcurrentRequests = try c.decodeIfPresent(Int.self, forKey: .max_concurrent_requests) ?? maxConcurrentRequests
        statusIntervals = try c.decodeIfPresent([String: ConfigDuration].self, forKey: .status_intervals)?.mapValues(\.value) ?? [:]
        requestTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .request_timeout)?.value ?? requestTimeout
        maxResponseSize = try c.decodeIfPresent(ConfigByteCount.self, forKey: .max_response_size)?.value ?? maxResponseSize
        backoffBase = try c.decodeIfPresent(ConfigDuration.self, forKey: .backoff_base)?.value ?? backoffBase
        backoffCap = try c.decodeIfPresent(ConfigDuration.self, forKey: .backoff_cap)?.value ?? backoffCap
        retryAfterCap = try c.decodeIfPresent(ConfigDuration.self, forKey: .retry_after_cap)?.value ?? retryAfterCap
        keyRejectedRetry = try c.decodeIfPresent(ConfigDuration.self, forKey: .key_rejected_retry)?.value ?? keyRejectedRetry
    }
}

extension Configuration.Cekura: Decodable {
    enum Keys: String, CodingKey, CaseIterable { case dashboard_url }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        self.init()
        dashboardURL = try c.decodeIfPresent(String.self, forKey: .dashboard_url)
    }
}

extension Configuration.Console: Decodable {
    enum Keys: String, CodingKey, CaseIterable { case public_url }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        self.init()
        publicURL = try c.decodeIfPresent(String.self, forKey: .public_url)
    }
}

extension Configuration.Watch: Decodable {
    enum Keys: String, CodingKey, CaseIterable { case retention, success_grace, not_found_after, not_found_min_age, deadline }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        self.init()
        retention = try c.decodeIfPresent(ConfigDuration.self, forKey: .retention)?.value ?? retention
        successGrace = try c.decodeIfPresent(ConfigDuration.self, forKey: .success_grace)?.value ?? successGrace
        notFoundAfter = try c.decodeIfPresent(Int.self, forKey: .not_found_after) ?? notFoundAfter
        notFoundMinAge = try c.decodeIfPresent(ConfigDuration.self, forKey: .not_found_min_age)?.value ?? notFoundMinAge
        deadline = try c.decodeIfPresent(ConfigDuration.self, forKey: .deadline)?.value ?? deadline
    }
}

extension Configuration.Notifier: Decodable {
    enum Keys: String, CodingKey, CaseIterable {
        case name, kind, url, url_file, secret_file, events, labels, group_window, max_age, bearer_token_file, min_interval, max_in_flight
        case timeout, suites
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        let kindText = try c.decode(String.self, forKey: .kind)
        guard let kind = Kind(rawValue: kindText) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "must be slack or webhook, got '\(kindText)'")
        }
        var events: Set<RunOutcome>?
        var transitions = false
        if let names = try c.decodeIfPresent([String].self, forKey: .events) {
            events = []
            for name in names {
                if name == TransitionNotice.eventType {
                    transitions = true
                    continue
                }
                guard let outcome = RunOutcome.allCases.first(where: { $0.eventType == name }) else {
                    let known = (RunOutcome.allCases.map(\.eventType) + [TransitionNotice.eventType]).joined(separator: ", ")
                    throw DecodingError.dataCorruptedError(forKey: .events, in: c, debugDescription: "unknown event '\(name)'; known: \(known)")
                }
                events?.insert(outcome)
            }
        }
        self.init(
            name: try c.decode(String.self, forKey: .name),
            kind: kind,
            url: try c.decodeIfPresent(String.self, forKey: .url),
            urlFile: try c.decodeIfPresent(String.self, forKey: .url_file),
            secretFile: try c.decodeIfPresent(String.self, forKey: .secret_file),
            events: events,
            transitions: transitions,
            labels: try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:],
            groupWindow: try c.decodeIfPresent(ConfigDuration.self, forKey: .group_window)?.value,
            maxAge: try c.decodeIfPresent(ConfigDuration.self, forKey: .max_age)?.value ?? .seconds(86400),
            bearerTokenFile: try c.decodeIfPresent(String.self, forKey: .bearer_token_file),
            minInterval: try c.decodeIfPresent(ConfigDuration.self, forKey: .min_interval)?.value,
            maxInFlight: try c.decodeIfPresent(Int.self, forKey: .max_in_flight),
            timeout: try c.decodeIfPresent(ConfigDuration.self, forKey: .timeout)?.value ?? NotificationSender.defaultTimeout,
            suites: try Self.decodeSuiteMode(c)
        )
    }
}

/// A duration written as text (`15s`), decoded through `DurationText`.
struct ConfigDuration: Decodable {
    var value: Duration

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        do {
            value = try DurationText.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
        }
    }
}

/// A size written as text (`32MiB`) or a plain number of bytes.
struct ConfigByteCount: Decodable {
    var value: Int

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let bytes = try? c.decode(Int.self) {
            value = bytes
            return
        }
        let text = try c.decode(String.self)
        do {
            value = try ByteCountText.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
        }
    }
}

extension CodingUserInfoKey {
    /// Set by `Configuration.problems`, which reports unknown keys itself (all of them).
    static let allowUnknownKeys = CodingUserInfoKey(rawValue: "runwatch.allowUnknownKeys")!
}

private struct AnyConfigKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// A misspelt key would otherwise be ignored silently and its default used.
    func rejectUnknownKeys<K: CodingKey & CaseIterable>(_ known: K.Type) throws {
        if userInfo[.allowUnknownKeys] as? Bool == true { return }
        let names = Set(K.allCases.map(\.stringValue))
        let c = try container(keyedBy: AnyConfigKey.self)
        for key in c.allKeys where !names.contains(key.stringValue) {
            let list = K.allCases.map(\.stringValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: c.codingPath + [key],
                    debugDescription: "unknown key; known keys here: \(list)"
                ))
        }
    }
}

extension DecodingError {
    var keyPath: String {
        let path: [any CodingKey]
        switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        case .keyNotFound(let key, let context):
            path = context.codingPath + [key]
        @unknown default:
            path = []
        }
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    var problem: String {
        switch self {
        case .typeMismatch(let type, let context):
            "expected \(Self.describe(type)) (\(context.debugDescription))"
        case .valueNotFound(let type, _):
            "is empty, expected \(Self.describe(type))"
        case .keyNotFound:
            "is required"
        case .dataCorrupted(let context):
            context.debugDescription
        @unknown default:
            String(describing: self)
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "\(type)"
        }
    }
}
