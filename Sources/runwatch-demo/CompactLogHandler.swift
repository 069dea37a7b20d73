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

    /// 24-hour wall-clock time: `.dateTime.hour(.twoDigits(amPM: .omitted))` is the
    /// 12-hour clock without its AM/PM (it printed 06:51 at 18:51).
    private static let clock = Date.VerbatimFormatStyle(
        format: "\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits)",
        timeZone: .current, calendar: Calendar(identifier: .gregorian))

    func log(event: LogEvent) {
        // Deliveries show as the messages that arrived (printed by the receiver, one per
        // message); the daemon logs one line per run, a digest's runs included.
        if event.level == .info, "\(event.message)".hasPrefix("notification delivered") { return }
        let time = Self.clock.format(Date())
        let level = event.level == .info ? "" : "[\(event.level)] "
        var extra = ""
        if event.level > .info, let metadata = event.metadata, !metadata.isEmpty {
            extra = "  " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        print("\(time)  \(level)\(event.message)\(extra)")
    }
}
