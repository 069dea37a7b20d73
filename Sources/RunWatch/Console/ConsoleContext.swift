import Foundation
import RunWatchCore

/// What the console reads: the store, and (in the daemon) its live state. The CLI builds
/// one with `status` and `activity` nil, so `runwatch status --json` and
/// `GET /api/v1/overview` come from the same code.
package struct ConsoleContext: Sendable {
    package var store: any RunStore
    /// The daemon's `STATUS=` line; nil outside the daemon.
    package var status: StatusBoard?
    /// Minute-by-minute activity for charts; nil outside the daemon.
    package var activity: ActivityRecorder?
    /// The configuration's facts, read at each request (a reload may change them).
    package var facts: @Sendable () -> ConsoleFacts
    package var now: @Sendable () -> Date

    package init(
        store: any RunStore, status: StatusBoard? = nil, activity: ActivityRecorder? = nil, facts: @escaping @Sendable () -> ConsoleFacts,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.status = status
        self.activity = activity
        self.facts = facts
        self.now = now
    }
}

/// What the console needs from the configuration, and nothing secret: no key, no notifier
/// URL, no signing secret.
package struct ConsoleFacts: Sendable, Equatable {
    package var maxRequestsPerSecond: Double
    package var batchSize: Int
    package var pollInterval: Duration
    /// Configured notifiers, in file order: name and kind (`slack` / `webhook`).
    package var notifiers: [(name: String, kind: String)]
    package var dashboardLinks: DashboardLinks
    package var consoleLinks: ConsoleLinks

    package init(
        maxRequestsPerSecond: Double, batchSize: Int, pollInterval: Duration, notifiers: [(name: String, kind: String)],
        dashboardLinks: DashboardLinks = .none, consoleLinks: ConsoleLinks = .none
    ) {
        self.maxRequestsPerSecond = maxRequestsPerSecond
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.notifiers = notifiers
        self.dashboardLinks = dashboardLinks
        self.consoleLinks = consoleLinks
    }

    package init(_ configuration: Configuration) {
        self.init(
            maxRequestsPerSecond: configuration.api.maxRequestsPerSecond, batchSize: configuration.api.batchSize,
            pollInterval: configuration.api.pollInterval,
            notifiers: configuration.notifiers.map { ($0.name, $0.kind.rawValue) },
            dashboardLinks: configuration.dashboardLinks, consoleLinks: configuration.consoleLinks)
    }

    package static func == (lhs: ConsoleFacts, rhs: ConsoleFacts) -> Bool {
        lhs.maxRequestsPerSecond == rhs.maxRequestsPerSecond && lhs.batchSize == rhs.batchSize && lhs.pollInterval == rhs.pollInterval
            && lhs.notifiers.map(\.name) == rhs.notifiers.map(\.name) && lhs.notifiers.map(\.kind) == rhs.notifiers.map(\.kind)
            && lhs.dashboardLinks == rhs.dashboardLinks && lhs.consoleLinks == rhs.consoleLinks
    }
}
