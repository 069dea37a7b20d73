import Foundation
import RunWatchCore

/// What `runwatch wait` (and JUnit, summaries) read: runs by id, suite or result, as
/// `RunResult`s. Read-only; safe from another process while the daemon runs.
package protocol RunResults: Sendable {}
