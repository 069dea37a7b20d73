import Foundation
import Synchronization

/// Progress of the daemon's loops, for the systemd watchdog. Each loop, whenever it
/// moves, promises when it will move next ("I sleep 30 s", "this request may take 35 s");
/// a loop that breaks its promise is stalled, and the watchdog stops being fed, so a
/// hung loop gets the process restarted instead of silently doing nothing.
public final class Heartbeat: Sendable {
    private let deadlines = Mutex([String: ContinuousClock.Instant]())
    /// Slack added to every promise: scheduling delays are not hangs.
    private let grace: Duration

    public init(grace: Duration = .seconds(2)) {
        self.grace = grace
    }

    public func beat(_ loop: String, nextWithin: Duration) {
        let deadline = ContinuousClock.now + nextWithin + grace
        deadlines.withLock { $0[loop] = deadline }
    }

    /// The loop ended on purpose (shutdown): stop expecting it.
    public func retire(_ loop: String) {
        deadlines.withLock { $0[loop] = nil }
    }

    public func stalled(at now: ContinuousClock.Instant = .now) -> [String] {
        deadlines.withLock { $0.filter { $0.value < now }.map(\.key).sorted() }
    }
}

/// Test-only triggers, read from the environment, so tests under real systemd can make
/// the daemon hang or hold READY. Unset in production: every check is one `nil` test.
public enum TestTriggers {
    /// While this file exists the poll loop blocks without progress (watchdog test).
    public static let hangFile = ProcessInfo.processInfo.environment["RUNWATCH_TEST_HANG_FILE"]
    /// While this file exists READY=1 is held back (activation-ordering test).
    public static let holdReadyFile = ProcessInfo.processInfo.environment["RUNWATCH_TEST_HOLD_READY_FILE"]

    static func waitWhileExists(_ path: String?) async {
        guard let path else { return }
        while FileManager.default.fileExists(atPath: path), !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
