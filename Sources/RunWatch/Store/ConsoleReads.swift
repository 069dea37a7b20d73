import Foundation
import RunWatchCore

/// What the console reads beyond the CLI's reports: counts per notifier and outcome,
/// suite lists, delivery attempts. Read-only, one read transaction each, over indexes
/// (a page view a second must cost the daemon almost nothing).
/// CONTRACT: the store+api helper adds the requirements here and implements them in
/// `SQLiteRunStore+ConsoleReads.swift`.
package protocol ConsoleReads: Sendable {}
