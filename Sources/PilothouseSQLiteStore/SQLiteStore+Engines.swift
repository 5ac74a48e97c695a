import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    public func registerEngine(_ engine: EngineRecord, forgetAfter: TimeInterval) throws {
        try write { db in
            try db.execute(
                sql: "DELETE FROM engines WHERE heartbeat_at < ?",
                arguments: [SQLiteStore.millis(engine.heartbeatAt.addingTimeInterval(-forgetAfter))])
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO engines (owner, host, pid, version, started_at, heartbeat_at, lease_seconds)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    stored(engine.owner), stored(engine.host), engine.pid, stored(engine.version),
                    SQLiteStore.millis(engine.startedAt), SQLiteStore.millis(engine.heartbeatAt),
                    engine.leaseSeconds,
                ])
        }
    }

    public func engineHeartbeat(owner: String, at now: Date) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE engines SET heartbeat_at = ? WHERE owner = ?",
                arguments: [SQLiteStore.millis(now), owner])
        }
    }

    public func retireEngine(owner: String) throws {
        try write { db in try db.execute(sql: "DELETE FROM engines WHERE owner = ?", arguments: [owner]) }
    }

    public func engines() throws -> [EngineRecord] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT engines.*, (SELECT COUNT(*) FROM jobs WHERE jobs.lease_owner = engines.owner
                        AND jobs.state IN ('running', 'merging')) AS jobs_held
                    FROM engines ORDER BY started_at, owner
                    """
            ).map { row in
                EngineRecord(
                    owner: row["owner"], host: row["host"],
                    pid: Int32(truncatingIfNeeded: row["pid"] as Int64),
                    version: row["version"], startedAt: SQLiteStore.date(row["started_at"]),
                    heartbeatAt: SQLiteStore.date(row["heartbeat_at"]), leaseSeconds: row["lease_seconds"],
                    jobsHeld: row["jobs_held"])
            }
        }
    }
}
