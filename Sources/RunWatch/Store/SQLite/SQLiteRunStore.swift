import Foundation
import GRDB
import RunWatchCore

/// The embedded store: one SQLite file in WAL mode under `state_dir`.
///
/// Times are stored as Unix seconds (REAL) so they sort and compare in SQL.
package final class SQLiteRunStore: Sendable {
    package static let fileName = "runwatch.sqlite"

    let pool: DatabasePool

    package enum OpenError: Error, CustomStringConvertible {
        /// `underlying` is kept so the daemon can tell a full disk (retry) from a
        /// damaged file (needs the operator).
        case cannotOpen(path: String, reason: String, underlying: (any Error)? = nil)
        case newerSchema(path: String, unknown: [String])

        package var description: String {
            switch self {
            case .cannotOpen(let path, let reason, _):
                "cannot open store '\(path)': \(reason)"
            case .newerSchema(let path, let unknown):
                "store '\(path)' was written by a newer runwatch (unknown migrations: \(unknown.joined(separator: ", "))); refusing to start. Upgrade runwatch, or point state_dir elsewhere. The store was not changed."
            }
        }
    }

    /// Opens (creating and migrating if needed) the store in `directory`.
    package static func open(directory: String, readOnly: Bool = false) throws -> SQLiteRunStore {
        let path = (directory as NSString).appendingPathComponent(fileName)
        var config = GRDB.Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(5)
        let pool: DatabasePool
        do {
            if !readOnly {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw OpenError.cannotOpen(path: path, reason: "\(error)", underlying: error)
        }
        let migrator = Self.migrator
        let unknown = try pool.read { db -> [String] in
            let applied = try migrator.appliedIdentifiers(db)
            return applied.subtracting(migrator.migrations).sorted()
        }
        guard unknown.isEmpty else { throw OpenError.newerSchema(path: path, unknown: unknown) }
        if !readOnly {
            do {
                try migrator.migrate(pool)
            } catch {
                throw OpenError.cannotOpen(path: path, reason: "migration failed: \(error)", underlying: error)
            }
        }
        return SQLiteRunStore(pool: pool)
    }

    private init(pool: DatabasePool) {
        self.pool = pool
    }

    // Shared by the role extensions.

    /// A write transaction that is on the disk when this returns, for a caller that then
    /// deletes its own copy (the spool file). The pool runs WAL with `synchronous=NORMAL`,
    /// where a commit may be lost to a power cut (it is synced only at checkpoints);
    /// `FULL` syncs the WAL at this commit. Only here: the poller's and the notifiers'
    /// writes can be redone from the API and the outbox, and keep the cheaper mode. A
    /// pragma cannot change inside a transaction, so it is set around it on the writer.
    func durableWrite<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
            var result: T?
            try db.inTransaction {
                result = try updates(db)
                return .commit
            }
            guard let result else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "transaction ended without a result") }
            return result
        }
    }

    static func transition(_ row: Row) -> Transition {
        let from: String? = row["from_status"]
        return Transition(
            runID: row["run_id"], from: from.map(RunStatus.init(stored:)), to: RunStatus(stored: row["to_status"]),
            at: Date(timeIntervalSince1970: row["at"]))
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
