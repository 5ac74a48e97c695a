import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

/// What `pilothouse gc` asks of the store: how long ago each job last did anything, and the
/// deletion of old transcripts and cache entries.
extension SQLiteStore {

    /// Every job's activity.
    public func jobActivity() throws -> [JobID: JobActivity] {
        try read { db in
            var result: [JobID: JobActivity] = [:]
            for activity in try SQLiteStore.activity(db, where: "", arguments: []) {
                result[activity.id] = activity
            }
            return result
        }
    }

    /// One job's activity, read afresh (gc reads it again under its lock before removing).
    public func jobActivity(of id: JobID) throws -> JobActivity? {
        try read { db in
            try SQLiteStore.activity(db, where: "WHERE jobs.id = ?", arguments: [id.rawValue]).first
        }
    }

    private static func activity(_ db: Database, where condition: String, arguments: StatementArguments)
        throws
        -> [JobActivity]
    {
        let sql = """
            SELECT jobs.id AS id, jobs.state AS state,
                   MAX(jobs.updated_at, COALESCE((SELECT MAX(created_at) FROM beads
                                                  WHERE beads.job_id = jobs.id), 0)) AS last_event
            FROM jobs
            """
        return try Row.fetchAll(db, sql: sql + " " + condition, arguments: arguments).compactMap { row in
            guard let id = JobID(row["id"] as String), let state = JobState(rawValue: row["state"]) else {
                return nil
            }
            return JobActivity(id: id, state: state, lastEvent: SQLiteStore.date(row["last_event"]))
        }
    }

    /// Deletes the transcripts of `jobs`, and those of no job written before `cutoff`;
    /// returns how many went (with `dryRun`, would go).
    public func deleteTranscripts(of jobs: [JobID], unattachedBefore cutoff: Date, dryRun: Bool) throws -> Int
    {
        var conditions: [(String, StatementArguments)] = [
            ("job_id IS NULL AND created_at < ?", [SQLiteStore.millis(cutoff)])
        ]
        // In chunks, under SQLite's limit on bound variables.
        for start in stride(from: 0, to: jobs.count, by: 500) {
            let chunk = jobs[start..<min(start + 500, jobs.count)].map(\.rawValue)
            conditions.append(
                ("job_id IN (\(chunk.map { _ in "?" }.joined(separator: ",")))", StatementArguments(chunk)))
        }
        if dryRun {
            return try read { db in
                try conditions.reduce(0) { total, condition in
                    total
                        + (try Int.fetchOne(
                            db, sql: "SELECT COUNT(*) FROM transcripts WHERE " + condition.0,
                            arguments: condition.1)
                            ?? 0)
                }
            }
        }
        return try write { db in
            var deleted = 0
            for condition in conditions {
                try db.execute(sql: "DELETE FROM transcripts WHERE " + condition.0, arguments: condition.1)
                deleted += db.changesCount
            }
            return deleted
        }
    }

    /// Deletes response-cache entries not used since `cutoff`; returns how many went.
    public func deleteCacheEntries(unusedSince cutoff: Date, dryRun: Bool) throws -> Int {
        try deleteRows(" FROM response_cache WHERE last_used_at < ?", before: cutoff, dryRun: dryRun)
    }

    public func deleteSettledOutbox(settledBefore cutoff: Date, dryRun: Bool) throws -> Int {
        try deleteRows(
            " FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?", before: cutoff, dryRun: dryRun
        )
    }

    /// Deletes the rows `fromWhere` selects for `cutoff` (its one `?`), or with `dryRun` only
    /// counts them; returns how many.
    private func deleteRows(_ fromWhere: String, before cutoff: Date, dryRun: Bool) throws -> Int {
        if dryRun {
            return try read { db in
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*)" + fromWhere, arguments: [SQLiteStore.millis(cutoff)])
                    ?? 0
            }
        }
        return try write { db in
            try db.execute(sql: "DELETE" + fromWhere, arguments: [SQLiteStore.millis(cutoff)])
            return db.changesCount
        }
    }
}
