import Foundation
import RunWatchCore
import Synchronization

/// Holds the daemon's one-line status and pushes it to systemd (`STATUS=`) when it
/// changes, so `systemctl status runwatch` always shows the current state.
package final class StatusBoard: Sendable {
    private let line = Mutex((current: StatusLine(), sent: ""))
    private let systemd: SystemdNotifier

    package init(systemd: SystemdNotifier) {
        self.systemd = systemd
    }

    package var current: StatusLine { line.withLock { $0.current } }

    package func update(_ change: (inout StatusLine) -> Void) {
        line.withLock { state in
            change(&state.current)
            let rendered = state.current.rendered
            guard rendered != state.sent else { return }
            state.sent = rendered
            // Sent under the lock (one datagram, no blocking): updates reach systemd in
            // the order they happened.
            systemd.notify("STATUS=\(rendered)")
        }
    }
}
