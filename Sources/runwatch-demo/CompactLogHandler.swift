import Foundation
import Logging

/// Prints the daemon's log as short lines for the demo: time, level (when not info),
/// message, and the metadata that matters.
struct CompactLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        // Deliveries show as the alerts themselves (printed by the receiver).
        if event.level == .info, "\(event.message)" == "notification delivered" { return }
        let time = Date().formatted(.dateTime.hour(.twoDigits(amPM: .omitted)).minute(.twoDigits).second(.twoDigits))
        let level = event.level == .info ? "" : "[\(event.level)] "
        var extra = ""
        if event.level > .info, let metadata = event.metadata, !metadata.isEmpty {
            extra = "  " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        print("\(time)  \(level)\(event.message)\(extra)")
    }
}
