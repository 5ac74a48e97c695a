import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Claims the next queued job for `owner`: the highest priority, then the oldest.
    ///
    /// One IMMEDIATE transaction reads and claims, so two engines never take the same job.
    /// The attempt is counted here, at the claim, which is what makes crashes count: a job
    /// whose process died mid-stage comes back with one attempt used.
    public func claimNextJob(
        owner: String, leaseUntil: Date, excluding: Set<JobID>, holder: LeaseHolder
    ) throws -> Job? {
        try write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM jobs WHERE state = 'queued' ORDER BY priority, id LIMIT ?",
                arguments: [excluding.count + 1])
            guard var job = try rows.map(SQLiteStore.job(from:)).first(where: { !excluding.contains($0.id) })
            else {
                return nil
            }
            try job.transition(to: .running)
            let (attempts, again) = AttemptPolicy.claim(job)
            job.attempts = attempts
            job.currentStage = nil
            try db.execute(
                sql: """
                    UPDATE jobs SET state = 'running', stage = NULL, attempts = ?, updated_at = ? WHERE id = ?
                    """,
                arguments: [job.attempts, SQLiteStore.millis(job.updatedAt), job.id.rawValue])
            try SQLiteStore.setLease(job.id, owner: owner, until: leaseUntil, holder: holder, in: db)
            try SQLiteStore.appendBead(
                db, jobID: job.id, kind: .stateChanged,
                message: "claimed (attempt \(job.attempts)/\(job.maxAttempts)\(again ? ", again" : ""))",
                metadata: [
                    "from": "queued", "to": "running", "attempt": String(job.attempts), "owner": owner,
                ],
                at: job.updatedAt)
            return job
        }
    }

    /// Whether any queued job other than `excluding` exists (a cheap read before a claim).
    public func hasQueuedJobs(excluding: Set<JobID>) throws -> Bool {
        try read { db in
            let ids = try String.fetchAll(
                db, sql: "SELECT id FROM jobs WHERE state = 'queued' LIMIT ?",
                arguments: [excluding.count + 1])
            return ids.contains { id in JobID(id).map { !excluding.contains($0) } ?? false }
        }
    }

    /// Extends the leases of the jobs `owner` is working on.
    @discardableResult
    public func renewLeases(owner: String, jobs: [JobID], until: Date) throws -> [JobID] {
        guard !jobs.isEmpty else { return [] }
        return try write { db in
            var lost: [JobID] = []
            for id in jobs {
                try db.execute(
                    sql: "UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ?",
                    arguments: [SQLiteStore.millis(until), id.rawValue, owner])
                let row = try Row.fetchOne(
                    db, sql: "SELECT state, lease_owner FROM jobs WHERE id = ?", arguments: [id.rawValue])
                let state = (row?["state"] as String?).flatMap(JobState.init(rawValue:))
                let holder = row?["lease_owner"] as String?
                if state == .cancelled || state == .paused || (holder != nil && holder != owner) {
                    lost.append(id)
                }
            }
            return lost
        }
    }

    /// Gives up this engine's claim on a job without changing its state (an approved merge
    /// the next engine takes over), with a bead saying why.
    public func releaseLease(_ id: JobID, message: String) throws {
        try write { db in
            try SQLiteStore.clearLease(id, in: db)
            try SQLiteStore.appendBead(db, jobID: id, kind: "lease_released", message: message)
        }
    }

    /// Clears a job's lease when it stops running (waiting for approval, finished, failed).
    static func clearLease(_ id: JobID, in db: Database) throws {
        try db.execute(
            sql: """
                UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL, lease_host = NULL, lease_pid = NULL,
                    lease_started = NULL WHERE id = ?
                """,
            arguments: [id.rawValue])
    }

    /// Gives `owner` (the process `holder`) the lease of a job until `until`.
    static func setLease(_ id: JobID, owner: String?, until: Date?, holder: LeaseHolder?, in db: Database)
        throws
    {
        try db.execute(
            sql: """
                UPDATE jobs SET lease_owner = ?, lease_expires_at = ?, lease_host = ?, lease_pid = ?,
                    lease_started = ? WHERE id = ?
                """,
            arguments: [
                owner, until.map(SQLiteStore.millis), holder?.host, holder.map { Int64($0.pid) },
                holder?.startTime,
                id.rawValue,
            ])
    }

    /// Whether the lease on `row` has run out, or is held by a process of this host that is
    /// gone (killed, crashed): either way nobody is working on the job.
    static func leaseLapsed(_ row: Row, now: Date) -> Bool {
        guard let expires: Int64 = row["lease_expires_at"], expires >= SQLiteStore.millis(now) else {
            return true
        }
        return leaseHolder(row)?.isGoneFromThisHost ?? false
    }

    static func leaseHolder(_ row: Row) -> LeaseHolder? {
        guard let host: String = row["lease_host"], let pid: Int64 = row["lease_pid"],
            let started: Int64 = row["lease_started"]
        else { return nil }
        return LeaseHolder(host: host, pid: Int32(truncatingIfNeeded: pid), startTime: started)
    }

    /// Jobs running or merging under a lease that `owner` does not hold.
    public func jobsHeld(notBy owner: String) throws -> [HeldJob] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, state, lease_owner, lease_expires_at, lease_host, lease_pid, lease_started FROM jobs
                    WHERE state IN ('running', 'merging') AND lease_owner IS NOT NULL AND lease_owner != ? ORDER BY id
                    """,
                arguments: [owner]
            ).compactMap { row in
                guard let id = JobID(row["id"] as String), let state = JobState(rawValue: row["state"]) else {
                    return nil
                }
                return HeldJob(
                    job: id, state: state, owner: row["lease_owner"], holder: SQLiteStore.leaseHolder(row),
                    expiresAt: (row["lease_expires_at"] as Int64?).map(SQLiteStore.date))
            }
        }
    }

    /// Takes over approved jobs whose merge was interrupted (the engine died in `merging`,
    /// or `pilothouse approve` approved them while no engine ran). The operator's decision
    /// stands: they resume at the merge, which is idempotent, under `owner`'s lease. One
    /// that keeps dying there is quarantined after `max_attempts` takeovers.
    public func claimOrphanedMerges(
        owner: String, leaseUntil: Date, now: Date, holder: LeaseHolder
    ) throws -> [Job] {
        try write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM jobs WHERE state = 'merging'
                    AND (lease_expires_at IS NULL OR lease_expires_at < ? OR lease_host = ?) ORDER BY priority, id
                    """,
                arguments: [SQLiteStore.millis(now), LeaseHolder.current.host])
            var resumed: [Job] = []
            for job in try rows.filter({ SQLiteStore.leaseLapsed($0, now: now) }).map(SQLiteStore.job(from:))
            {
                let takeovers =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM beads WHERE job_id = ? AND kind = ? AND stage = 'merge'",
                        arguments: [job.id.rawValue, BeadKind.leaseReclaimed.rawValue]) ?? 0
                if let record = AttemptPolicy.orphanedMerge(job, takeovers: takeovers, now: now) {
                    try SQLiteStore.clearLease(job.id, in: db)
                    try SQLiteStore.quarantine(record, in: db)
                    continue
                }
                try db.execute(
                    sql: "UPDATE jobs SET stage = 'merge' WHERE id = ?", arguments: [job.id.rawValue])
                try SQLiteStore.setLease(job.id, owner: owner, until: leaseUntil, holder: holder, in: db)
                try SQLiteStore.appendBead(
                    db, jobID: job.id, kind: .leaseReclaimed, stage: .merge,
                    message: "resuming the approved merge",
                    metadata: ["owner": owner, "attempt": String(job.attempts)], at: now)
                resumed.append(job)
            }
            return resumed
        }
    }

    /// How often an engine took over `job`'s merge under `attempt` after its owner died.
    static func mergeTakeovers(_ db: Database, _ id: JobID, attempt: Int) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM beads WHERE job_id = ? AND kind = ? AND stage = 'merge'
                AND json_extract(metadata, '$.attempt') = ?
                """,
            arguments: [id.rawValue, BeadKind.leaseReclaimed.rawValue, String(attempt)]) ?? 0
    }

    /// Hunks the operator approved, when the approval was partial.
    public func approvedHunks(_ id: JobID) throws -> [Int]? {
        try read { db in
            try String.fetchOne(
                db, sql: "SELECT approved_hunks FROM jobs WHERE id = ?", arguments: [id.rawValue]
            )
            .map { SQLiteStore.decodeList($0).compactMap(Int.init) }
        }
    }

    /// Takes back jobs whose owner stopped renewing (crashed, killed, lost power).
    ///
    /// A job with attempts left is queued again; one out of attempts is quarantined with
    /// `max_attempts`, so a job that crashes its engine every time cannot loop forever.
    /// A running engine passes its own `owner`: its jobs are alive even if a busy moment
    /// delayed a heartbeat, and only another engine may declare them lost.
    public func reclaimExpiredLeases(now: Date, sparing owner: String?) throws -> (
        requeued: [Job], quarantined: [Job]
    ) {
        try write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM jobs WHERE state = 'running'
                    AND (lease_expires_at IS NULL OR lease_expires_at < ? OR lease_host = ?)
                    AND (? IS NULL OR lease_owner IS NULL OR lease_owner != ?) ORDER BY id
                    """,
                arguments: [SQLiteStore.millis(now), LeaseHolder.current.host, owner, owner])
            var requeued: [Job] = []
            var quarantined: [Job] = []
            for row in rows where SQLiteStore.leaseLapsed(row, now: now) {
                var job = try SQLiteStore.job(from: row)
                let gone =
                    SQLiteStore.leaseHolder(row).flatMap {
                        $0.isGoneFromThisHost ? "its engine (\($0)) is gone" : nil
                    }
                    ?? "lease expired"
                let previous = job.state
                try SQLiteStore.clearLease(job.id, in: db)
                let takeovers = try SQLiteStore.mergeTakeovers(db, job.id, attempt: job.attempts)
                if case .quarantine(let record) = AttemptPolicy.reclaim(
                    job, mergeTakeovers: takeovers, now: now)
                {
                    try SQLiteStore.quarantine(record, in: db)
                    job.state = .quarantined
                    quarantined.append(job)
                } else {
                    try job.transition(to: .queued, at: now)
                    try db.execute(
                        sql: "UPDATE jobs SET state = 'queued', updated_at = ? WHERE id = ?",
                        arguments: [SQLiteStore.millis(now), job.id.rawValue])
                    try SQLiteStore.appendBead(
                        db, jobID: job.id, kind: .leaseReclaimed, stage: job.currentStage,
                        message:
                            "\(gone) during \(job.currentStage?.rawValue ?? previous.rawValue); queued again",
                        metadata: [
                            "from": previous.rawValue, "to": "queued", "attempt": String(job.attempts),
                        ], at: now)
                    requeued.append(job)
                }
            }
            return (requeued, quarantined)
        }
    }
}
