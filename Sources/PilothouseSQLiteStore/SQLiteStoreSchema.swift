import GRDB
import PilothouseEngine

/// The store's schema, as a list of migrations. Append new migrations; never edit old ones,
/// because their identifiers are how an older Pilothouse recognizes a newer database.
enum SQLiteStoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1_foundation") { db in
            try db.execute(
                sql: """
                    CREATE TABLE runs (
                        id TEXT PRIMARY KEY,
                        started_at INTEGER NOT NULL,
                        ended_at INTEGER,
                        pilothouse_version TEXT NOT NULL,
                        repo_head TEXT NOT NULL,
                        config_hash TEXT NOT NULL,
                        seed INTEGER NOT NULL,
                        exit_code INTEGER
                    );
                    CREATE TABLE jobs (
                        id TEXT PRIMARY KEY,
                        title TEXT NOT NULL,
                        goal TEXT NOT NULL,
                        category TEXT NOT NULL,
                        priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 3),
                        source_plan TEXT,
                        source_anchor TEXT,
                        content_hash TEXT,
                        files_hint TEXT NOT NULL DEFAULT '[]',
                        state TEXT NOT NULL,
                        stage TEXT,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        max_attempts INTEGER NOT NULL DEFAULT 3,
                        lease_owner TEXT,
                        lease_expires_at INTEGER,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        UNIQUE (source_plan, source_anchor)
                    );
                    CREATE INDEX jobs_by_state ON jobs(state, priority, id);
                    CREATE TABLE stage_results (
                        id INTEGER PRIMARY KEY,
                        job_id TEXT NOT NULL REFERENCES jobs(id),
                        stage TEXT NOT NULL,
                        attempt INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        output TEXT NOT NULL DEFAULT '',
                        started_at INTEGER NOT NULL,
                        finished_at INTEGER
                    );
                    CREATE INDEX stage_results_by_job ON stage_results(job_id, stage, attempt);
                    CREATE TABLE beads (
                        seq INTEGER PRIMARY KEY,
                        job_id TEXT REFERENCES jobs(id),
                        kind TEXT NOT NULL,
                        stage TEXT,
                        message TEXT NOT NULL,
                        metadata TEXT NOT NULL DEFAULT '{}',
                        created_at INTEGER NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL,
                        encoding_version INTEGER NOT NULL
                    );
                    CREATE INDEX beads_by_job ON beads(job_id, seq);
                    CREATE TABLE bead_head (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        count INTEGER NOT NULL,
                        last_hash TEXT NOT NULL
                    );
                    INSERT INTO bead_head (id, count, last_hash) VALUES (1, 0, '\(String(repeating: "0", count: 64))');
                    CREATE TABLE patches (
                        id INTEGER PRIMARY KEY,
                        job_id TEXT NOT NULL REFERENCES jobs(id),
                        attempt INTEGER NOT NULL,
                        base_commit TEXT NOT NULL,
                        diff BLOB NOT NULL,
                        files_changed INTEGER NOT NULL,
                        lines_added INTEGER NOT NULL,
                        lines_removed INTEGER NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX patches_by_job ON patches(job_id, attempt);
                    CREATE TABLE quarantine (
                        id TEXT PRIMARY KEY,
                        job_id TEXT REFERENCES jobs(id),
                        reason TEXT NOT NULL,
                        message TEXT NOT NULL,
                        payload TEXT NOT NULL DEFAULT '',
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE llm_calls (
                        id INTEGER PRIMARY KEY,
                        run_id TEXT REFERENCES runs(id),
                        job_id TEXT REFERENCES jobs(id),
                        stage TEXT,
                        provider TEXT NOT NULL,
                        model TEXT NOT NULL,
                        request_id TEXT,
                        tokens_in INTEGER NOT NULL DEFAULT 0,
                        tokens_out INTEGER NOT NULL DEFAULT 0,
                        tokens_cached INTEGER NOT NULL DEFAULT 0,
                        cost_micros INTEGER NOT NULL DEFAULT 0,
                        latency_ms INTEGER NOT NULL DEFAULT 0,
                        outcome TEXT NOT NULL,
                        attempt INTEGER NOT NULL DEFAULT 1,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX llm_calls_by_job ON llm_calls(job_id);
                    CREATE INDEX llm_calls_by_time ON llm_calls(created_at);
                    CREATE TABLE budgets (
                        scope TEXT NOT NULL,
                        scope_key TEXT NOT NULL DEFAULT '',
                        limit_micros INTEGER NOT NULL,
                        mode TEXT NOT NULL CHECK (mode IN ('enforce', 'warn')),
                        reserved_micros INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (scope, scope_key)
                    );
                    """)
        }
        registerEngineMigration(&migrator)
        registerGateway(&migrator)
        registerMergeQueue(&migrator)
        registerEngines(&migrator)
        registerSchedules(&migrator)
        registerOutbox(&migrator)
        return migrator
    }
}
