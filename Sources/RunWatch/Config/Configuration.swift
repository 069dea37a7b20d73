import Foundation
import RunWatchCore

/// The daemon's configuration, decoded from YAML. Every key has a default except the API
/// key, which comes from a file, a systemd credential or the environment (see `Secrets`).
/// Reference: docs/configuration.md.
package struct Configuration: Sendable, Equatable {
    package var api = API()
    package var cekura = Cekura()
    package var watch = Watch()
    package var spoolDir = "/var/spool/runwatch"
    package var stateDir = "/var/lib/runwatch"
    /// The safety-net rescan of `new/`; inotify picks files up at once.
    package var spoolScanInterval: Duration = .seconds(10)
    package var logLevel = "info"
    /// Prometheus metrics and /healthz on this `host:port` (a bare port means loopback).
    /// Off when unset.
    package var metricsListen: String?
    /// The read-only web console (and its `/api/v1` JSON) on this `host:port` (a bare
    /// port means loopback). Off when unset. May equal `metrics_listen`: one server then
    /// answers both.
    package var consoleListen: String?
    package var console = Console()
    package var notifiers: [Notifier] = []
    package var suites = Suites()

    package init() {}

    package struct API: Sendable, Equatable {
        package var baseURL = "https://api.cekura.ai"
        package var bulkPath = "/test_framework/v1/runs/bulk/"
        /// Where a Cekura result is read (`runwatch submit --result`); `{id}` is its id.
        package var resultsPath = CekuraClient.defaultResultsPath
        package var apiKeyFile: String?
        package var batchSize = 100
        package var pollInterval: Duration = .seconds(15)
        package var maxRequestsPerSecond = 1.0
        package var maxConcurrentRequests = 2
        /// Per-status overrides of `poll_interval`, keyed by status value.
        package var statusIntervals: [String: Duration] = [:]
        /// The whole bulk request, answer body included.
        package var requestTimeout: Duration = .seconds(30)
        /// Larger answers are refused (and the batch halved).
        package var maxResponseSize = CekuraClient.defaultMaxBodyBytes
        package var backoffBase: Duration = .seconds(1)
        package var backoffCap: Duration = .seconds(300)
        package var retryAfterCap: Duration = .seconds(900)
        /// How often to try again after 401/403: retrying sooner will not help.
        package var keyRejectedRetry: Duration = .seconds(300)
        package init() {}
    }

    /// Facts about the operator's Cekura account that the API does not give.
    package struct Cekura: Sendable, Equatable {
        /// The project's dashboard, e.g. `https://dashboard.cekura.ai/<project>`; runs and
        /// suites link to `<dashboard_url>/results/<result_id>`. Unset: no links.
        package var dashboardURL: String?
        package init() {}
    }

    /// How people reach the console, for links in messages.
    package struct Console: Sendable, Equatable {
        /// The console's address as people reach it (usually a reverse proxy), e.g.
        /// `https://runwatch.example.com`; Slack messages link to its pages. Unset: no links.
        package var publicURL: String?
        package init() {}
    }

    /// Links into the console made from `console.public_url` (none when unset).
    package var consoleLinks: ConsoleLinks {
        ConsoleLinks(base: console.publicURL)
    }

    /// Links into the dashboard made from `cekura.dashboard_url` (none when unset).
    package var dashboardLinks: DashboardLinks {
        DashboardLinks(base: cekura.dashboardURL)
    }

    package struct Watch: Sendable, Equatable {
        /// How long a terminal run and its history are kept in the store.
        package var retention: Duration = .seconds(7 * 86400)
        /// How long `completed` with `success: null` is polled for `success` to settle.
        package var successGrace: Duration = .seconds(300)
        /// Consecutive answers a run may be missing from before it ends as `not_found`.
        package var notFoundAfter = 20
        /// ...if it was submitted at least this long ago.
        package var notFoundMinAge: Duration = .seconds(600)
        /// A run unfinished this long after submission ends as `expired`.
        package var deadline: Duration = .seconds(86400)
        package init() {}
    }

    /// The lifecycle rules the poller applies.
    package var watchPolicy: WatchPolicy {
        WatchPolicy(
            pollInterval: api.pollInterval, statusIntervals: api.statusIntervals, successGrace: watch.successGrace,
            notFoundAfter: watch.notFoundAfter, notFoundMinAge: watch.notFoundMinAge, deadline: watch.deadline)
    }

    package struct Notifier: Sendable, Equatable {
        package typealias Kind = NotifierKind
        package var name: String
        package var kind: Kind
        package var url: String?
        package var urlFile: String?
        /// Standard Webhooks secret (`whsec_…`) file, for `kind: webhook`.
        package var secretFile: String?
        /// Outcomes this notifier receives. Defaults: slack — failures; webhook — every end.
        package var events: Set<RunOutcome>
        /// Also every status change (`run.transition`).
        package var transitions: Bool
        /// Only runs whose spool labels include all of these.
        package var labels: [String: String]
        /// Slack: failures ending within this of the first go out as one digest (0: never).
        package var groupWindow: Duration
        /// A message not accepted within this is kept as a dead letter.
        package var maxAge: Duration
        /// Webhook: a file holding a token sent as `Authorization: Bearer …`.
        package var bearerTokenFile: String?
        /// Least time between two messages to this endpoint (Slack allows about 1/s).
        package var minInterval: Duration
        /// Deliveries under way at once (webhook: 4; Slack: always 1, paced).
        package var maxInFlight: Int
        /// One delivery attempt, the answer's body included, ends after this.
        package var timeout: Duration
        /// Which suite verdicts it receives. Defaults: slack — failures; webhook — always.
        package var suites: SuiteMode

        package init(
            name: String, kind: Kind, url: String? = nil, urlFile: String? = nil, secretFile: String? = nil,
            events: Set<RunOutcome>? = nil, transitions: Bool = false, labels: [String: String] = [:],
            groupWindow: Duration? = nil, maxAge: Duration = .seconds(86400), bearerTokenFile: String? = nil,
            minInterval: Duration? = nil, maxInFlight: Int? = nil, timeout: Duration = NotificationSender.defaultTimeout,
            suites: SuiteMode? = nil
        ) {
            self.name = name
            self.kind = kind
            self.url = url
            self.urlFile = urlFile
            self.secretFile = secretFile
            self.events = events ?? Self.defaultEvents(for: kind)
            self.transitions = transitions
            self.labels = labels
            let defaults = kind.sink.defaults
            self.groupWindow = groupWindow ?? defaults.groupWindow
            self.maxAge = maxAge
            self.bearerTokenFile = bearerTokenFile
            self.minInterval = minInterval ?? defaults.pace
            self.maxInFlight = maxInFlight ?? defaults.maxInFlight
            self.timeout = timeout
            self.suites = suites ?? kind.sink.suiteDefault
        }

        package static func defaultEvents(for kind: Kind) -> Set<RunOutcome> {
            kind.sink.defaults.events
        }
    }
}

/// A configuration problem, naming the key and what is wrong with it.
package struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    package var file: String
    package var keyPath: String
    package var problem: String

    package init(file: String, keyPath: String, problem: String) {
        self.file = file
        self.keyPath = keyPath
        self.problem = problem
    }

    package var description: String {
        keyPath.isEmpty ? "config \(file): \(problem)" : "config \(file): \(keyPath): \(problem)"
    }
}
