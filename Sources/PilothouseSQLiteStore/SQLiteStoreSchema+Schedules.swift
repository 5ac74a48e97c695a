import GRDB
import PilothouseEngine

extension SQLiteStoreSchema {
    /// `schedules`: the last cron slot each `[[schedules]]` entry handled (see `ScheduleStore`).
    static func registerSchedules(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6_schedules") { db in
            try db.execute(
                sql: """
                    CREATE TABLE schedules (
                        name TEXT PRIMARY KEY,
                        last_slot INTEGER NOT NULL,
                        fired_at INTEGER
                    );
                    """)
        }
    }
}
