import Foundation
import Synchronization

/// Progress of the daemon's loops, for the systemd watchdog. Each loop, whenever it
/// moves, promises when it will move next ("I sleep 30 s", "this request may take 35 s");
/// a loop that breaks its promise is stalled, and the watchdog stops being fed, so a
/// hung loop gets the process restarted instead of silently doing nothing.
package final class Heartbeat: Sendable {
    private let deadlines = Mutex([String: ContinuousClock.Instant]())
    /// Slack added to every promise: scheduling delays are not hangs.
    private let grace: Duration

    package init(grace: Duration = .seconds(2)) {
        self.grace = grace
    }

    package func beat(_ loop: String, nextWithin: Duration) {
        let deadline = ContinuousClock.now + nextWithin + grace
        deadlines.withLock { $0[loop] = deadline }
    }

    /// The loop ended on purpose (shutdown): stop expecting it.
    package func retire(_ loop: String) {
        deadlines.withLock { $0[loop] = nil }
    }

    package func stalled(at now: ContinuousClock.Instant = .now) -> [String] {
        deadlines.withLock { $0.filter { $0.value < now }.map(\.key).sorted() }
    }
}
