import Foundation
import PilothouseCore
import PilothouseEngine

/// The PostgreSQL store's schema: the one place its dialect lives, as a list of versioned
/// migrations. Append new migrations; never edit old ones, because their identifiers are how
/// an older Pilothouse recognizes a newer database.
///
/// The tables mirror the SQLite store's (`SQLiteStoreSchema`), with PostgreSQL's types: times
/// stay integer milliseconds (so both backends round the same way), blobs are `BYTEA`, ids
/// that order (job and record ids, ULIDs) use the byte-wise `C` collation whatever the
/// database's locale, as SQLite compares them.
enum PostgresStoreSchema {
    /// Serialises migrations of one database: engines starting at once wait for the first
    /// one's migration instead of racing it ("PILOTHSE" as an integer).
    static let migrationLock: Int64 = 0x5049_4C4F_5448_5345

    static let migrations: [(id: String, statements: [String])] = [
        (
            "v1_foundation",
            [
                """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY, started_at BIGINT NOT NULL, ended_at BIGINT,
                    pilothouse_version TEXT NOT NULL, repo_head TEXT NOT NULL, config_hash TEXT NOT NULL,
                    seed BIGINT NOT NULL, exit_code BIGINT)
                """,
                """
                CREATE TABLE jobs (
                    id TEXT COLLATE "C" PRIMARY KEY, title TEXT NOT NULL, goal TEXT NOT NULL,
                    category TEXT NOT NULL, priority BIGINT NOT NULL CHECK (priority BETWEEN 0 AND 3),
                    source_plan TEXT, source_anchor TEXT, content_hash TEXT,
                    files_hint TEXT NOT NULL DEFAULT '[]', state TEXT NOT NULL, stage TEXT,
                    attempts BIGINT NOT NULL DEFAULT 0, max_attempts BIGINT NOT NULL DEFAULT 3,
                    lease_owner TEXT, lease_expires_at BIGINT, lease_host TEXT, lease_pid BIGINT,
                    lease_started BIGINT, resume_attempt BIGINT, feedback TEXT, approved_hunks TEXT,
                    operator_patch BYTEA, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                    UNIQUE (source_plan, source_anchor))
                """,
                // The claim's index: only queued jobs, in claim order.
                "CREATE INDEX jobs_claim_order ON jobs (priority, id) WHERE state = 'queued'",
                "CREATE INDEX jobs_by_state ON jobs (state, priority, id)",
                "CREATE INDEX jobs_by_lease ON jobs (state, lease_expires_at)",
                """
                CREATE TABLE stage_results (
                    id BIGSERIAL PRIMARY KEY, job_id TEXT NOT NULL REFERENCES jobs(id), stage TEXT NOT NULL,
                    attempt BIGINT NOT NULL, status TEXT NOT NULL, output TEXT NOT NULL DEFAULT '',
                    started_at BIGINT NOT NULL, finished_at BIGINT)
                """,
                "CREATE INDEX stage_results_by_job ON stage_results (job_id, stage, attempt)",
                """
                CREATE UNIQUE INDEX stage_results_finished_once ON stage_results (job_id, stage, attempt)
                    WHERE status = 'finished'
                """,
                """
                CREATE TABLE beads (
                    seq BIGINT PRIMARY KEY, job_id TEXT REFERENCES jobs(id), kind TEXT NOT NULL, stage TEXT,
                    message TEXT NOT NULL, metadata TEXT NOT NULL DEFAULT '{}', created_at BIGINT NOT NULL,
                    prev_hash TEXT NOT NULL, hash TEXT NOT NULL, encoding_version BIGINT NOT NULL)
                """,
                "CREATE INDEX beads_by_job ON beads (job_id, seq)",
                // The chain head: one row, locked by every write that appends a bead.
                """
                CREATE TABLE bead_head (
                    id BIGINT PRIMARY KEY CHECK (id = 1), count BIGINT NOT NULL, last_hash TEXT NOT NULL)
                """,
                "INSERT INTO bead_head (id, count, last_hash) VALUES (1, 0, '\(Bead.genesisHash)')",
                """
                CREATE TABLE patches (
                    id BIGSERIAL PRIMARY KEY, job_id TEXT NOT NULL REFERENCES jobs(id), attempt BIGINT NOT NULL,
                    base_commit TEXT NOT NULL, diff BYTEA NOT NULL, files_changed BIGINT NOT NULL,
                    lines_added BIGINT NOT NULL, lines_removed BIGINT NOT NULL, created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX patches_by_job ON patches (job_id, attempt)",
                """
                CREATE TABLE quarantine (
                    id TEXT COLLATE "C" PRIMARY KEY, job_id TEXT REFERENCES jobs(id), reason TEXT NOT NULL,
                    message TEXT NOT NULL, payload TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE llm_calls (
                    id BIGSERIAL PRIMARY KEY, run_id TEXT REFERENCES runs(id), job_id TEXT REFERENCES jobs(id),
                    stage TEXT, provider TEXT NOT NULL, model TEXT NOT NULL, requested_model TEXT,
                    request_id TEXT, tokens_in BIGINT NOT NULL DEFAULT 0, tokens_out BIGINT NOT NULL DEFAULT 0,
                    tokens_cached BIGINT NOT NULL DEFAULT 0, cost_micros BIGINT NOT NULL DEFAULT 0,
                    latency_ms BIGINT NOT NULL DEFAULT 0, outcome TEXT NOT NULL,
                    attempt BIGINT NOT NULL DEFAULT 1, detail TEXT, created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX llm_calls_by_job ON llm_calls (job_id)",
                "CREATE INDEX llm_calls_by_time ON llm_calls (created_at)",
                "CREATE INDEX llm_calls_by_run ON llm_calls (run_id)",
                """
                CREATE TABLE budgets (
                    scope TEXT NOT NULL, scope_key TEXT NOT NULL DEFAULT '', limit_micros BIGINT NOT NULL,
                    mode TEXT NOT NULL CHECK (mode IN ('enforce', 'warn')),
                    reserved_micros BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (scope, scope_key))
                """,
                """
                CREATE TABLE budget_accounts (
                    scope TEXT NOT NULL, scope_key TEXT NOT NULL, spent_micros BIGINT NOT NULL DEFAULT 0,
                    reserved_micros BIGINT NOT NULL DEFAULT 0, updated_at BIGINT NOT NULL,
                    PRIMARY KEY (scope, scope_key))
                """,
                """
                CREATE TABLE response_cache (
                    key TEXT PRIMARY KEY, stage TEXT, model TEXT NOT NULL, payload BYTEA NOT NULL,
                    sha256 TEXT NOT NULL, size BIGINT NOT NULL, created_at BIGINT NOT NULL,
                    last_used_at BIGINT NOT NULL)
                """,
                "CREATE INDEX response_cache_by_use ON response_cache (last_used_at)",
                """
                CREATE TABLE transcripts (
                    id BIGSERIAL PRIMARY KEY, llm_call_id BIGINT REFERENCES llm_calls(id), job_id TEXT,
                    stage TEXT, model TEXT NOT NULL, prompt TEXT NOT NULL, response TEXT NOT NULL,
                    created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX transcripts_by_job ON transcripts (job_id)",
                """
                CREATE TABLE merge_queue (
                    job_id TEXT COLLATE "C" PRIMARY KEY REFERENCES jobs(id), attempt BIGINT NOT NULL,
                    priority BIGINT NOT NULL, approved_at BIGINT NOT NULL, entered_at BIGINT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('waiting', 'testing')), candidate_tree TEXT,
                    test_started_at BIGINT)
                """,
                "CREATE INDEX merge_queue_order ON merge_queue (priority, approved_at, job_id)",
                """
                CREATE TABLE merge_records (
                    job_id TEXT PRIMARY KEY REFERENCES jobs(id), merge_commit TEXT NOT NULL UNIQUE,
                    job_commit TEXT NOT NULL, candidate_tree TEXT NOT NULL, previous_tip TEXT NOT NULL,
                    new_tip TEXT NOT NULL, merged_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE merge_tests (
                    tree TEXT NOT NULL, command TEXT NOT NULL, passed BOOLEAN NOT NULL, output TEXT NOT NULL,
                    tested_at BIGINT NOT NULL, PRIMARY KEY (tree, command))
                """,
            ]
        ),
        (
            "v2_engines",
            [
                """
                CREATE TABLE engines (
                    owner TEXT COLLATE "C" PRIMARY KEY, host TEXT NOT NULL, pid BIGINT NOT NULL,
                    version TEXT NOT NULL, started_at BIGINT NOT NULL, heartbeat_at BIGINT NOT NULL,
                    lease_seconds BIGINT NOT NULL)
                """
            ]
        ),
        (
            "v3_schedules",
            [
                """
                CREATE TABLE schedules (
                    name TEXT COLLATE "C" PRIMARY KEY, last_slot BIGINT NOT NULL, fired_at BIGINT)
                """
            ]
        ),
        (
            "v4_outbox",
            [
                """
                CREATE TABLE outbox (
                    id BIGSERIAL PRIMARY KEY,
                    delivery_id TEXT NOT NULL UNIQUE,
                    event TEXT NOT NULL,
                    bead_seq BIGINT NOT NULL,
                    job_id TEXT,
                    payload TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    attempts BIGINT NOT NULL DEFAULT 0,
                    next_attempt_at BIGINT NOT NULL,
                    last_error TEXT,
                    delivered_at BIGINT)
                """,
                "CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE delivered_at IS NULL",
            ]
        ),
    ]

    /// Applies the migrations this database lacks, in the caller's transaction, under the
    /// migration lock. A database that records a migration this build does not know was
    /// written by a newer Pilothouse and is refused unchanged.
    static func migrate(_ tx: PostgresTransaction) throws {
        try tx.execute("SELECT pg_advisory_xact_lock($1)", [migrationLock])
        try tx.execute(
            "CREATE TABLE IF NOT EXISTS pilothouse_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)"
        )
        let applied = Set(
            try tx.rows("SELECT id FROM pilothouse_migrations").map { try $0("id", as: String.self) })
        let unknown = applied.subtracting(migrations.map(\.id)).sorted()
        guard unknown.isEmpty else { throw StoreError.newerSchema(path: tx.location, unknown: unknown) }
        for migration in migrations where !applied.contains(migration.id) {
            for statement in migration.statements { try tx.execute(statement) }
            try tx.execute(
                "INSERT INTO pilothouse_migrations (id, applied_at) VALUES ($1, $2)",
                [migration.id, PostgresStore.millis(Date())])
        }
    }
}
