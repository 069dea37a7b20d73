/// Text that goes into systemd's `STATUS=` (and `/healthz`): one line, no control
/// characters, bounded in bytes.
///
/// sd_notify messages are newline-separated assignments in one datagram, and systemd
/// reads at most 4096 bytes of it: a line break inside an API's status string or an
/// error text would start a new assignment (`WATCHDOG=1`, `READY=1`), and an oversize
/// datagram is dropped whole, leaving `systemctl status` stale. Everything that reaches
/// `STATUS=` from outside runwatch (statuses, error texts, reload errors) passes here.
package enum StatusText {
    /// The whole `STATUS=` value. Leaves room in the 4096-byte datagram for the other
    /// assignments sent with it (`READY=1`, `MONOTONIC_USEC=`).
    package static let maxBytes = 1024

    /// `text` on one line: control characters (C0, DEL, C1, Unicode line and paragraph
    /// separators) become `?`, and text over `maxBytes` UTF-8 bytes is cut at a
    /// character boundary and ends with `…`.
    package static func clean(_ text: some StringProtocol, maxBytes: Int = maxBytes) -> String {
        let ellipsis = "…"
        var line = ""
        var bytes = 0
        // Where the line is cut if it turns out too long: a character boundary that
        // leaves room for the ellipsis.
        var cut = 0
        for character in text {
            let safe = isControl(character) ? "?" : String(character)
            bytes += safe.utf8.count
            // Stop reading once the text is known to be too long: bounded work for a
            // hostile megabyte.
            if bytes > maxBytes { return String(decoding: line.utf8.prefix(cut), as: UTF8.self) + ellipsis }
            line += safe
            if bytes <= maxBytes - ellipsis.utf8.count { cut = bytes }
        }
        return line
    }

    private static func isControl(_ character: Character) -> Bool {
        character.unicodeScalars.contains { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
        }
    }
}
