import Foundation
import RunWatchCore

/// The daemon's configuration, decoded from YAML. Every key has a default except the API
/// key, which comes from a file, a systemd credential or the environment (see `Secrets`).
/// Reference: docs/configuration.md.
public struct Configuration: Sendable, Equatable {
    public var api = API()
    public var watch = Watch()
    public var spoolDir = "/var/spool/runwatch"
    public var stateDir = "/var/lib/runwatch"
    /// The safety-net rescan of `new/`; inotify picks files up at once.
    public var spoolScanInterval: Duration = .seconds(10)
    public var logLevel = "info"
    /// Prometheus metrics and /healthz on this `host:port` (a bare port means loopback).
    /// Off when unset.
    public var metricsListen: String?
    public var notifiers: [Notifier] = []

    public init() {}

    public struct API: Sendable, Equatable {
        public var baseURL = "https://api.cekura.ai"
        public var bulkPath = "/test_framework/v1/runs/bulk/"
        public var apiKeyFile: String?
        public var batchSize = 100
        public var pollInterval: Duration = .seconds(15)
        public var maxRequestsPerSecond = 1.0
        public var maxConcurrentRequests = 2
        /// Per-status overrides of `poll_interval`, keyed by status value.
        public var statusIntervals: [String: Duration] = [:]
        public var requestTimeout: Duration = .seconds(30)
        public var backoffBase: Duration = .seconds(1)
        public var backoffCap: Duration = .seconds(300)
        public var retryAfterCap: Duration = .seconds(900)
        /// How often to try again after 401/403: retrying sooner will not help.
        public var keyRejectedRetry: Duration = .seconds(300)
        public init() {}
    }

    public struct Watch: Sendable, Equatable {
        /// How long a terminal run and its history are kept in the store.
        public var retention: Duration = .seconds(7 * 86400)
        /// How long `completed` with `success: null` is polled for `success` to settle.
        public var successGrace: Duration = .seconds(300)
        /// Consecutive answers a run may be missing from before it ends as `not_found`.
        public var notFoundAfter = 20
        /// ...if it was submitted at least this long ago.
        public var notFoundMinAge: Duration = .seconds(600)
        /// A run unfinished this long after submission ends as `expired`.
        public var deadline: Duration = .seconds(86400)
        public init() {}
    }

    /// The lifecycle rules the poller applies.
    public var watchPolicy: WatchPolicy {
        WatchPolicy(
            pollInterval: api.pollInterval, statusIntervals: api.statusIntervals, successGrace: watch.successGrace,
            notFoundAfter: watch.notFoundAfter, notFoundMinAge: watch.notFoundMinAge, deadline: watch.deadline)
    }

    public struct Notifier: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable, CaseIterable { case slack, webhook }
        public var name: String
        public var kind: Kind
        public var url: String?
        public var urlFile: String?
        /// Standard Webhooks secret (`whsec_…`) file, for `kind: webhook`.
        public var secretFile: String?
        /// Outcomes this notifier receives. Defaults: slack — failures; webhook — every end.
        public var events: Set<RunOutcome>
        /// Also every status change (`run.transition`).
        public var transitions: Bool
        /// Only runs whose spool labels include all of these.
        public var labels: [String: String]
        /// Slack: failures ending within this of the first go out as one digest (0: never).
        public var groupWindow: Duration
        /// A message not accepted within this is kept as a dead letter.
        public var maxAge: Duration
        /// Webhook: a file holding a token sent as `Authorization: Bearer …`.
        public var bearerTokenFile: String?
        /// Least time between two messages to this endpoint (Slack allows about 1/s).
        public var minInterval: Duration

        public init(
            name: String, kind: Kind, url: String? = nil, urlFile: String? = nil, secretFile: String? = nil,
            events: Set<RunOutcome>? = nil, transitions: Bool = false, labels: [String: String] = [:],
            groupWindow: Duration? = nil, maxAge: Duration = .seconds(86400), bearerTokenFile: String? = nil,
            minInterval: Duration? = nil
        ) {
            self.name = name
            self.kind = kind
            self.url = url
            self.urlFile = urlFile
            self.secretFile = secretFile
            self.events = events ?? Self.defaultEvents(for: kind)
            self.transitions = transitions
            self.labels = labels
            self.groupWindow = groupWindow ?? (kind == .slack ? .seconds(10) : .zero)
            self.maxAge = maxAge
            self.bearerTokenFile = bearerTokenFile
            self.minInterval = minInterval ?? (kind == .slack ? .seconds(1) : .zero)
        }

        public static func defaultEvents(for kind: Kind) -> Set<RunOutcome> {
            switch kind {
            case .slack: Set(RunOutcome.allCases.filter(\.isFailure))
            case .webhook: Set(RunOutcome.allCases)
            }
        }
    }
}

/// A configuration problem, naming the key and what is wrong with it.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var keyPath: String
    public var problem: String

    public init(file: String, keyPath: String, problem: String) {
        self.file = file
        self.keyPath = keyPath
        self.problem = problem
    }

    public var description: String {
        keyPath.isEmpty ? "config \(file): \(problem)" : "config \(file): \(keyPath): \(problem)"
    }
}
