import Foundation
import RunWatchCore

/// Small facts the daemon remembers for operators (`runwatch status`).
package protocol DaemonNotes: Sendable {
    /// Remembers the API's state for `runwatch status` (written when it changes).
    func noteAPIState(_ state: String, error: String?, at: Date) async throws

    /// Remembers that a notifier is disabled (reason) or enabled again (nil).
    func noteNotifier(_ name: String, disabled reason: String?, at: Date) async throws
}
