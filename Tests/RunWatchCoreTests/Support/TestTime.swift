import Foundation

/// Monotonic instants for table tests: an origin taken once, and offsets in seconds, so a
/// test reads like the timeline it checks. Nothing here waits.
extension ContinuousClock.Instant {
    func addingTimeInterval(_ seconds: Double) -> Self { self + .secondsDouble(seconds) }
}
