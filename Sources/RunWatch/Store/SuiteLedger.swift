import Foundation
import RunWatchCore

/// Suites: which instances are open, when one completes, and its report.
package protocol SuiteLedger: Sendable {}
