import Foundation
import RunWatchCore

/// Cekura results being expanded into runs.
package protocol ResultLedger: Sendable {}
