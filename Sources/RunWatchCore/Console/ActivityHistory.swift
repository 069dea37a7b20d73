import Foundation

/// What the daemon did, minute by minute, for the console's charts: requests against the
/// budget, deliveries, and how late run ends were noticed. Pure: the caller passes the
/// wall time of each event (charts are read against the wall clock). Kept in memory for
/// `minutes` minutes; a restart starts the charts afresh (the store keeps the facts that
/// matter, these are rates).
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

    package let minutes: Int
    /// Non-empty minutes by minute index (seconds since 1970 / 60).
    private var buckets: [Int64: Minute] = [:]

    package init(minutes: Int = 360) {
        self.minutes = max(1, minutes)
    }

    package mutating func record(_ event: Event, at: Date) {
        let index = Self.index(at)
        var minute = buckets[index] ?? Minute(start: Date(timeIntervalSince1970: Double(index) * 60))
        switch event {
        case .request(let throttled):
            minute.requests += 1
            if throttled { minute.throttled += 1 }
        case .delivery(let delivered):
            minute.deliveries += 1
            if !delivered { minute.deliveryFailures += 1 }
        case .detection(let delay):
            let delay = delay.isFinite ? max(0, delay) : 0
            minute.detections += 1
            minute.detectionDelaySum += delay
            minute.detectionDelayMax = max(minute.detectionDelayMax, delay)
        }
        buckets[index] = minute
        // Forget what fell out of the window (at most once per new minute's first event).
        if buckets.count > minutes {
            let oldest = index - Int64(minutes) + 1
            buckets = buckets.filter { $0.key >= oldest }
        }
    }

    /// The last `minutes` minutes ending with the one holding `now`, oldest first; quiet
    /// minutes are present with zero counts, so a chart's x axis is time, evenly spaced.
    package func window(endingAt now: Date) -> [Minute] {
        let last = Self.index(now)
        return (0..<Int64(minutes)).map { offset in
            let index = last - Int64(minutes) + 1 + offset
            return buckets[index] ?? Minute(start: Date(timeIntervalSince1970: Double(index) * 60))
        }
    }

    private static func index(_ date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite else { return 0 }
        return Int64((seconds / 60).rounded(.down))
    }
}
