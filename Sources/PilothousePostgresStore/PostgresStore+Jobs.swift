import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// Adds a job and its `job_created` bead in one transaction. An operator's ready patch
    /// (`enqueue --patch`) is stored with it and replaces the model in `implement`. Returns
    /// the job as stored (secrets redacted), which is what callers should show.
    @discardableResult
    public func enqueue(_ job: Job, operatorPatch: Data?) throws -> Job {
        let job = stored.job(job)
        return try write { tx in
            try PostgresStore.insert(job, contentHash: nil, in: tx)
            if let operatorPatch {
                try tx.execute(
                    "UPDATE jobs SET operator_patch = $1 WHERE id = $2", [operatorPatch, job.id.rawValue])
            }
            try PostgresStore.appendBead(
                tx, jobID: job.id, kind: .jobCreated, message: job.title,
                metadata: ["priority": job.priority.description, "category": job.category.rawValue],
                at: job.createdAt)
            return job
        }
    }

    /// The patch an operator submitted with the job, if any.
    public func operatorPatch(_ id: JobID) throws -> Data? {
        try read { tx in
            try tx.value("SELECT operator_patch FROM jobs WHERE id = $1", [id.rawValue], as: Data.self)
        }
    }

    /// Jobs ordered as the scheduler takes them: priority first, then age.
    public func jobs(state: JobState?) throws -> [Job] {
        try read { tx in
            if let state {
                return try tx.rows(
                    "SELECT * FROM jobs WHERE state = $1 ORDER BY priority, id", [state.rawValue]
                )
                .map(PostgresStore.job(from:))
            }
            return try tx.rows("SELECT * FROM jobs ORDER BY priority, id").map(PostgresStore.job(from:))
        }
    }

    public func job(_ id: JobID) throws -> Job? {
        try read { tx in try PostgresStore.job(id, in: tx) }
    }

    /// The job inside the caller's transaction.
    static func job(_ id: JobID, in tx: PostgresTransaction) throws -> Job? {
        try tx.row("SELECT * FROM jobs WHERE id = $1", [id.rawValue]).map(PostgresStore.job(from:))
    }

    /// The job inside the caller's transaction, or `unknownJob`.
    static func requireJob(_ id: JobID, in tx: PostgresTransaction) throws -> Job {
        guard let job = try job(id, in: tx) else { throw StoreError.unknownJob(id.rawValue) }
        return job
    }

    /// The job's state inside the caller's transaction, nil for no such job.
    static func state(of id: JobID, in tx: PostgresTransaction) throws -> String? {
        try tx.value("SELECT state FROM jobs WHERE id = $1", [id.rawValue], as: String.self)
    }

    /// Finds a job by its full id or by an unambiguous prefix or suffix, as operators type them.
    public func resolveJob(_ text: String) throws -> Job {
        switch try resolve(text, in: "jobs", decode: PostgresStore.job(from:)) {
        case .found(let job): return job
        case .none: throw StoreError.unknownJob(text)
        case .ambiguous(let count): throw StoreError.ambiguousJob(text, matches: count)
        }
    }

    /// Moves a job through the state machine and records why, in one transaction.
    @discardableResult
    public func transition(_ id: JobID, to next: JobState, stage: StageName?, message: String?) throws -> Job
    {
        try write { tx in
            if let stage {
                try tx.execute("UPDATE jobs SET stage = $1 WHERE id = $2", [stage.rawValue, id.rawValue])
            }
            let current = try PostgresStore.state(of: id, in: tx)
            return try PostgresStore.transition(
                tx, id, to: next, message: message.map { stored($0) } ?? "\(current ?? "?") → \(next)")
        }
    }

    /// Counts of jobs per state, for `status` and the gauges.
    public func jobCounts() throws -> [JobState: Int] {
        try read { tx in
            var counts: [JobState: Int] = [:]
            for row in try tx.rows("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                if let state = JobState(rawValue: try row("state")) {
                    counts[state] = try row("n", as: Int.self)
                }
            }
            return counts
        }
    }

    static func insert(_ job: Job, contentHash: String?, in tx: PostgresTransaction) throws {
        try tx.execute(
            """
            INSERT INTO jobs (id, title, goal, category, priority, source_plan, source_anchor, content_hash,
                files_hint, state, stage, attempts, max_attempts, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            """,
            [
                job.id.rawValue, job.title, job.goal, job.category.rawValue, job.priority.rawValue,
                job.sourcePlan, job.sourceAnchor, contentHash, StoreEncoding.encodeList(job.filesHint),
                job.state.rawValue, job.currentStage?.rawValue, job.attempts, job.maxAttempts,
                millis(job.createdAt), millis(job.updatedAt),
            ])
    }

    static func job(from row: PostgresStoreRow) throws -> Job {
        let idText: String = try row("id")
        guard let id = JobID(idText) else {
            throw StoreError.database(path: "jobs", detail: "row has an invalid job id '\(idText)'")
        }
        let stage: String? = try row("stage")
        return Job(
            id: id, title: try row("title"), goal: try row("goal"),
            category: JobCategory(rawValue: try row("category")) ?? .quality,
            priority: Priority(rawValue: try row("priority", as: Int.self)) ?? .p2,
            sourcePlan: try row("source_plan"), sourceAnchor: try row("source_anchor"),
            filesHint: StoreEncoding.decodeList(try row("files_hint")),
            state: JobState(rawValue: try row("state")) ?? .failed, currentStage: stage.map { StageName($0) },
            attempts: try row("attempts"), maxAttempts: try row("max_attempts"),
            createdAt: date(try row("created_at")), updatedAt: date(try row("updated_at")))
    }
}
