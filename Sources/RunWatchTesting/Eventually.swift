import Foundation
import RunWatch

/// Waits until `condition` holds or `timeout` passes, checking every `every`. Tests use
/// it to wait on a condition with a deadline instead of sleeping and hoping.
@discardableResult
package func waitUntil(
    timeout: Duration, every: Duration = .milliseconds(20), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: every)
    }
    return try await condition()
}
