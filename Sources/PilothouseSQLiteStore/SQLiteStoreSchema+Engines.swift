import GRDB
import PilothouseEngine

extension SQLiteStoreSchema {
    /// `engines`: one row per engine working on the store (see `EngineRegistryStore`). The jobs
    /// an engine holds are not stored here: they are read from `jobs.lease_owner`, the one place
    /// that says who holds what.
    static func registerEngines(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5_engines") { db in
            try db.execute(
                sql: """
                    CREATE TABLE engines (
                        owner TEXT PRIMARY KEY,
                        host TEXT NOT NULL,
                        pid INTEGER NOT NULL,
                        version TEXT NOT NULL,
                        started_at INTEGER NOT NULL,
                        heartbeat_at INTEGER NOT NULL,
                        lease_seconds INTEGER NOT NULL
                    );
                    """)
        }
    }
}
