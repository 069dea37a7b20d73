import Foundation
import RunWatchCore
import Synchronization
import UnixSignals

/// The engine of `runwatch wait`: reads the store (never the API) every `interval` until
/// the gate can judge, the timeout passes, or SIGINT/SIGTERM. The store is opened
/// read-only and reopened after any error: a daemon restarting, or a store briefly
/// unreadable, only delays the next read.
package struct WaitLoop: Sendable {
    package struct Settings: Sendable {
        package var query: WaitQuery
        package var timeout: Duration
        package var interval: Duration
        /// How long the store may be missing, or the wait's spool file lie unread in
        /// `new/`, before the wait gives up: no daemon is there to do its part.
        package var daemonGrace: Duration
        /// The spool file this wait wrote, to notice a daemon that never reads it.
        package var spoolFile: String?
        package var links: DashboardLinks

        package init(
            query: WaitQuery, timeout: Duration, interval: Duration = .seconds(2), daemonGrace: Duration = .seconds(60),
            spoolFile: String? = nil, links: DashboardLinks = .none
        ) {
            self.query = query
            self.timeout = timeout
            self.interval = interval
            self.daemonGrace = daemonGrace
            self.spoolFile = spoolFile
            self.links = links
        }
    }

    package enum Ending: Sendable {
        /// The gate judged (settled, or timed out).
        case verdict(GateVerdict, GateReading)
        /// SIGINT or SIGTERM: the last reading (nil if none succeeded yet).
        case interrupted(signal: Int32, GateReading?)
        /// No daemon did its part within the grace: why, for the message.
        case unavailable(String)
    }

    package let settings: Settings
    /// Opens the store read-only; throws while it does not exist or cannot be opened.
    package let openStore: @Sendable () throws -> any RunResults
    /// Called after every read, with where things stand and the time waited.
    package let onProgress: @Sendable (GateProgress, Duration) -> Void
    /// Trap SIGINT and SIGTERM (the CLI); tests driving the loop in-process do not.
    package let trapSignals: Bool

    package init(
        settings: Settings, trapSignals: Bool = true, openStore: @escaping @Sendable () throws -> any RunResults,
        onProgress: @escaping @Sendable (GateProgress, Duration) -> Void = { _, _ in }
    ) {
        self.settings = settings
        self.trapSignals = trapSignals
        self.openStore = openStore
        self.onProgress = onProgress
    }

    package func run() async -> Ending {
        let last = LastReading()
        guard trapSignals else { return await poll(last) }
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        return await withTaskGroup(of: Ending?.self) { group in
            group.addTask { await poll(last) }
            group.addTask {
                for await signal in signals {
                    return .interrupted(signal: signal == .sigint ? SIGINT : SIGTERM, last.value)
                }
                return nil
            }
            var ending: Ending = .unavailable("the wait ended without a verdict")
            for await result in group {
                if let result {
                    ending = result
                    break
                }
            }
            group.cancelAll()
            return ending
        }
    }

    private func poll(_ last: LastReading) async -> Ending {
        let clock = ContinuousClock()
        let start = clock.now
        var store: (any RunResults)?
        var query = settings.query
        // A suite followed alone ignores instances completed before this moment.
        if query.startedAt == nil { query.startedAt = Date() }
        var lastError: String?
        while true {
            let elapsed = clock.now - start
            let timedOut = elapsed >= settings.timeout
            do {
                if store == nil { store = try openStore() }
                let answer = try await store!.waitReading(query, links: settings.links)
                lastError = nil
                query.suiteInstance = answer.suiteInstance
                last.value = answer.reading
                onProgress(GateProgress(answer.reading), elapsed)
                if let verdict = GateVerdict.judge(answer.reading, timedOut: timedOut) { return .verdict(verdict, answer.reading) }
            } catch {
                // Reopened next time: the daemon may be restarting or migrating the store.
                store = nil
                lastError = "\(error)"
                if timedOut {
                    let reading = last.value ?? query.unread
                    return .verdict(GateVerdict.judge(reading, timedOut: true)!, reading)
                }
            }
            if elapsed >= settings.daemonGrace {
                if let file = settings.spoolFile, FileManager.default.fileExists(atPath: file) {
                    return .unavailable(
                        "the daemon has not read the spool file '\(file)' in \(DurationText.format(settings.daemonGrace)); is it running on this spool_dir?"
                    )
                }
                if last.value == nil, let lastError {
                    return .unavailable("cannot read the store for \(DurationText.format(settings.daemonGrace)): \(lastError)")
                }
            }
            do {
                try await Task.sleep(for: min(settings.interval, max(.milliseconds(10), settings.timeout - elapsed)))
            } catch {
                return .interrupted(signal: SIGTERM, last.value)
            }
        }
    }
}

/// The latest successful reading, for the signal path to report.
private final class LastReading: Sendable {
    private let state = Mutex<GateReading?>(nil)
    var value: GateReading? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
