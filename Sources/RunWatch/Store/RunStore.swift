import Foundation
import RunWatchCore

/// The daemon's durable state, split by role so each part of the daemon depends on the
/// role it uses and a second implementation (PostgreSQL, for several instances) has a
/// clear contract to meet. SQLite (`SQLiteRunStore`) is the embedded default; nothing
/// outside the store knows SQL. Every method is one transaction: what it returns has been
/// committed.
package typealias RunStore = RunLedger & Outbox & DaemonNotes & Reports & SuiteLedger & ResultLedger & RunResults & ConsoleReads
