import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// Claims the next queued job for `owner`: the highest priority, then the oldest.
    ///
    /// The candidate is picked with `FOR UPDATE SKIP LOCKED` in a materialized CTE (as River
    /// and Oban claim), so a row another engine is claiming is passed over instead of waited
    /// for, and the planner cannot lock more rows than the one it returns. The attempt is
    /// counted here, at the claim, which is what makes crashes count: a job whose process died
    /// mid-stage comes back with one attempt used.
    public func claimNextJob(
        owner: String, leaseUntil: Date, excluding: Set<JobID>, holder: LeaseHolder
    ) throws -> Job? {
        try write { tx in
            let row = try tx.row(
                """
                WITH next AS MATERIALIZED (
                    SELECT id FROM jobs WHERE state = 'queued' AND id <> ALL($1::text[])
                    ORDER BY priority, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                SELECT jobs.* FROM jobs JOIN next ON jobs.id = next.id
                """,
                [excluding.map(\.rawValue)])
            guard var job = try row.map(PostgresStore.job(from:)) else { return nil }
            try job.transition(to: .running)
            let (attempts, again) = AttemptPolicy.claim(job)
            job.attempts = attempts
            job.currentStage = nil
            try tx.execute(
                "UPDATE jobs SET state = 'running', stage = NULL, attempts = $1, updated_at = $2 WHERE id = $3",
                [job.attempts, PostgresStore.millis(job.updatedAt), job.id.rawValue])
            try PostgresStore.setLease(job.id, owner: owner, until: leaseUntil, holder: holder, in: tx)
            try PostgresStore.appendBead(
                tx, jobID: job.id, kind: .stateChanged,
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
        try read { tx in
            try tx.value(
                "SELECT EXISTS (SELECT 1 FROM jobs WHERE state = 'queued' AND id <> ALL($1::text[]))",
                [excluding.map(\.rawValue)], as: Bool.self) ?? false
        }
    }

    /// Extends the leases of the jobs `owner` is working on. Rows are updated in id order, the
    /// order every multi-job write locks them in, so two such writes cannot deadlock.
    @discardableResult
    public func renewLeases(owner: String, jobs: [JobID], until: Date) throws -> [JobID] {
        guard !jobs.isEmpty else { return [] }
        return try write(locking: .none) { tx in
            try tx.execute(
                """
                UPDATE jobs SET lease_expires_at = $1 WHERE id IN (
                    SELECT id FROM jobs WHERE id = ANY($2::text[]) AND lease_owner = $3 ORDER BY id FOR UPDATE)
                """,
                [PostgresStore.millis(until), jobs.map(\.rawValue), owner])
            // Cancelled or paused elsewhere, or held by another engine now: this one must stop them.
            return try tx.rows(
                """
                SELECT id FROM jobs WHERE id = ANY($1::text[])
                AND (state IN ('cancelled', 'paused') OR (lease_owner IS NOT NULL AND lease_owner <> $2)) ORDER BY id
                """,
                [jobs.map(\.rawValue), owner]
            ).compactMap { JobID(try $0("id", as: String.self)) }
        }
    }

    /// Gives up this engine's claim on a job without changing its state (an approved merge
    /// the next engine takes over), with a bead saying why.
    public func releaseLease(_ id: JobID, message: String) throws {
        try write { tx in
            try PostgresStore.clearLease(id, in: tx)
            try PostgresStore.appendBead(tx, jobID: id, kind: "lease_released", message: message)
        }
    }

    /// Clears a job's lease when it stops running (waiting for approval, finished, failed).
    static func clearLease(_ id: JobID, in tx: PostgresTransaction) throws {
        try tx.execute(
            """
            UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL, lease_host = NULL, lease_pid = NULL,
                lease_started = NULL WHERE id = $1
            """,
            [id.rawValue])
    }

    /// Gives `owner` (the process `holder`) the lease of a job until `until`.
    static func setLease(
        _ id: JobID, owner: String?, until: Date?, holder: LeaseHolder?, in tx: PostgresTransaction
    ) throws {
        try tx.execute(
            """
            UPDATE jobs SET lease_owner = $1, lease_expires_at = $2, lease_host = $3, lease_pid = $4,
                lease_started = $5 WHERE id = $6
            """,
            [
                owner, until.map(millis), holder?.host, holder.map { Int64($0.pid) }, holder?.startTime,
                id.rawValue,
            ])
    }

    /// Whether the lease on `row` has run out, or is held by a process of this host that is
    /// gone (killed, crashed): either way nobody is working on the job.
    static func leaseLapsed(_ row: PostgresStoreRow, now: Date) throws -> Bool {
        guard let expires: Int64 = try row("lease_expires_at"), expires >= millis(now) else { return true }
        return try leaseHolder(row)?.isGoneFromThisHost ?? false
    }

    static func leaseHolder(_ row: PostgresStoreRow) throws -> LeaseHolder? {
        guard let host: String = try row("lease_host"), let pid: Int64 = try row("lease_pid"),
            let started: Int64 = try row("lease_started")
        else { return nil }
        return LeaseHolder(host: host, pid: Int32(truncatingIfNeeded: pid), startTime: started)
    }

    /// Jobs running or merging under a lease that `owner` does not hold.
    public func jobsHeld(notBy owner: String) throws -> [HeldJob] {
        try read { tx in
            try tx.rows(
                """
                SELECT id, state, lease_owner, lease_expires_at, lease_host, lease_pid, lease_started FROM jobs
                WHERE state IN ('running', 'merging') AND lease_owner IS NOT NULL AND lease_owner <> $1 ORDER BY id
                """,
                [owner]
            ).compactMap { row in
                guard let id = JobID(try row("id", as: String.self)),
                    let state = JobState(rawValue: try row("state"))
                else { return nil }
                return HeldJob(
                    job: id, state: state, owner: try row("lease_owner"),
                    holder: try PostgresStore.leaseHolder(row),
                    expiresAt: (try row("lease_expires_at", as: Int64?.self)).map(PostgresStore.date))
            }
        }
    }

    /// Takes over approved jobs whose merge was interrupted (the engine died in `merging`,
    /// or `pilothouse approve` approved them while no engine ran). The operator's decision
    /// stands: they resume at the merge, which is idempotent, under `owner`'s lease. One
    /// that keeps dying there is quarantined after `max_attempts` takeovers.
    public func claimOrphanedMerges(owner: String, leaseUntil: Date, now: Date, holder: LeaseHolder) throws
        -> [Job]
    {
        try write { tx in
            let rows = try tx.rows(
                """
                SELECT * FROM jobs WHERE state = 'merging'
                AND (lease_expires_at IS NULL OR lease_expires_at < $1 OR lease_host = $2)
                ORDER BY priority, id FOR UPDATE
                """,
                [PostgresStore.millis(now), LeaseHolder.current.host])
            var resumed: [Job] = []
            for row in rows where try PostgresStore.leaseLapsed(row, now: now) {
                let job = try PostgresStore.job(from: row)
                let takeovers =
                    try tx.value(
                        "SELECT COUNT(*) FROM beads WHERE job_id = $1 AND kind = $2 AND stage = 'merge'",
                        [job.id.rawValue, BeadKind.leaseReclaimed.rawValue], as: Int.self) ?? 0
                if let record = AttemptPolicy.orphanedMerge(job, takeovers: takeovers, now: now) {
                    try PostgresStore.clearLease(job.id, in: tx)
                    try PostgresStore.quarantine(record, in: tx)
                    continue
                }
                try tx.execute("UPDATE jobs SET stage = 'merge' WHERE id = $1", [job.id.rawValue])
                try PostgresStore.setLease(job.id, owner: owner, until: leaseUntil, holder: holder, in: tx)
                try PostgresStore.appendBead(
                    tx, jobID: job.id, kind: .leaseReclaimed, stage: .merge,
                    message: "resuming the approved merge",
                    metadata: ["owner": owner, "attempt": String(job.attempts)], at: now)
                resumed.append(job)
            }
            return resumed
        }
    }

    /// How often an engine took over `job`'s merge under `attempt` after its owner died. The
    /// attempt is read from each bead's metadata here rather than by a JSON operator, so a
    /// hand-edited metadata column is a bead `verify` reports, not a failing query.
    static func mergeTakeovers(_ tx: PostgresTransaction, _ id: JobID, attempt: Int) throws -> Int {
        try tx.rows(
            "SELECT metadata FROM beads WHERE job_id = $1 AND kind = $2 AND stage = 'merge'",
            [id.rawValue, BeadKind.leaseReclaimed.rawValue]
        ).filter { StoreEncoding.decodeMetadata(try $0("metadata"))["attempt"] == String(attempt) }.count
    }

    /// Hunks the operator approved, when the approval was partial.
    public func approvedHunks(_ id: JobID) throws -> [Int]? {
        try read { tx in
            try tx.value("SELECT approved_hunks FROM jobs WHERE id = $1", [id.rawValue], as: String.self)
                .map { StoreEncoding.decodeList($0).compactMap(Int.init) }
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
        try write { tx in
            let rows = try tx.rows(
                """
                SELECT * FROM jobs WHERE state = 'running'
                AND (lease_expires_at IS NULL OR lease_expires_at < $1 OR lease_host = $2)
                AND ($3::text IS NULL OR lease_owner IS NULL OR lease_owner <> $3::text) ORDER BY id FOR UPDATE
                """,
                [PostgresStore.millis(now), LeaseHolder.current.host, owner])
            var requeued: [Job] = []
            var quarantined: [Job] = []
            for row in rows where try PostgresStore.leaseLapsed(row, now: now) {
                var job = try PostgresStore.job(from: row)
                let gone =
                    try PostgresStore.leaseHolder(row).flatMap {
                        $0.isGoneFromThisHost ? "its engine (\($0)) is gone" : nil
                    } ?? "lease expired"
                let previous = job.state
                try PostgresStore.clearLease(job.id, in: tx)
                let takeovers = try PostgresStore.mergeTakeovers(tx, job.id, attempt: job.attempts)
                if case .quarantine(let record) = AttemptPolicy.reclaim(
                    job, mergeTakeovers: takeovers, now: now)
                {
                    try PostgresStore.quarantine(record, in: tx)
                    job.state = .quarantined
                    quarantined.append(job)
                } else {
                    try job.transition(to: .queued, at: now)
                    try tx.execute(
                        "UPDATE jobs SET state = 'queued', updated_at = $1 WHERE id = $2",
                        [PostgresStore.millis(now), job.id.rawValue])
                    try PostgresStore.appendBead(
                        tx, jobID: job.id, kind: .leaseReclaimed, stage: job.currentStage,
                        message:
                            "\(gone) during \(job.currentStage?.rawValue ?? previous.rawValue); queued again",
                        metadata: [
                            "from": previous.rawValue, "to": "queued", "attempt": String(job.attempts),
                        ],
                        at: now)
                    requeued.append(job)
                }
            }
            return (requeued, quarantined)
        }
    }
}
