import Foundation
import GRDB
import RunWatchCore

/// Suites: named groups of runs. A name is reused (every night's `nightly`), so each row of
/// `suites` is one *instance*: it opens when a submission names a suite with no open
/// instance and completes once every run in it has ended (and no result of it is still
/// being expanded). Later submissions naming the suite join the open instance.
extension SQLiteRunStore {
    /// v6: suites, their runs, results to expand, and suite rows in the outbox.
    static func migrateToSuites(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE suites (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    routing INTEGER,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    completed_at REAL
                );
                CREATE UNIQUE INDEX suites_open ON suites(name) WHERE completed_at IS NULL;
                CREATE INDEX suites_name ON suites(name, id);
                CREATE INDEX suites_completed ON suites(completed_at) WHERE completed_at IS NOT NULL;
                CREATE TABLE suite_runs (
                    suite INTEGER NOT NULL,
                    run_id INTEGER NOT NULL,
                    PRIMARY KEY (suite, run_id)
                ) WITHOUT ROWID;
                CREATE INDEX suite_runs_run ON suite_runs(run_id);
                CREATE TABLE results (
                    id INTEGER PRIMARY KEY,
                    suite INTEGER,
                    routing INTEGER,
                    state TEXT NOT NULL DEFAULT 'expanding',
                    run_count INTEGER NOT NULL DEFAULT 0,
                    stable_reads INTEGER NOT NULL DEFAULT 0,
                    reads INTEGER NOT NULL DEFAULT 0,
                    next_read_at REAL NOT NULL,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    last_error TEXT
                );
                CREATE INDEX results_expanding ON results(next_read_at) WHERE state = 'expanding';
                CREATE INDEX results_suite ON results(suite);
                CREATE TABLE result_runs (
                    result INTEGER NOT NULL,
                    run_id INTEGER NOT NULL,
                    PRIMARY KEY (result, run_id)
                ) WITHOUT ROWID;
                CREATE INDEX result_runs_run ON result_runs(run_id);
                ALTER TABLE outbox ADD COLUMN suite INTEGER;
                CREATE INDEX outbox_suite ON outbox(suite) WHERE suite IS NOT NULL;
                """)
    }

    /// The open instance of suite `name`, opened now if there is none.
    static func openSuite(named name: String, routing: Int64?, at now: Double, _ db: Database) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM suites WHERE name = ? AND completed_at IS NULL", arguments: [name]) {
            return id
        }
        try db.execute(
            sql: "INSERT INTO suites (name, routing, created_at, updated_at) VALUES (?, ?, ?, ?)", arguments: [name, routing, now, now])
        return db.lastInsertedRowID
    }

    /// Adds runs to a suite instance; `updated_at` moves only when one was new to it.
    static func addToSuite(_ suite: Int64, runIDs: [RunID], at now: Double, _ db: Database) throws {
        let insert = try db.cachedStatement(sql: "INSERT INTO suite_runs (suite, run_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
        var added = false
        for id in runIDs {
            try insert.execute(arguments: [suite, id])
            added = added || db.changesCount > 0
        }
        if added { try db.execute(sql: "UPDATE suites SET updated_at = ? WHERE id = ?", arguments: [now, suite]) }
    }
}
