import CSystemd
import Foundation
import Logging

/// Logs to journald with structured fields, so `journalctl -u runwatch RUN_ID=123` works.
/// Metadata becomes fields: `run_id` → `RUN_ID`, `status` → `RUN_STATUS`, `notifier` →
/// `NOTIFIER`, any other key upper-cased. The message also carries the metadata as
/// `key=value`, so the plain `journalctl` view stays readable.
package struct JournalLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info
    private let identifier: String

    package init(identifier: String = "runwatch") {
        self.identifier = identifier
    }

    /// Under systemd, stderr is connected to the journal and `$JOURNAL_STREAM` says so.
    package static func isJournalConnected(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return stream == "\(info.st_dev):\(info.st_ino)"
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        var text = "\(event.message)"
        if !merged.isEmpty {
            text += " (" + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + ")"
        }
        var fields = [
            "MESSAGE=\(text)",
            "PRIORITY=\(Self.priority(event.level))",
            "SYSLOG_IDENTIFIER=\(identifier)",
        ]
        for (key, value) in merged {
            fields.append("\(Self.fieldName(key))=\(value)")
        }
        Self.send(fields)
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func fieldName(_ key: String) -> String {
        switch key {
        case "run_id": return "RUN_ID"
        case "status": return "RUN_STATUS"
        case "notifier": return "NOTIFIER"
        default:
            // Journal field names: upper-case letters, digits and '_', not starting with '_'.
            let cleaned = key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
            let name = String(cleaned).drop { $0 == "_" }
            return name.isEmpty ? "FIELD" : (name.first!.isNumber ? "F" + name : String(name))
        }
    }

    /// `sd_journal_send` is variadic and cannot be called from Swift; `sd_journal_sendv`
    /// takes the fields as an iovec array.
    private static func send(_ fields: [String]) {
        let buffers = fields.map { Array($0.utf8) }
        var iovecs: [iovec] = []
        iovecs.reserveCapacity(buffers.count)
        func build(_ index: Int) {
            guard index < buffers.count else {
                _ = iovecs.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
                return
            }
            buffers[index].withUnsafeBytes { bytes in
                iovecs.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count))
                build(index + 1)
            }
        }
        build(0)
    }
}
