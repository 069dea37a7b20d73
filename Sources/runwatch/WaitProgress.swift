import Foundation
import RunWatchCore
import Synchronization

/// The progress of `runwatch wait` on stderr (stdout is kept for the report and `--json`).
/// On a terminal one live line, rewritten in place (`\r`, erase to end of line); in a CI
/// log, a plain line when the counts change, and at least once a minute so a quiet wait
/// still shows it is alive.
final class WaitProgress: Sendable {
    private struct State {
        var lastText = ""
        var lastPrinted: Duration?
        var liveLineShown = false
    }

    let isTerminal: Bool
    private let state = Mutex(State())
    static let quietPeriod: Duration = .seconds(60)

    init(isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.isTerminal = isTerminal
    }

    func show(_ progress: GateProgress, elapsed: Duration) {
        let counts = progress.line(elapsed: .zero)
        let line = progress.line(elapsed: elapsed)
        state.withLock { state in
            if isTerminal {
                Self.write("\r\u{1B}[K" + line)
                state.liveLineShown = true
                return
            }
            let quiet = state.lastPrinted.map { elapsed - $0 >= Self.quietPeriod } ?? true
            guard counts != state.lastText || quiet else { return }
            state.lastText = counts
            state.lastPrinted = elapsed
            Self.write("runwatch wait: " + line + "\n")
        }
    }

    /// Ends the live line so the report starts on a fresh one.
    func finish() {
        state.withLock { state in
            if state.liveLineShown { Self.write("\n") }
            state.liveLineShown = false
        }
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
