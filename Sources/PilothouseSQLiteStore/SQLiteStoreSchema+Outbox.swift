import GRDB
import PilothouseEngine

extension SQLiteStoreSchema {
    /// `outbox`: webhook events waiting for their receivers, written with their bead (see
    /// `OutboxStore`).
    static func registerOutbox(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7_outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        delivery_id TEXT NOT NULL UNIQUE,
                        event TEXT NOT NULL,
                        bead_seq INTEGER NOT NULL,
                        job_id TEXT,
                        payload TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        last_error TEXT,
                        delivered_at INTEGER
                    );
                    CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE delivered_at IS NULL;
                    """)
        }
    }
}
