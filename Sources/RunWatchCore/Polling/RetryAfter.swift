import Foundation

/// Parses an HTTP `Retry-After` value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
package enum RetryAfter {
    /// The wait the server asked for, from `now`, capped at `cap`. A date in the past
    /// means "now" (zero). Returns nil for a value that is neither form.
    package static func parse(_ value: String, now: Date, cap: Duration) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let seconds: Double
        if let value = Double(trimmed), value.isFinite {
            seconds = value
        } else if let date = httpDate(trimmed) {
            seconds = date.timeIntervalSince(now)
        } else {
            return nil
        }
        // Capped as a number first: a huge value must not overflow the conversion.
        return .secondsDouble(min(max(0, seconds), cap.secondsDouble))
    }

    /// IMF-fixdate, plus the obsolete RFC 850 and asctime forms recipients must accept.
    static func httpDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss 'GMT'", "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
