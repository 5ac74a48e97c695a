import GRDB
import PilothouseEngine

/// The gateway's tables: per-scope budget accounts (spend and open reservations), the
/// response cache and redacted transcripts; and the requested model on each ledger row, so a
/// fallback is visible next to what was asked for.
extension SQLiteStoreSchema {
    static func registerGateway(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2_gateway") { db in
            try db.execute(
                sql: """
                    CREATE TABLE budget_accounts (
                        scope TEXT NOT NULL,
                        scope_key TEXT NOT NULL,
                        spent_micros INTEGER NOT NULL DEFAULT 0,
                        reserved_micros INTEGER NOT NULL DEFAULT 0,
                        updated_at INTEGER NOT NULL,
                        PRIMARY KEY (scope, scope_key)
                    );
                    ALTER TABLE llm_calls ADD COLUMN requested_model TEXT;
                    ALTER TABLE llm_calls ADD COLUMN detail TEXT;
                    CREATE INDEX llm_calls_by_run ON llm_calls(run_id);
                    CREATE TABLE response_cache (
                        key TEXT PRIMARY KEY,
                        stage TEXT,
                        model TEXT NOT NULL,
                        payload BLOB NOT NULL,
                        sha256 TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        created_at INTEGER NOT NULL,
                        last_used_at INTEGER NOT NULL
                    );
                    CREATE INDEX response_cache_by_use ON response_cache(last_used_at);
                    CREATE TABLE transcripts (
                        id INTEGER PRIMARY KEY,
                        llm_call_id INTEGER REFERENCES llm_calls(id),
                        job_id TEXT,
                        stage TEXT,
                        model TEXT NOT NULL,
                        prompt TEXT NOT NULL,
                        response TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX transcripts_by_job ON transcripts(job_id);
                    """)
        }
    }
}
