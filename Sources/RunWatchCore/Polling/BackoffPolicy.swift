/// Full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff And
/// Jitter"): the delay is uniform in [0, min(cap, base · 2^(attempt-1))]. Full jitter
/// spreads retries of many clients best and keeps the expected wait at half the ceiling.
package struct BackoffPolicy: Sendable, Equatable {
    package var base: Duration
    package var cap: Duration

    package init(base: Duration, cap: Duration) {
        self.base = base
        self.cap = cap
    }

    /// The ceiling for the `attempt`-th consecutive failure (1-based).
    package func ceiling(attempt: Int) -> Duration {
        guard attempt > 0 else { return .zero }
        let exponent = min(attempt - 1, 62)
        let baseSeconds = base.secondsDouble
        let raw = baseSeconds * Double(UInt64(1) << UInt64(exponent))
        return .secondsDouble(min(raw, cap.secondsDouble))
    }

    /// `unitRandom` is a number in [0, 1) supplied by the caller, so tests choose it.
    package func delay(attempt: Int, unitRandom: Double) -> Duration {
        let clamped = min(max(unitRandom, 0), 1)
        return .secondsDouble(ceiling(attempt: attempt).secondsDouble * clamped)
    }
}

extension Duration {
    package var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Saturates instead of trapping: values beyond ±292 years become the extreme.
    package static func secondsDouble(_ value: Double) -> Duration {
        let nanoseconds = (value * 1e9).rounded()
        guard nanoseconds.isFinite, abs(nanoseconds) < 9.2e18 else {
            return .nanoseconds(nanoseconds < 0 ? Int64.min : Int64.max)
        }
        return .nanoseconds(Int64(nanoseconds))
    }
}
