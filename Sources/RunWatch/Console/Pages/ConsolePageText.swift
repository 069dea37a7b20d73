import Foundation
import RunWatchCore

/// How the pages word what the documents hold: times, durations, rates, outcomes and
/// links. Pure (the clock is the document's `generatedAt`), so every page says the same
/// thing and the table tests pin it down.
package enum ConsolePageText {
    /// Bounds for text that came from a producer or the API: one line, controls and bidi
    /// overrides written as escapes, capped (the template engine escapes the HTML).
    package static let nameLimit = 200
    package static let textLimit = 500

    /// A point in time as ISO 8601 UTC and relative to when the page was made.
    package struct Moment: Sendable, Equatable {
        package var iso: String
        package var ago: String
    }

    package static func moment(_ date: Date, now: Date) -> Moment {
        Moment(iso: iso(date), ago: relative(date, to: now))
    }

    /// `2026-12-03T18:41:15Z`.
    package static func iso(_ date: Date) -> String {
        Date.ISO8601FormatStyle().format(date)
    }

    /// "just now", "45s ago", "3m ago", "2h 5m ago", "3d 4h ago"; "in 30s" for a time to come.
    package static func relative(_ date: Date, to now: Date) -> String {
        let interval = now.timeIntervalSince(date)
        guard interval.isFinite else { return "" }
        let seconds = Int(min(abs(interval), 1e12).rounded())
        guard seconds >= 5 else { return "just now" }
        let span: String
        switch seconds {
        case ..<60: span = "\(seconds)s"
        case ..<3600: span = "\(seconds / 60)m"
        case ..<86400:
            let minutes = seconds % 3600 / 60
            span = minutes == 0 ? "\(seconds / 3600)h" : "\(seconds / 3600)h \(minutes)m"
        default:
            let hours = seconds % 86400 / 3600
            span = hours == 0 ? "\(seconds / 86400)d" : "\(seconds / 86400)d \(hours)h"
        }
        return interval < 0 ? "in \(span)" : "\(span) ago"
    }

    /// A length of time as the config file writes it (`47s`, `2m`, `90s`).
    package static func duration(seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "" }
        return DurationText.format(.milliseconds(Int64((min(seconds, 1e9) * 1000).rounded())))
    }

    /// A run's duration: the API's "MM:SS" read as seconds, else its text as sent (bounded).
    package static func duration(of run: RunResult) -> String? {
        if let seconds = run.durationSeconds { return duration(seconds: seconds) }
        return run.duration.flatMap { $0.isEmpty ? nil : untrusted($0, limit: 40) }
    }

    /// "87%"; rounded down, so a suite with one failure among 300 runs never reads 100%.
    package static func percent(_ rate: Double?) -> String {
        guard let rate, rate.isFinite else { return "—" }
        return "\(Int((min(max(rate, 0), 1) * 100).rounded(.down)))%"
    }

    /// Untrusted text for a page: printable, bounded.
    package static func untrusted(_ text: String, limit: Int = textLimit) -> String {
        UntrustedText.printable(text, limit: limit)
    }

    /// A link the pages may render: `http(s)` only, plain printable ASCII, bounded. The
    /// dashboard and recording links were validated when made; this is the second look
    /// that keeps a `javascript:` or `data:` URL from ever becoming an `href`.
    package static func webLink(_ text: String?) -> String? {
        guard let text, text.utf8.count <= 2048 else { return nil }
        let lower = text.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), lower.count > 8 else { return nil }
        // Printable ASCII without the characters that end an attribute or a tag: the
        // engine would escape them, but a link that needs them is not one the API makes.
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"\"'<>`\\".unicodeScalars.contains($0) })
        else { return nil }
        return text
    }

    /// The page of a suite instance (or its latest instance): the name is one segment. A
    /// name too long for a console URL (the store refuses those) links to the list instead.
    package static func suitePath(_ name: String, instance: Int64? = nil) -> String {
        let path = "/suites/" + ConsoleLinks.segment(name) + (instance.map { "/\($0)" } ?? "")
        return path.utf8.count <= ConsoleRoute.maxPathBytes ? path : "/suites"
    }

    package static func runPath(_ id: RunID) -> String { "/runs/\(id)" }

    /// A run's outcome for a table cell: short, the same word everywhere.
    package static func outcome(_ outcome: RunOutcome?) -> String {
        guard let outcome else { return "running" }
        return switch outcome {
        case .completed: "passed"
        case .unsuccessful: "completed unsuccessfully"
        case .failed: "failed"
        case .timeout: "timed out"
        case .cancelled: "cancelled"
        case .notFound: "gone from the API"
        case .expired: "did not end before its deadline"
        case .rejected: "refused by the API"
        }
    }

    /// Statuses in lifecycle order (`submitted` = not yet seen), runwatch's own ends, then
    /// any value Cekura added, alphabetically.
    package static func statusOrder(_ statuses: some Sequence<String>) -> [String] {
        let known = ["submitted"] + RunStatus.known.map(\.rawValue) + ["not_found", "expired", "rejected"]
        let rank = Dictionary(known.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return statuses.sorted { lhs, rhs in
            switch (rank[lhs], rank[rhs]) {
            case (let l?, let r?): l < r
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): lhs < rhs
            }
        }
    }

    /// A word for a `class` attribute (the stylesheet colours states): lowercase letters and
    /// `_` only, else `other`, so a state the document did not expect styles as nothing.
    package static func cssToken(_ text: String) -> String {
        guard !text.isEmpty, text.utf8.count <= 20, text.utf8.allSatisfy({ (0x61...0x7A).contains($0) || $0 == 0x5F }) else { return "other" }
        return text
    }

    /// The API states the overview names (`<span id="api-state">`); anything else is `unknown`.
    package static let apiStates: Set<String> = ["ok", "backing_off", "rate_limited", "key_rejected", "not_contacted"]

    package static func apiState(_ live: LiveLine?) -> String {
        guard let api = live?.api, apiStates.contains(api) else { return "unknown" }
        return api
    }
}
