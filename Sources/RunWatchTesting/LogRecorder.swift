import Logging
import Synchronization

/// Keeps every log line (message and metadata, at every level) so a test can check what
/// the daemon said, and what it never said (a secret, a file's content).
package final class LogRecorder: Sendable {
    private let lines = Mutex([String]())

    package init() {}

    /// A logger that records here, at every level.
    package func logger(label: String = "runwatch-test") -> Logger {
        var logger = Logger(label: label) { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    package var all: [String] { lines.withLock { $0 } }

    package func contains(_ text: String) -> Bool { lines.withLock { $0.contains { $0.contains(text) } } }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            let line = "\(event.level) \(event.message) " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            recorder.append(line)
        }
    }
}
