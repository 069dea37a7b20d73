import GRDB

/// The schema, one registered migration per change. Never edit a released migration:
/// add one. A store with a migration this build does not know is refused (see `open`).
extension SQLiteRunStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-runs-transitions-outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE runs (
                        id INTEGER PRIMARY KEY,
                        status TEXT,
                        success INTEGER,
                        terminal INTEGER NOT NULL DEFAULT 0,
                        labels TEXT,
                        notifiers TEXT,
                        snapshot TEXT,
                        submitted_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        ended_at REAL
                    );
                    CREATE INDEX runs_active ON runs(id) WHERE terminal = 0;
                    CREATE TABLE transitions (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        run_id INTEGER NOT NULL,
                        from_status TEXT,
                        to_status TEXT NOT NULL,
                        at REAL NOT NULL
                    );
                    CREATE INDEX transitions_run ON transitions(run_id);
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        notifier TEXT NOT NULL,
                        run_id INTEGER NOT NULL,
                        event TEXT NOT NULL,
                        idempotency_key TEXT NOT NULL,
                        payload BLOB NOT NULL,
                        created_at REAL NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        state TEXT NOT NULL DEFAULT 'pending',
                        finished_at REAL,
                        last_error TEXT,
                        UNIQUE(notifier, idempotency_key)
                    );
                    CREATE INDEX outbox_due ON outbox(notifier, next_attempt_at) WHERE state = 'pending';
                    CREATE INDEX outbox_run ON outbox(run_id);
                    """)
        }
        migrator.registerMigration("v2-daemon-state") { db in
            try db.execute(
                sql: """
                    CREATE TABLE daemon_state (
                        key TEXT PRIMARY KEY,
                        value TEXT,
                        updated_at REAL NOT NULL
                    );
                    CREATE INDEX runs_ended ON runs(ended_at) WHERE terminal = 1;
                    """)
        }
        migrator.registerMigration("v3-outbox-alert") { db in
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN alert BLOB")
        }
        // From here on `payload` holds the message's content as data (`OutboxContent`),
        // rendered by the sink when sent. Rows already written keep their rendered bytes
        // (and Slack's `alert`) and are sent as they are: `content` 0 marks them.
        migrator.registerMigration("v4-outbox-content") { db in
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN content INTEGER NOT NULL DEFAULT 1")
            try db.execute(sql: "UPDATE outbox SET content = 0")
        }
        // Labels and notifier lists move out of every run row into one row per distinct
        // routing; the old columns stay (empty) so no table is rebuilt.
        migrator.registerMigration("v5-routings") { db in
            try migrateToRoutings(db)
        }
        // Suites (named groups of runs, one row per instance of a name), the Cekura results
        // being expanded into runs, and outbox rows about a suite (`run_id` 0).
        migrator.registerMigration("v6-suites-results") { db in
            try migrateToSuites(db)
        }
        // Every delivery attempt (the console's run page shows them), and an index for
        // the console's finished-message counts and dead-letter list.
        migrator.registerMigration("v7-delivery-attempts") { db in
            try migrateToDeliveryAttempts(db)
        }
        return migrator
    }
}
