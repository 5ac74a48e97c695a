import Foundation
import GRDB
import PilothouseCore

/// Store operations the engine's state changes need: each is one transaction with its bead.
extension Store {
    /// Beads appended after `seq`, in order.
    public func beads(after seq: Int64, limit: Int = 10_000) throws -> [Bead] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM beads WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit]
            )
            .map(Store.bead(from:))
        }
    }

    /// The newest `limit` beads, oldest first.
    public func recentBeads(limit: Int) throws -> [Bead] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM beads ORDER BY seq DESC LIMIT ?", arguments: [limit])
                .map(Store.bead(from:)).reversed()
        }
    }

    public func lastBeadSeq() throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM beads") ?? 0 }
    }

    /// The operator's rejection reason waiting for the job's next `implement`.
    public func feedback(_ id: JobID) throws -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT feedback FROM jobs WHERE id = ?", arguments: [id.rawValue])
        }
    }

    /// Ends a job's run in `state` (releasing its lease) with a bead saying why.
    public func finishRun(_ id: JobID, to state: JobState, message: String) throws {
        try write { db in
            try Store.transition(db, id, to: state, message: message)
            try Store.clearLease(id, in: db)
        }
    }

    /// Ends a job as merged; a job that never stopped at a gate passes through `merging`,
    /// so its history reads the same as an operator-approved one.
    public func finishMerged(_ id: JobID) throws {
        try write { db in
            let state = try String.fetchOne(
                db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [id.rawValue])
            if state == JobState.running.rawValue {
                try Store.transition(db, id, to: .merging, message: "merging")
            }
            try Store.transition(db, id, to: .merged, message: "merged")
            try Store.clearLease(id, in: db)
        }
    }

    /// Puts a job back in the queue; an operator's retry gives it a fresh set of attempts.
    public func requeue(_ id: JobID, resetAttempts: Bool, message: String) throws {
        try write { db in
            try Store.transition(db, id, to: .queued, message: message)
            try Store.clearLease(id, in: db)
            if resetAttempts {
                try db.execute(sql: "UPDATE jobs SET attempts = 0 WHERE id = ?", arguments: [id.rawValue])
            }
        }
    }

    /// Queues a job again and gives back the attempt its claim counted: the job did not
    /// fail, its models were unavailable.
    public func requeueRefundingAttempt(_ id: JobID, message: String) throws {
        try write { db in
            try Store.transition(db, id, to: .queued, message: message)
            try Store.clearLease(id, in: db)
            try db.execute(
                sql: "UPDATE jobs SET attempts = MAX(0, attempts - 1) WHERE id = ?", arguments: [id.rawValue])
        }
    }

    /// Records an approval (by the operator or the auto-approve rule) as the gate stage's
    /// result, so a restart after approval resumes at the merge.
    @discardableResult
    public func recordApproval(_ id: JobID, stage: StageName, attempt: Int, by who: String, hunks: [Int]?)
        throws -> Bead
    {
        try write { db in
            let output = StageOutput.text(
                hunks.map { "approved by \(who): hunks \($0.map(String.init).joined(separator: ","))" }
                    ?? "approved by \(who)")
            try db.execute(
                sql: """
                    INSERT INTO stage_results (job_id, stage, attempt, status, output, started_at, finished_at)
                    VALUES (?, ?, ?, 'finished', ?, ?, ?)
                    """,
                arguments: [
                    id.rawValue, stage.rawValue, attempt, Store.encodeOutput(output), Store.millis(Date()),
                    Store.millis(Date()),
                ])
            try db.execute(
                sql: "UPDATE jobs SET approved_hunks = ? WHERE id = ?",
                arguments: [hunks.map { Store.encodeList($0.map(String.init)) }, id.rawValue])
            var metadata = ["by": who, "attempt": String(attempt)]
            if let hunks { metadata["hunks"] = hunks.map(String.init).joined(separator: ",") }
            return try Store.appendBead(
                db, jobID: id, kind: .patchApproved, stage: stage, message: "approved by \(who)",
                metadata: metadata)
        }
    }

    /// Moves an approved job to `merging` without a lease, for an engine to take over
    /// (`claimOrphanedMerges`): how a decision made outside the engine reaches it.
    public func markApproved(_ id: JobID) throws {
        try write { db in
            try Store.transition(db, id, to: .merging, message: "approved; waiting for an engine to merge")
            try Store.clearLease(id, in: db)
        }
    }

    /// Moves an approved job to `merging` under a fresh lease.
    public func resumeAfterApproval(_ id: JobID, owner: String, leaseUntil: Date) throws -> Job {
        try write { db in
            let job = try Store.transition(db, id, to: .merging, message: "merging approved patch")
            try db.execute(
                sql: "UPDATE jobs SET lease_owner = ?, lease_expires_at = ? WHERE id = ?",
                arguments: [owner, Store.millis(leaseUntil), id.rawValue])
            return job
        }
    }

    /// Rejects a waiting patch; with `retry` the reason becomes feedback for a new attempt.
    public func reject(_ id: JobID, reason: String, retry: Bool) throws {
        try write { db in
            try Store.appendBead(
                db, jobID: id, kind: .patchRejected, stage: .approve, message: reason,
                metadata: ["retry": String(retry)])
            try Store.transition(
                db, id, to: retry ? .queued : .rejected,
                message: retry ? "rejected; queued with feedback" : "rejected")
            try db.execute(
                sql: "UPDATE jobs SET feedback = ? WHERE id = ?",
                arguments: [retry ? reason : nil, id.rawValue])
        }
    }

    /// Quarantines a job's record and releases its lease in one transaction.
    public func quarantine(_ record: QuarantineRecord, clearingLease: Bool) throws {
        try write { db in
            try Store.quarantine(record, in: db)
            if clearingLease, let jobID = record.jobID { try Store.clearLease(jobID, in: db) }
        }
    }

    /// Lets a quarantined job run again and removes its record.
    public func releaseQuarantineRecord(_ recordID: JobID, resetAttempts: Bool) throws {
        try write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM quarantine WHERE id = ?", arguments: [recordID.rawValue]),
                let record = Store.quarantineRecord(from: row)
            else { throw StoreError.unknownQuarantineRecord(recordID.rawValue) }
            try db.execute(sql: "DELETE FROM quarantine WHERE id = ?", arguments: [recordID.rawValue])
            try Store.appendBead(
                db, jobID: record.jobID, kind: .quarantineReleased,
                message: resetAttempts ? "retried by operator" : "released by operator",
                metadata: ["record": record.id.rawValue, "reason": record.reason.rawValue])
            if let jobID = record.jobID,
                let state = try String.fetchOne(
                    db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [jobID.rawValue]),
                state == JobState.quarantined.rawValue
            {
                try Store.transition(db, jobID, to: .queued, message: "released from quarantine")
                if resetAttempts {
                    try db.execute(
                        sql: "UPDATE jobs SET attempts = 0 WHERE id = ?", arguments: [jobID.rawValue])
                }
            }
        }
    }

    /// Sets or removes an enforced budget.
    public func setBudget(scope: String, key: String, limit: Money?) throws {
        try write { db in
            if let limit {
                try db.execute(
                    sql: """
                        INSERT INTO budgets (scope, scope_key, limit_micros, mode) VALUES (?, ?, ?, 'enforce')
                        ON CONFLICT (scope, scope_key) DO UPDATE SET limit_micros = excluded.limit_micros, mode = 'enforce'
                        """,
                    arguments: [scope, key, limit.micros])
            } else {
                try db.execute(
                    sql: "DELETE FROM budgets WHERE scope = ? AND scope_key = ?", arguments: [scope, key])
            }
            try Store.appendBead(
                db, jobID: nil, kind: "budget_set",
                message: "\(scope) budget \(limit?.description ?? "removed")",
                metadata: ["scope": scope, "key": key, "limit_micros": limit.map { String($0.micros) } ?? ""])
        }
    }

    /// Queues every job held for budget again; returns their ids.
    public func releaseBudgetHolds() throws -> [JobID] {
        try write { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE state = 'budget_hold'")
                .compactMap(JobID.init)
            for id in ids {
                try Store.transition(db, id, to: .queued, message: "budget raised; queued again")
            }
            return ids
        }
    }

    /// The state machine step shared by every engine write: update the row, append the bead.
    @discardableResult
    static func transition(_ db: Database, _ id: JobID, to next: JobState, message: String) throws -> Job {
        guard
            var job = try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id.rawValue])
                .map(Store.job(from:))
        else { throw StoreError.unknownJob(id.rawValue) }
        let previous = job.state
        do throws(JobStateError) {
            try job.transition(to: next)
        } catch {
            throw StoreError.illegalTransition(job: id.short, error.description)
        }
        try db.execute(
            sql: "UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?",
            arguments: [next.rawValue, Store.millis(job.updatedAt), id.rawValue])
        try Store.appendBead(
            db, jobID: id, kind: .stateChanged, stage: job.currentStage, message: message,
            metadata: ["from": previous.rawValue, "to": next.rawValue], at: job.updatedAt)
        return job
    }
}
