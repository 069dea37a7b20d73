import Foundation
import RunWatchCore
import Synchronization

/// The daemon's `ActivityHistory`, shared by the poller and the notifier queues (which
/// record) and the console (which reads). One lock, held for a dictionary update.
package final class ActivityRecorder: Sendable {
    private let history: Mutex<ActivityHistory>

    package init(minutes: Int = 360) {
        history = Mutex(ActivityHistory(minutes: minutes))
    }

    package func record(_ event: ActivityHistory.Event, at: Date = Date()) {
        history.withLock { $0.record(event, at: at) }
    }

    package func window(endingAt now: Date) -> [ActivityHistory.Minute] {
        history.withLock { $0.window(endingAt: now) }
    }
}
