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

    /// What an operator needs to decide on a waiting job: its patch and the evidence of its
    /// stages. `nil` unless the job is waiting for approval.
    public func approvalRequest(for job: Job) throws -> ApprovalRequest? {
        guard job.state == .awaitingApproval else { return nil }
        let evidence = StageEvidence(try finishedStages(job.id, attempt: job.attempts).values)
        return ApprovalRequest(
            jobID: job.id, attempt: job.attempts, title: job.title,
            diff: try latestPatch(job.id)?.diff ?? Data(),
            review: evidence.review, tests: evidence.tests, policyFlags: evidence.policyFlags,
            requestedAt: job.updatedAt)
    }

    /// Ends a job's run in `state` (releasing its lease) with a bead saying why.
    public func finishRun(_ id: JobID, to state: JobState, message: String) throws {
        let message = stored(message)
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
        let message = stored(message)
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
        let message = stored(message)
        try write { db in
            try Store.transition(db, id, to: .queued, message: message)
            try Store.clearLease(id, in: db)
            try db.execute(
                sql: "UPDATE jobs SET attempts = MAX(0, attempts - 1) WHERE id = ?", arguments: [id.rawValue])
        }
    }

    /// Records an approval (by the operator or the auto-approve rule) as the gate stage's
    /// result, so a restart after approval resumes at the merge. For a job that is still
    /// running (the auto-approve rule, mid-pipeline).
    @discardableResult
    public func recordApproval(_ id: JobID, stage: StageName, attempt: Int, by who: String, hunks: [Int]?)
        throws -> Bead
    {
        let who = stored(who)
        return try write { db in
            try Store.insertApproval(db, id, stage: stage, attempt: attempt, by: who, hunks: hunks)
        }
    }

    /// Approves a job waiting at the gate and moves it to `merging`, in one transaction, so
    /// a crash cannot leave an approval recorded on a job still waiting. With an `owner` the
    /// caller (an engine) holds the lease and merges; without, the job waits for an engine
    /// to take it over (`claimOrphanedMerges`), which is how `pilothouse approve` works.
    @discardableResult
    public func approve(
        _ id: JobID, stage: StageName, attempt: Int, by who: String, hunks: [Int]?, owner: String? = nil,
        leaseUntil: Date? = nil
    ) throws -> Job {
        let who = stored(who)
        return try write { db in
            _ = try Store.insertApproval(db, id, stage: stage, attempt: attempt, by: who, hunks: hunks)
            let job = try Store.transition(
                db, id, to: .merging,
                message: owner == nil ? "approved; waiting for an engine to merge" : "merging approved patch")
            try db.execute(
                sql: "UPDATE jobs SET lease_owner = ?, lease_expires_at = ? WHERE id = ?",
                arguments: [owner, leaseUntil.map(Store.millis), id.rawValue])
            return job
        }
    }

    private static func insertApproval(
        _ db: Database, _ id: JobID, stage: StageName, attempt: Int, by who: String, hunks: [Int]?
    ) throws -> Bead {
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

    /// Rejects a waiting patch; with `retry` the reason (and the line comments, quoted) becomes
    /// feedback for a new attempt. Each comment is a `comment` bead, in the same transaction.
    ///
    /// A retry also forgets an operator's patch: the next attempt is the model's answer to
    /// the feedback, not the same patch applied again.
    public func reject(_ id: JobID, reason: String, retry: Bool, comments: [LineComment] = []) throws {
        let reason = stored(reason)
        let comments = comments.map { comment in
            LineComment(
                file: stored(comment.file), line: comment.line, endLine: comment.endLine,
                text: stored(comment.text), comment: stored(comment.comment))
        }
        try write { db in
            for comment in comments {
                try Store.appendBead(
                    db, jobID: id, kind: .comment, stage: .approve, message: comment.comment,
                    metadata: [
                        "file": comment.file, "line": String(comment.line),
                        "end_line": String(comment.endLine), "text": comment.text,
                    ])
            }
            try Store.appendBead(
                db, jobID: id, kind: .patchRejected, stage: .approve, message: reason,
                metadata: ["retry": String(retry), "comments": String(comments.count)])
            try Store.transition(
                db, id, to: retry ? .queued : .rejected,
                message: retry ? "rejected; queued with feedback" : "rejected")
            try db.execute(
                sql:
                    "UPDATE jobs SET feedback = ?, operator_patch = CASE WHEN ? THEN NULL ELSE operator_patch END WHERE id = ?",
                arguments: [
                    retry ? ReviewFeedback.text(reason: reason, comments: comments) : nil, retry, id.rawValue,
                ])
        }
    }

    /// Replaces a waiting patch with the operator's edit: the edit becomes the job's operator
    /// patch and the job is queued for a new attempt, which applies it to a fresh worktree and
    /// runs check, review and test on it before it can wait for approval again.
    public func editPatch(_ id: JobID, diff: Data, stats: DiffStats) throws {
        try write { db in
            let metadata = [
                "bytes": String(diff.count), "files": String(stats.filesChanged),
                "added": String(stats.linesAdded), "removed": String(stats.linesRemoved),
            ]
            try Store.appendBead(
                db, jobID: id, kind: .patchEdited, stage: .approve,
                message: "patch edited by operator (\(diff.count) bytes); checking it again",
                metadata: metadata)
            try Store.transition(db, id, to: .queued, message: "edited by operator; queued to check the edit")
            try Store.clearLease(id, in: db)
            try db.execute(
                sql: "UPDATE jobs SET operator_patch = ?, feedback = NULL WHERE id = ?",
                arguments: [diff, id.rawValue])
        }
    }

    /// Quarantines a job's record and releases its lease in one transaction.
    @discardableResult
    public func quarantine(_ record: QuarantineRecord, clearingLease: Bool) throws -> QuarantineRecord {
        let record = stored.record(record)
        return try write { db in
            try Store.quarantine(record, in: db)
            if clearingLease, let jobID = record.jobID { try Store.clearLease(jobID, in: db) }
            return record
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
        let key = stored(key)
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
