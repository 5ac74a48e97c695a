import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    public func registerEngine(_ engine: EngineRecord, forgetAfter: TimeInterval) throws {
        try write(locking: .none) { tx in
            try tx.execute(
                "DELETE FROM engines WHERE heartbeat_at < $1",
                [PostgresStore.millis(engine.heartbeatAt.addingTimeInterval(-forgetAfter))])
            try tx.execute(
                """
                INSERT INTO engines (owner, host, pid, version, started_at, heartbeat_at, lease_seconds)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (owner) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid,
                    version = EXCLUDED.version, started_at = EXCLUDED.started_at,
                    heartbeat_at = EXCLUDED.heartbeat_at, lease_seconds = EXCLUDED.lease_seconds
                """,
                [
                    stored(engine.owner), stored(engine.host), Int64(engine.pid), stored(engine.version),
                    PostgresStore.millis(engine.startedAt), PostgresStore.millis(engine.heartbeatAt),
                    Int64(engine.leaseSeconds),
                ])
        }
    }

    public func engineHeartbeat(owner: String, at now: Date) throws {
        try write(locking: .none) { tx in
            try tx.execute(
                "UPDATE engines SET heartbeat_at = $1 WHERE owner = $2", [PostgresStore.millis(now), owner])
        }
    }

    public func retireEngine(owner: String) throws {
        try write(locking: .none) { tx in try tx.execute("DELETE FROM engines WHERE owner = $1", [owner]) }
    }

    public func engines() throws -> [EngineRecord] {
        try read { tx in
            try tx.rows(
                """
                SELECT engines.*, (SELECT COUNT(*) FROM jobs WHERE jobs.lease_owner = engines.owner
                    AND jobs.state IN ('running', 'merging')) AS jobs_held
                FROM engines ORDER BY started_at, owner
                """
            ).map { row in
                EngineRecord(
                    owner: try row("owner"), host: try row("host"),
                    pid: Int32(truncatingIfNeeded: try row("pid", as: Int64.self)),
                    version: try row("version"),
                    startedAt: PostgresStore.date(try row("started_at")),
                    heartbeatAt: PostgresStore.date(try row("heartbeat_at")),
                    leaseSeconds: Int(try row("lease_seconds", as: Int64.self)),
                    jobsHeld: Int(try row("jobs_held", as: Int64.self)))
            }
        }
    }
}
