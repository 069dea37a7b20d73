import AsyncHTTPClient
import Foundation
import Logging
import RunWatchCore
import ServiceLifecycle
import UnixSignals

/// Assembles the daemon: opens the store, prepares the spool, ingests what is waiting,
/// and returns the services to run in one `ServiceGroup`.
public struct Daemon: Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public let store: SQLiteRunStore
    public let poller: Poller
    public let status: StatusBoard
    /// In group order; graceful shutdown runs in reverse: systemd is told first, then
    /// ingest stops, then polling, then the delivery queues finish their current message.
    public let services: [any Service]

    public static func prepare(
        configuration: Configuration,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger,
        systemd: SystemdNotifier = SystemdNotifier(),
        http: HTTPClient = .shared,
        now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) async throws -> Daemon {
        let apiKey: Secret
        do {
            apiKey = try SecretSource.apiKey(configuration: configuration, environment: environment)
        } catch {
            throw StartError(description: error.description)
        }
        var endpoints: [NotifierQueue.Endpoint] = []
        for notifier in configuration.notifiers {
            endpoints.append(try resolve(notifier, environment: environment))
        }

        let spool = SpoolDirectory(root: configuration.spoolDir)
        do {
            try spool.prepare()
        } catch {
            throw StartError(description: "cannot create spool folders under '\(configuration.spoolDir)': \(error.localizedDescription)")
        }
        let store: SQLiteRunStore
        do {
            store = try SQLiteRunStore.open(directory: configuration.stateDir)
        } catch {
            throw StartError(description: "\(error)")
        }

        let status = StatusBoard(systemd: systemd)
        let outboxChanged: @Sendable () async -> Void = {
            if let summary = try? await store.summary() {
                status.update { $0.outboxDepth = summary.outboxPending }
            }
        }
        let queues = endpoints.map { endpoint in
            NotifierQueue(endpoint: endpoint, store: store, http: http, logger: logger, now: now, random: random, onChange: outboxChanged)
        }
        let client = CekuraClient(
            baseURL: configuration.api.baseURL, bulkPath: configuration.api.bulkPath, apiKey: apiKey, http: http,
            timeout: configuration.api.requestTimeout, retryAfterCap: configuration.api.retryAfterCap)
        let poller = Poller(
            settings: Poller.Settings(configuration), client: client, store: store,
            routes: configuration.notifiers.map(NotifierRoute.init), status: status, logger: logger,
            now: now, random: random,
            onEnqueued: { for queue in queues { queue.doorbell.ring() } })

        try await poller.load()
        let ingester = SpoolIngester(spool: spool, store: store, logger: logger, now: now)
        poller.watch(try await ingester.scanOnce())
        await outboxChanged()

        let services: [any Service] = queues + [
            MaintenanceService(store: store, retention: configuration.watch.retention, logger: logger, now: now),
            poller,
            SpoolService(ingester: ingester, poller: poller, interval: configuration.spoolScanInterval, logger: logger),
            SystemdLifecycle(systemd: systemd, status: status, logger: logger),
        ]
        return Daemon(store: store, poller: poller, status: status, services: services)
    }

    private static func resolve(_ notifier: Configuration.Notifier, environment: [String: String]) throws -> NotifierQueue.Endpoint {
        let url: Secret
        do {
            if let value = notifier.url {
                url = Secret(value)
            } else if let file = notifier.urlFile {
                url = try SecretSource.read(file, what: "notifier '\(notifier.name)' url_file", environment: environment)
            } else {
                throw StartError(description: "notifier '\(notifier.name)': set url or url_file")
            }
            var key: Data?
            if let file = notifier.secretFile {
                let secret = try SecretSource.read(file, what: "notifier '\(notifier.name)' secret_file", environment: environment)
                guard let bytes = StandardWebhook.keyBytes(fromSecret: secret.value) else {
                    throw StartError(description: "notifier '\(notifier.name)' secret_file: not a whsec_<base64> secret")
                }
                key = bytes
            }
            return NotifierQueue.Endpoint(name: notifier.name, kind: notifier.kind, url: url, signingKey: key)
        } catch let error as SecretsError {
            throw StartError(description: error.description)
        }
    }

    /// Runs the daemon until SIGTERM/SIGINT (or `group.triggerGracefulShutdown()`).
    /// `handleReloadSignal` traps SIGHUP (what `systemctl reload` sends) so it cannot kill
    /// the process; only the real daemon process wants that.
    public func makeGroup(logger: Logger, signals: [UnixSignal] = [.sigterm, .sigint], handleReloadSignal: Bool = false) -> ServiceGroup {
        let all = (handleReloadSignal ? [ReloadSignalListener(logger: logger)] : []) + services
        return ServiceGroup(configuration: .init(
            services: all.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: signals,
            logger: logger))
    }
}
