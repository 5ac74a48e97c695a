import GRDB
import PilothouseEngine

extension SQLiteStoreSchema {
    /// Columns and indexes the engine needs beyond the foundation schema.
    static func registerEngineMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2_engine") { db in
            try db.execute(
                sql: """
                    ALTER TABLE jobs ADD COLUMN feedback TEXT;
                    ALTER TABLE jobs ADD COLUMN approved_hunks TEXT;
                    ALTER TABLE jobs ADD COLUMN operator_patch BLOB;
                    CREATE INDEX jobs_by_lease ON jobs(state, lease_expires_at);
                    CREATE UNIQUE INDEX stage_results_finished_once
                        ON stage_results(job_id, stage, attempt) WHERE status = 'finished';
                    """)
        }
        // Who holds a lease (so a dead engine on the same host is noticed at once), and which
        // attempt a job interrupted without fault resumes.
        migrator.registerMigration("v3_lease_holder") { db in
            try db.execute(
                sql: """
                    ALTER TABLE jobs ADD COLUMN lease_host TEXT;
                    ALTER TABLE jobs ADD COLUMN lease_pid INTEGER;
                    ALTER TABLE jobs ADD COLUMN lease_started INTEGER;
                    ALTER TABLE jobs ADD COLUMN resume_attempt INTEGER;
                    """)
        }
    }
}
