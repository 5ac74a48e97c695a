import Foundation
import PilothouseCore
import PilothouseEngine

/// What `pilothouse gc` asks of the store: how long ago each job last did anything, and the
/// deletion of old transcripts and cache entries.
extension PostgresStore {
    /// Every job's activity.
    public func jobActivity() throws -> [JobID: JobActivity] {
        try read { tx in
            var result: [JobID: JobActivity] = [:]
            for activity in try PostgresStore.activity(tx, where: "", arguments: []) {
                result[activity.id] = activity
            }
            return result
        }
    }

    /// One job's activity, read afresh (gc reads it again under its lock before removing).
    public func jobActivity(of id: JobID) throws -> JobActivity? {
        try read { tx in
            try PostgresStore.activity(tx, where: "WHERE jobs.id = $1", arguments: [id.rawValue]).first
        }
    }

    private static func activity(
        _ tx: PostgresTransaction, where condition: String, arguments: [any SQLArgument]
    )
        throws -> [JobActivity]
    {
        let sql = """
            SELECT jobs.id AS id, jobs.state AS state,
                   GREATEST(jobs.updated_at, COALESCE((SELECT MAX(created_at) FROM beads
                                                       WHERE beads.job_id = jobs.id), 0)) AS last_event
            FROM jobs
            """
        return try tx.rows(sql + " " + condition, arguments).compactMap { row in
            guard let id = JobID(try row("id", as: String.self)),
                let state = JobState(rawValue: try row("state"))
            else {
                return nil
            }
            return JobActivity(id: id, state: state, lastEvent: date(try row("last_event")))
        }
    }

    /// Deletes the transcripts of `jobs`, and those of no job written before `cutoff`;
    /// returns how many went (with `dryRun`, would go).
    public func deleteTranscripts(of jobs: [JobID], unattachedBefore cutoff: Date, dryRun: Bool) throws -> Int
    {
        let condition = "(job_id IS NULL AND created_at < $1) OR job_id = ANY($2::text[])"
        let arguments: [any SQLArgument] = [PostgresStore.millis(cutoff), jobs.map(\.rawValue)]
        if dryRun {
            return try read { tx in
                try tx.value("SELECT COUNT(*) FROM transcripts WHERE " + condition, arguments, as: Int.self)
                    ?? 0
            }
        }
        return try write(locking: .none) { tx in
            try tx.changes("DELETE FROM transcripts WHERE " + condition, arguments)
        }
    }

    /// Deletes response-cache entries not used since `cutoff`; returns how many went.
    public func deleteCacheEntries(unusedSince cutoff: Date, dryRun: Bool) throws -> Int {
        let sql = " FROM response_cache WHERE last_used_at < $1"
        if dryRun {
            return try read { tx in
                try tx.value("SELECT COUNT(*)" + sql, [PostgresStore.millis(cutoff)], as: Int.self) ?? 0
            }
        }
        return try write(locking: .advisory(PostgresStore.cacheLock)) { tx in
            try tx.changes("DELETE" + sql, [PostgresStore.millis(cutoff)])
        }
    }

    public func deleteSettledOutbox(settledBefore cutoff: Date, dryRun: Bool) throws -> Int {
        let sql = " FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < $1"
        if dryRun {
            return try read { tx in
                try tx.value("SELECT COUNT(*)" + sql, [PostgresStore.millis(cutoff)], as: Int.self) ?? 0
            }
        }
        return try write(locking: .none) { tx in
            try tx.changes("DELETE" + sql, [PostgresStore.millis(cutoff)])
        }
    }
}
