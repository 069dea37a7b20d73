import Foundation

/// Every test hook in the product, in one place: failpoints read once from the
/// environment, so tests under a real systemd (scripts/systemd-e2e) can make the daemon
/// hang or hold READY=1 back. Unset in production, where each check is one `nil` test.
/// Nothing else in the product exists for tests; see docs/design.md, "Testing seams".
package enum Failpoints {
    /// While this file exists the poll loop blocks without progress (watchdog test).
    package static let hangFile = ProcessInfo.processInfo.environment["RUNWATCH_TEST_HANG_FILE"]
    /// While this file exists READY=1 is held back (activation-ordering test).
    package static let holdReadyFile = ProcessInfo.processInfo.environment["RUNWATCH_TEST_HOLD_READY_FILE"]

    static func waitWhileExists(_ path: String?) async {
        guard let path else { return }
        while FileManager.default.fileExists(atPath: path), !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
