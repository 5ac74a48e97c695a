import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Adds a job and its `job_created` bead in one transaction. An operator's ready patch
    /// (`enqueue --patch`) is stored with it and replaces the model in `implement`. Returns
    /// the job as stored (secrets redacted), which is what callers should show.
    @discardableResult
    public func enqueue(_ job: Job, operatorPatch: Data?) throws -> Job {
        let job = stored.job(job)
        return try write { db in
            try SQLiteStore.insert(job, contentHash: nil, in: db)
            if let operatorPatch {
                try db.execute(
                    sql: "UPDATE jobs SET operator_patch = ? WHERE id = ?",
                    arguments: [operatorPatch, job.id.rawValue])
            }
            try SQLiteStore.appendBead(
                db, jobID: job.id, kind: .jobCreated, message: job.title,
                metadata: ["priority": job.priority.description, "category": job.category.rawValue],
                at: job.createdAt)
            return job
        }
    }

    /// The patch an operator submitted with the job, if any.
    public func operatorPatch(_ id: JobID) throws -> Data? {
        try read { db in
            try Data.fetchOne(
                db, sql: "SELECT operator_patch FROM jobs WHERE id = ?", arguments: [id.rawValue])
        }
    }

    /// Jobs ordered as the scheduler takes them: priority first, then age.
    public func jobs(state: JobState?) throws -> [Job] {
        try read { db in
            if let state {
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM jobs WHERE state = ? ORDER BY priority, id",
                    arguments: [state.rawValue]
                ).map(SQLiteStore.job(from:))
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM jobs ORDER BY priority, id").map(
                SQLiteStore.job(from:))
        }
    }

    public func job(_ id: JobID) throws -> Job? {
        try read { db in try SQLiteStore.job(id, in: db) }
    }

    /// The job inside the caller's transaction.
    static func job(_ id: JobID, in db: Database) throws -> Job? {
        try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id.rawValue]).map(
            SQLiteStore.job(from:))
    }

    /// The job inside the caller's transaction, or `unknownJob`.
    static func requireJob(_ id: JobID, in db: Database) throws -> Job {
        guard let job = try job(id, in: db) else { throw StoreError.unknownJob(id.rawValue) }
        return job
    }

    /// Finds a job by its full id or by an unambiguous prefix or suffix, as operators type them.
    public func resolveJob(_ text: String) throws -> Job {
        switch try resolve(text, in: "jobs", decode: SQLiteStore.job(from:)) {
        case .found(let job): return job
        case .none: throw StoreError.unknownJob(text)
        case .ambiguous(let count): throw StoreError.ambiguousJob(text, matches: count)
        }
    }

    /// Moves a job through the state machine and records why, in one transaction.
    @discardableResult
    public func transition(_ id: JobID, to next: JobState, stage: StageName?, message: String?)
        throws -> Job
    {
        try write { db in
            if let stage {
                try db.execute(
                    sql: "UPDATE jobs SET stage = ? WHERE id = ?", arguments: [stage.rawValue, id.rawValue])
            }
            let current = try String.fetchOne(
                db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [id.rawValue])
            return try SQLiteStore.transition(
                db, id, to: next, message: message.map { stored($0) } ?? "\(current ?? "?") → \(next)")
        }
    }

    /// Counts of jobs per state, for `status` and the gauges.
    public func jobCounts() throws -> [JobState: Int] {
        try read { db in
            var counts: [JobState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                if let state = JobState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    static func insert(_ job: Job, contentHash: String?, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO jobs (id, title, goal, category, priority, source_plan, source_anchor, content_hash,
                    files_hint, state, stage, attempts, max_attempts, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                job.id.rawValue, job.title, job.goal, job.category.rawValue, job.priority.rawValue,
                job.sourcePlan,
                job.sourceAnchor, contentHash, encodeList(job.filesHint), job.state.rawValue,
                job.currentStage?.rawValue,
                job.attempts, job.maxAttempts, millis(job.createdAt), millis(job.updatedAt),
            ])
    }

    static func job(from row: Row) throws -> Job {
        let idText: String = row["id"]
        guard let id = JobID(idText) else {
            throw StoreError.database(path: "jobs", detail: "row has an invalid job id '\(idText)'")
        }
        let stage: String? = row["stage"]
        return Job(
            id: id, title: row["title"], goal: row["goal"],
            category: JobCategory(rawValue: row["category"]) ?? .quality,
            priority: Priority(rawValue: row["priority"]) ?? .p2, sourcePlan: row["source_plan"],
            sourceAnchor: row["source_anchor"], filesHint: decodeList(row["files_hint"]),
            state: JobState(rawValue: row["state"]) ?? .failed, currentStage: stage.map { StageName($0) },
            attempts: row["attempts"], maxAttempts: row["max_attempts"], createdAt: date(row["created_at"]),
            updatedAt: date(row["updated_at"]))
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    static func encodeList(_ list: [String]) -> String {
        guard let data = try? JSONEncoder().encode(list) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decodeList(_ text: String?) -> [String] {
        guard let data = text?.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([String].self, from: data)) ?? []
    }
}
