import GRDB
import PilothouseEngine

extension SQLiteStoreSchema {
    /// The merge queue's durable state.
    ///
    /// * `merge_queue`: one row per approved job waiting to merge (or in the batch under test),
    ///   ordered by priority then approval time; the row goes in the transaction that ends the
    ///   job's wait (merged, sent back), so a crash at any point leaves the approval queued.
    /// * `merge_records`: one row per job whose merge moved the integration branch. The primary
    ///   key makes a second merge of the same job a constraint error, never a second row.
    /// * `merge_tests`: the test result of each candidate tree (per test command), so a tree
    ///   that was tested once is not tested again.
    static func registerMergeQueue(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4_merge_queue") { db in
            try db.execute(
                sql: """
                    CREATE TABLE merge_queue (
                        job_id TEXT PRIMARY KEY REFERENCES jobs(id),
                        attempt INTEGER NOT NULL,
                        priority INTEGER NOT NULL,
                        approved_at INTEGER NOT NULL,
                        entered_at INTEGER NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('waiting', 'testing')),
                        candidate_tree TEXT,
                        test_started_at INTEGER
                    );
                    CREATE INDEX merge_queue_order ON merge_queue(priority, approved_at, job_id);
                    CREATE TABLE merge_records (
                        job_id TEXT PRIMARY KEY REFERENCES jobs(id),
                        merge_commit TEXT NOT NULL UNIQUE,
                        job_commit TEXT NOT NULL,
                        candidate_tree TEXT NOT NULL,
                        previous_tip TEXT NOT NULL,
                        new_tip TEXT NOT NULL,
                        merged_at INTEGER NOT NULL
                    );
                    CREATE TABLE merge_tests (
                        tree TEXT NOT NULL,
                        command TEXT NOT NULL,
                        passed INTEGER NOT NULL,
                        output TEXT NOT NULL,
                        tested_at INTEGER NOT NULL,
                        PRIMARY KEY (tree, command)
                    );
                    """)
        }
    }
}
