import AsyncHTTPClient
import Foundation
import Logging
import Prometheus
import RunWatchCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Assembles the daemon: opens the store, prepares the spool, ingests what is waiting,
/// and returns the services to run in one `ServiceGroup`. Also applies reloads.
package final class Daemon: Sendable {
    package let store: SQLiteRunStore
    package let poller: Poller
    package let status: StatusBoard
    package let delivery: DeliveryService
    package let heartbeat: Heartbeat
    package let expander: ResultExpander
    package let suites: SuiteService
    /// What the daemon did minute by minute (the console's charts).
    package let activity: ActivityRecorder
    /// The console's server when `console_listen` names its own address (nil when off or
    /// when it shares the metrics endpoint).
    package let console: ConsoleEndpoint?
    /// The metrics endpoint (which also serves the console when both share an address).
    package let metrics: MetricsEndpoint?
    /// In group order; graceful shutdown runs in reverse: systemd is told first, then
    /// ingest stops, then polling, then the delivery queues finish their current message.
    package let services: [any Service]
    private let configuration: CurrentConfiguration
    private let environment: [String: String]
    private let systemd: SystemdNotifier
    private let http: OutboundHTTP
    private let logger: Logger
    /// Held until the daemon is gone (see `InstanceLock`).
    private let lock: InstanceLock

    package var currentConfiguration: Configuration { configuration.current }

    private init(
        store: SQLiteRunStore, poller: Poller, status: StatusBoard, delivery: DeliveryService, heartbeat: Heartbeat,
        expander: ResultExpander, suites: SuiteService, activity: ActivityRecorder, console: ConsoleEndpoint?, metrics: MetricsEndpoint?,
        services: [any Service], configuration: CurrentConfiguration,
        environment: [String: String],
        systemd: SystemdNotifier, http: OutboundHTTP, logger: Logger, lock: InstanceLock
    ) {
        self.lock = lock
        self.store = store
        self.poller = poller
        self.status = status
        self.delivery = delivery
        self.heartbeat = heartbeat
        self.expander = expander
        self.suites = suites
        self.activity = activity
        self.console = console
        self.metrics = metrics
        self.services = services
        self.configuration = configuration
        self.environment = environment
        self.systemd = systemd
        self.http = http
        self.logger = logger
    }

    /// How long the start-up spool scan may hold READY=1 back.
    static let startupScanBudget: Duration = .seconds(5)

    package static func prepare(
        configuration: Configuration,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger,
        systemd: SystemdNotifier = SystemdNotifier(),
        http injected: HTTPClient? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) async throws -> Daemon {
        // First: a second daemon on this state_dir must not touch the spool or the store.
        let lock: InstanceLock
        do {
            lock = try InstanceLock.acquire(in: configuration.stateDir)
        } catch {
            let kind = StartError.kind(of: error)
            throw StartError(description: kind == .locked ? "\(error)" : "cannot lock state_dir '\(configuration.stateDir)': \(error)", kind: kind)
        }
        // Before any component exists: metric handles made earlier would stay no-ops.
        let registry = configuration.metricsListen.map { _ in RunWatchMetrics.bootstrap() }
        // runwatch's own clients (no redirects, timeouts), or the one a test injected.
        let http = injected.map { OutboundHTTP(injected: $0) } ?? OutboundHTTP(apiReadTimeout: configuration.api.requestTimeout)
        do {
            return try await prepare(
                configuration: configuration, environment: environment, logger: logger, systemd: systemd, http: http, registry: registry,
                lock: lock, now: now, random: random)
        } catch {
            await http.shutdown()
            throw error
        }
    }

    private static func prepare(
        configuration: Configuration, environment: [String: String], logger: Logger, systemd: SystemdNotifier, http: OutboundHTTP,
        registry: PrometheusCollectorRegistry?, lock: InstanceLock, now: @escaping @Sendable () -> Date,
        random: @escaping @Sendable () -> Double
    ) async throws -> Daemon {
        let client = try makeClient(configuration, environment: environment, http: http.api)
        let endpoints = try resolveNotifiers(configuration, environment: environment)

        let spool = SpoolDirectory(root: configuration.spoolDir)
        do {
            try spool.prepare()
        } catch {
            throw StartError(
                description: "cannot create spool folders under '\(configuration.spoolDir)': \(error.localizedDescription)",
                kind: StartError.kind(of: error))
        }
        let store: SQLiteRunStore
        do {
            store = try SQLiteRunStore.open(directory: configuration.stateDir)
        } catch {
            throw StartError(description: "\(error)", kind: StartError.kind(of: error))
        }

        let status = StatusBoard(systemd: systemd)
        let heartbeat = Heartbeat()
        let activity = ActivityRecorder()
        let outboxChanged: @Sendable () async -> Void = {
            // An indexed count of pending rows, not the full summary: this runs after
            // every batch of deliveries.
            if let pending = try? await store.pendingCount() {
                status.update { $0.outboxDepth = pending }
            }
        }
        let onDisabled: @Sendable (String, String) async -> Void = { name, reason in
            status.update { if !$0.disabledNotifiers.contains(name) { $0.disabledNotifiers.append(name) } }
            try? await store.noteNotifier(name, disabled: reason, at: now())
        }
        let delivery = DeliveryService(endpoints: endpoints) { endpoint in
            NotifierQueue(
                endpoint: endpoint, store: store, http: http.notifiers, logger: logger, now: now, random: random,
                heartbeat: heartbeat, onChange: outboxChanged, onDisabled: onDisabled, activity: activity)
        }
        // A restart (like a reload) gives every notifier a fresh chance.
        for notifier in configuration.notifiers { try? await store.noteNotifier(notifier.name, disabled: nil, at: now()) }
        let suites = SuiteService(
            store: store, settings: suiteSettings(configuration), heartbeat: heartbeat, logger: logger, now: now,
            onEnqueued: { delivery.ring() })
        let poller = Poller(
            settings: Poller.Settings(configuration), client: client, store: store,
            routes: configuration.notifiers.map(NotifierRoute.init), status: status, heartbeat: heartbeat,
            logger: logger, now: now, random: random,
            onEnqueued: { delivery.ring() }, onRunsChanged: { suites.ring() }, activity: activity)

        // Alerts for notifiers no longer configured wait in the outbox; say so.
        let configured = Set(configuration.notifiers.map(\.name))
        for (name, count) in (try? await store.pendingByNotifier()) ?? [:] where !configured.contains(name) {
            logger.warning(
                "alerts wait for a notifier that is no longer configured; add it back to send them",
                metadata: [
                    "notifier": "\(name)", "pending": "\(count)",
                ])
        }
        try await poller.load()
        let ingester = SpoolIngester(
            spool: spool, store: store, logger: logger, now: now, configuredNotifiers: { Set(poller.routes.map(\.name)) })
        // Bounded, so READY=1 comes well within TimeoutStartSec whatever waits in new/;
        // SpoolService ingests the rest right after start.
        poller.watch(try await ingester.scanOnce(until: .now + startupScanBudget))
        await outboxChanged()
        // Results queued by spool files are read within a second of their commit.
        let expander = ResultExpander(
            settings: ResultExpander.settings(configuration), store: store, poller: poller, heartbeat: heartbeat, logger: logger, now: now,
            random: random, activity: activity)

        let current = CurrentConfiguration(configuration)
        let consoleHandler = configuration.consoleListen.map { listen in
            ConsoleHandler(
                context: ConsoleContext(
                    store: store, status: status, activity: activity, facts: { ConsoleFacts(current.current) }, now: now),
                listenHost: RunWatchMetrics.parseListen(listen)?.host, logger: logger)
        }
        // One server when both name the same address: the console answers what is not
        // /metrics or /healthz.
        let shared =
            configuration.consoleListen.flatMap(RunWatchMetrics.parseListen).map { "\($0.host):\($0.port)" }
            == configuration.metricsListen.flatMap(RunWatchMetrics.parseListen).map { "\($0.host):\($0.port)" }
        var servers: [any Service] = []
        var metricsEndpoint: MetricsEndpoint?
        if let listen = configuration.metricsListen, let registry {
            do {
                let endpoint = try await MetricsEndpoint.bind(
                    listen: listen, registry: registry, heartbeat: heartbeat, status: status, console: shared ? consoleHandler : nil,
                    logger: logger)
                metricsEndpoint = endpoint
                servers = [endpoint, MetricsSampler(poller: poller, store: store, notifiers: { configuration.notifiers.map(\.name) })]
            } catch let error as Daemon.StartError {
                throw error
            } catch {
                throw StartError(description: "metrics_listen '\(listen)': cannot listen: \(error)")
            }
        }
        var consoleEndpoint: ConsoleEndpoint?
        if let listen = configuration.consoleListen, let consoleHandler, !shared {
            do {
                let endpoint = try await ConsoleEndpoint.bind(listen: listen, handler: consoleHandler, logger: logger)
                consoleEndpoint = endpoint
                servers.append(endpoint)
            } catch let error as Daemon.StartError {
                throw error
            } catch {
                throw StartError(description: "console_listen '\(listen)': cannot listen: \(error)")
            }
        }
        let services: [any Service] =
            [OutboundHTTPService(http: http)] + servers + [
                delivery,
                MaintenanceService(store: store, retention: configuration.watch.retention, logger: logger, now: now),
                poller,
                expander,
                suites,
                SpoolService(
                    ingester: ingester, poller: poller, interval: configuration.spoolScanInterval, heartbeat: heartbeat, logger: logger),
                WatchdogService(systemd: systemd, heartbeat: heartbeat, logger: logger),
                SystemdLifecycle(systemd: systemd, status: status, logger: logger),
            ]
        return Daemon(
            store: store, poller: poller, status: status, delivery: delivery, heartbeat: heartbeat, expander: expander, suites: suites,
            activity: activity, console: consoleEndpoint, metrics: metricsEndpoint, services: services,
            configuration: current, environment: environment, systemd: systemd, http: http, logger: logger, lock: lock)
    }

    private static func makeClient(_ configuration: Configuration, environment: [String: String], http: HTTPClient) throws -> CekuraClient {
        let apiKey: Secret
        do {
            apiKey = try SecretSource.apiKey(configuration: configuration, environment: environment)
        } catch {
            throw StartError(description: error.description)
        }
        return CekuraClient(
            baseURL: configuration.api.baseURL, bulkPath: configuration.api.bulkPath, apiKey: apiKey, http: http,
            timeout: configuration.api.requestTimeout, retryAfterCap: configuration.api.retryAfterCap,
            maxBodyBytes: configuration.api.maxResponseSize, resultsPath: configuration.api.resultsPath)
    }

    /// When suites complete and who hears of it; dashboard links from `cekura.dashboard_url`,
    /// console links from `console.public_url`.
    private static func suiteSettings(_ configuration: Configuration) -> SuiteService.Settings {
        SuiteService.Settings(
            rule: configuration.suites.completion, routes: configuration.notifiers.map(NotifierRoute.init),
            links: configuration.dashboardLinks, console: configuration.consoleLinks)
    }

    private static func resolveNotifiers(_ configuration: Configuration, environment: [String: String]) throws -> [NotifierQueue.Endpoint] {
        try configuration.notifiers.map { try NotifierQueue.Endpoint.resolve($0, environment: environment) }
    }

    // MARK: Reload

    package struct ReloadError: Error, CustomStringConvertible {
        package var description: String
    }

    /// Applies a new configuration: notifiers, budget, intervals, lifecycle rules, secrets.
    /// Everything is validated first; on any problem nothing changes and the old
    /// configuration keeps running. `state_dir` and `spool_dir` cannot change without a
    /// restart.
    package func reload(_ new: Configuration) throws(ReloadError) {
        let old = currentConfiguration
        guard new.stateDir == old.stateDir else {
            throw ReloadError(description: "state_dir cannot change on reload ('\(old.stateDir)' → '\(new.stateDir)'); restart to move the store")
        }
        guard new.metricsListen == old.metricsListen else {
            throw ReloadError(description: "metrics_listen cannot change on reload; restart to move the metrics endpoint")
        }
        guard new.consoleListen == old.consoleListen else {
            throw ReloadError(description: "console_listen cannot change on reload; restart to move the console")
        }
        guard new.spoolDir == old.spoolDir else {
            throw ReloadError(description: "spool_dir cannot change on reload ('\(old.spoolDir)' → '\(new.spoolDir)'); restart to move the spool")
        }
        let client: CekuraClient
        let endpoints: [NotifierQueue.Endpoint]
        do {
            client = try Self.makeClient(new, environment: environment, http: http.api)
            endpoints = try Self.resolveNotifiers(new, environment: environment)
        } catch {
            throw ReloadError(description: "\(error)")
        }
        poller.reconfigure(settings: Poller.Settings(new), client: client, routes: new.notifiers.map(NotifierRoute.init))
        delivery.reconfigure(endpoints)
        expander.reconfigure(ResultExpander.settings(new))
        suites.reconfigure(Self.suiteSettings(new))
        status.update { $0.disabledNotifiers = [] }
        configuration.replace(with: new)
    }

    /// The SIGHUP path: tells systemd, reads the file, applies it or keeps the old one.
    package func reload(path: String) async {
        let monotonic = UInt64(ContinuousClock.now.durationSinceBoot.secondsDouble * 1_000_000)
        systemd.notify("RELOADING=1\nMONOTONIC_USEC=\(monotonic)\nSTATUS=reloading configuration")
        do throws(ReloadError) {
            let new: Configuration
            do {
                new = try Configuration.load(path: path)
            } catch {
                throw ReloadError(description: error.description)
            }
            let previous = currentConfiguration.notifiers.map(\.name)
            try reload(new)
            // Reload gives every notifier a fresh chance.
            for name in Set(previous + new.notifiers.map(\.name)) { try? await store.noteNotifier(name, disabled: nil, at: Date()) }
            logger.notice("configuration reloaded", metadata: ["notifiers": "\(new.notifiers.map(\.name).joined(separator: ","))"])
            systemd.notify("READY=1\nSTATUS=\(status.current.rendered)")
        } catch {
            logger.error("reload refused; still running with the previous configuration", metadata: ["error": "\(error.description)"])
            systemd.notify(
                "READY=1\nSTATUS="
                    + StatusText.clean("reload failed, previous configuration kept: \(error.description)", maxBytes: 300))
        }
    }

    /// Runs the daemon until SIGTERM/SIGINT (or `group.triggerGracefulShutdown()`).
    /// `reloadConfigurationFrom` traps SIGHUP (what `systemctl reload` sends) and reloads
    /// that file; only the real daemon process wants that.
    package func makeGroup(logger: Logger, signals: [UnixSignal] = [.sigterm, .sigint], reloadConfigurationFrom path: String? = nil) -> ServiceGroup {
        let listener: [any Service] = path.map { path in [ReloadSignalListener(logger: logger) { await self.reload(path: path) }] } ?? []
        var configuration = ServiceGroupConfiguration(
            services: (listener + services).map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: signals,
            logger: logger)
        configuration.maximumGracefulShutdownDuration = Self.shutdownBudget.graceful
        configuration.maximumCancellationDuration = Self.shutdownBudget.cancellation
        return ServiceGroup(configuration: configuration)
    }

    /// How long a stop may take. Graceful: the sends and the poll in flight finish and
    /// are recorded. Then cancelled: what is still in flight (a receiver or the API that
    /// holds its answer) is abandoned and stays in the outbox or due. If even that hangs,
    /// the process ends with a fatal error. The sum stays well under the unit's
    /// `TimeoutStopSec=30s`, so systemd never has to SIGKILL a daemon mid-write.
    package static let shutdownBudget = (graceful: Duration.seconds(10), cancellation: Duration.seconds(5))
}

extension ContinuousClock.Instant {
    /// CLOCK_MONOTONIC as systemd reads it (`MONOTONIC_USEC=`).
    var durationSinceBoot: Duration {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }
}
