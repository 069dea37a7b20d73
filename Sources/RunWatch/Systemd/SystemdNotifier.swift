import CSystemd
import Foundation

/// Sends sd_notify(3) messages through libsystemd. Without `$NOTIFY_SOCKET` (not started
/// by systemd) every call is a cheap no-op.
package struct SystemdNotifier: Sendable {
    package let isActive: Bool

    package init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        isActive = environment["NOTIFY_SOCKET"] != nil
    }

    /// A notifier that never sends, for in-process use (tests, demo).
    package static let disabled = SystemdNotifier(environment: [:])

    @discardableResult
    package func notify(_ state: String) -> Bool {
        guard isActive else { return false }
        return sd_notify(0, state) > 0
    }
}
