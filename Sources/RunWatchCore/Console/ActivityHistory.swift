import Foundation

/// What the daemon did, minute by minute, for the console's charts: requests against the
/// budget, deliveries, and how late run ends were noticed. Pure: the caller passes the
/// wall time of each event (charts are read against the wall clock). Kept in memory for
/// `minutes` minutes; a restart starts the charts afresh (the store keeps the facts that
/// matter, these are rates).
///
/// The wall clock can step. Forward, the old minutes simply fall out of the window.
/// Backwards by more than `clockStepTolerance` minutes, the minutes "after" the new time
/// are forgotten: they cannot be shown where they happened any more, and keeping them
/// would count those minutes twice once the clock gets there again. Smaller steps back,
/// and events recorded a little late (a slow store write between reading the time and
/// recording), count in the minute they name.
package struct ActivityHistory: Sendable, Equatable {
    package enum Event: Sendable, Equatable {
        /// One request to the API (bulk poll or result read); `throttled` when it was
        /// answered 429.
        case request(throttled: Bool)
        /// One delivery attempt; `delivered` when the receiver said 2xx.
        case delivery(delivered: Bool)
        /// A run's end noticed this long after the previous answer about it (the same
        /// upper bound as `runwatch_detection_delay_seconds`).
        case detection(delay: TimeInterval)
    }

    package struct Minute: Sendable, Equatable, Codable {
        /// The minute's start (a whole minute of wall time).
        package var start: Date
        package var requests = 0
        package var throttled = 0
        package var deliveries = 0
        package var deliveryFailures = 0
        package var detections = 0
        package var detectionDelaySum: TimeInterval = 0
        package var detectionDelayMax: TimeInterval = 0

        package init(start: Date) { self.start = start }

        package var detectionDelayMean: TimeInterval? { detections > 0 ? detectionDelaySum / Double(detections) : nil }
    }

    /// Minutes an event may lie before the newest one recorded and still count where it
    /// says; further back means the clock stepped back.
    package static let clockStepTolerance: Int64 = 5
    /// A delay above this (about 31 years) is a wrong clock, not a slow API; capped so that
    /// sums stay finite (JSON cannot carry infinity).
    package static let delayCap: TimeInterval = 1e9
    /// Times beyond about ±30 million years are not from a clock: such events are ignored
    /// (the minute index must fit an Int64).
    static let secondsLimit: TimeInterval = 1e15

    package let minutes: Int
    /// Non-empty minutes by minute index (seconds since 1970 / 60), all within the
    /// `minutes` ending with `newest`.
    private var buckets: [Int64: Minute] = [:]
    /// The minute of the newest event recorded.
    private var newest: Int64?

    package init(minutes: Int = 360) {
        self.minutes = max(1, minutes)
    }

    package mutating func record(_ event: Event, at: Date) {
        guard let index = Self.index(at) else { return }
        if let newest, index < newest - Self.clockStepTolerance {
            // The clock stepped back: what lies after the new time is forgotten.
            buckets = buckets.filter { $0.key <= index }
            self.newest = index
        } else if let newest, index > newest {
            self.newest = index
            // Once per new minute: forget what fell out of the window.
            let oldest = index - Int64(minutes) + 1
            if let first = buckets.keys.min(), first < oldest { buckets = buckets.filter { $0.key >= oldest } }
        } else if newest == nil {
            newest = index
        }
        // Late within the tolerance, but before the window: nothing to show it in.
        guard index > (newest ?? index) - Int64(minutes) else { return }
        var minute = buckets[index] ?? Minute(start: Self.start(of: index))
        switch event {
        case .request(let throttled):
            minute.requests += 1
            if throttled { minute.throttled += 1 }
        case .delivery(let delivered):
            minute.deliveries += 1
            if !delivered { minute.deliveryFailures += 1 }
        case .detection(let delay):
            let delay = delay.isFinite ? min(max(0, delay), Self.delayCap) : 0
            minute.detections += 1
            minute.detectionDelaySum += delay
            minute.detectionDelayMax = max(minute.detectionDelayMax, delay)
        }
        buckets[index] = minute
    }

    /// The last `minutes` minutes ending with the one holding `now`, oldest first; quiet
    /// minutes are present with zero counts, so a chart's x axis is time, evenly spaced.
    /// Empty for a time no clock gives (not finite, or absurdly far from 1970).
    package func window(endingAt now: Date) -> [Minute] {
        guard let last = Self.index(now) else { return [] }
        return (0..<Int64(minutes)).map { offset in
            let index = last - Int64(minutes) + 1 + offset
            return buckets[index] ?? Minute(start: Self.start(of: index))
        }
    }

    /// Minutes holding at least one event (for tests of the memory bound).
    package var storedMinutes: Int { buckets.count }

    private static func index(_ date: Date) -> Int64? {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < secondsLimit else { return nil }
        return Int64((seconds / 60).rounded(.down))
    }

    private static func start(of index: Int64) -> Date { Date(timeIntervalSince1970: Double(index) * 60) }
}
