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
        try finishMerge(id, to: .merged, message: "merged")
    }

    /// Ends a job's merge stage in `state` (`merged`, or `needs_rebase` after a conflict),
    /// releasing its lease. Under auto-approve the merge ran while the job was still
    /// `running`: it passes through `merging` first, as every merge does.
    public func finishMerge(_ id: JobID, to state: JobState, message: String) throws {
        try write { db in
            let current = try String.fetchOne(
                db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [id.rawValue])
            if current == JobState.running.rawValue {
                try Store.transition(db, id, to: .merging, message: "merging")
            }
            try Store.transition(db, id, to: state, message: message)
            try Store.clearLease(id, in: db)
        }
    }

    /// Puts a job back in the queue; an operator's retry gives it a fresh set of attempts.
    public func requeue(_ id: JobID, resetAttempts: Bool, message: String) throws {
        let message = stored(message)
        try write { db in
            try Store.transition(db, id, to: .queued, message: message)
            try Store.clearLease(id, in: db)
            if resetAttempts { try Store.resetAttempts(id, in: db) }
        }
    }

    /// Queues a job again and gives back the attempt its claim counted: the job did not
    /// fail (its models were unavailable, the engine was interrupted). The next claim counts
    /// the same attempt again and resumes it: stages it finished are not run twice.
    public func requeueRefundingAttempt(_ id: JobID, message: String) throws {
        let message = stored(message)
        try write { db in
            try Store.transition(db, id, to: .queued, message: message)
            try Store.clearLease(id, in: db)
            try db.execute(
                sql:
                    "UPDATE jobs SET resume_attempt = attempts, attempts = MAX(0, attempts - 1) WHERE id = ?",
                arguments: [id.rawValue])
        }
    }

    /// The attempt a refunded job resumes, when it was given back by `requeueRefundingAttempt`.
    public func resumeAttempt(_ id: JobID) throws -> Int? {
        try read { db in
            try Int.fetchOne(
                db, sql: "SELECT resume_attempt FROM jobs WHERE id = ?", arguments: [id.rawValue])
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
    /// Chosen `hunks` are checked against the job's patch first (`HunkSelectionError`), so
    /// the console and the command line refuse the same selections at once.
    @discardableResult
    public func approve(
        _ id: JobID, stage: StageName, attempt: Int, by who: String, hunks: [Int]?, owner: String? = nil,
        leaseUntil: Date? = nil
    ) throws -> Job {
        let who = stored(who)
        return try write { db in
            let hunks = try hunks.map { try Store.validatedHunks($0, of: id, in: db) }
            _ = try Store.insertApproval(db, id, stage: stage, attempt: attempt, by: who, hunks: hunks)
            let job = try Store.transition(
                db, id, to: .merging,
                message: owner == nil ? "approved; waiting for an engine to merge" : "merging approved patch")
            try Store.setLease(
                id, owner: owner, until: leaseUntil, holder: owner == nil ? nil : .current, in: db)
            return job
        }
    }

    /// The chosen hunks, deduplicated, if each exists in the job's latest patch.
    private static func validatedHunks(_ chosen: [Int], of id: JobID, in db: Database) throws -> [Int] {
        let diff =
            try Data.fetchOne(
                db, sql: "SELECT diff FROM patches WHERE job_id = ? ORDER BY attempt DESC, id DESC LIMIT 1",
                arguments: [id.rawValue]) ?? Data()
        let hunkCount: Int
        do {
            hunkCount = try UnifiedDiff(parsing: diff).hunkIDs.count
        } catch {
            throw HunkSelectionError.unreadablePatch(String(describing: error))
        }
        return try HunkSelection.validated(chosen, hunkCount: hunkCount)
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

    /// Rejects a waiting patch as `[approval] on_reject` says: with `.retryWithFeedback`, a
    /// reason or line comments, and attempts left, they become feedback for a new attempt
    /// (comments quoted verbatim, each a `comment` bead); otherwise the job ends `rejected`.
    /// The one implementation behind the console and `pilothouse reject`. Returns whether the
    /// job will try again.
    @discardableResult
    public func reject(_ id: JobID, reason: String, policy: RejectPolicy, comments: [LineComment] = []) throws
        -> Bool
    {
        let trimmed = stored(reason).trimmingCharacters(in: .whitespacesAndNewlines)
        let comments = comments.map { comment in
            LineComment(
                file: stored(comment.file), line: comment.line, endLine: comment.endLine,
                text: stored(comment.text), comment: stored(comment.comment))
        }
        return try write { db in
            let job = try Store.requireWaiting(id, in: db, otherwise: "nothing was rejected")
            let retry =
                policy == .retryWithFeedback && !(trimmed.isEmpty && comments.isEmpty)
                && job.attempts < job.maxAttempts
            try Store.reject(
                db, id, reason: trimmed.isEmpty ? "rejected by operator" : trimmed, retry: retry,
                comments: comments)
            return retry
        }
    }

    /// Replaces a waiting patch with the operator's edit: the edit becomes the job's operator
    /// patch and the job is queued for a new attempt, which applies it to a fresh worktree and
    /// runs check, review and test on it before it can wait for approval again.
    public func editPatch(_ id: JobID, diff: Data, stats: DiffStats) throws {
        try write { db in
            try Store.requireWaiting(id, in: db, otherwise: "the edit was not used")
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

    /// The job, if it still waits for approval. A decision on a waiting patch checks this
    /// inside its own transaction: another process may have approved, paused or rejected the
    /// job since the operator looked, and the state machine alone would let a paused or
    /// merging job be queued again by a decision meant for a waiting patch.
    @discardableResult
    private static func requireWaiting(_ id: JobID, in db: Database, otherwise: String) throws -> Job {
        let job = try Store.requireJob(id, in: db)
        guard job.state == .awaitingApproval else {
            throw StoreError.illegalTransition(
                job: id.short, "it is \(job.state), not waiting for approval; \(otherwise)")
        }
        return job
    }

    /// Writes a rejection: one `comment` bead per line comment, the `patch_rejected` bead and
    /// the move, in the caller's transaction. A retry also forgets an operator's patch: the
    /// next attempt is the model's answer to the feedback, not the same patch applied again.
    private static func reject(
        _ db: Database, _ id: JobID, reason: String, retry: Bool, comments: [LineComment]
    ) throws {
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

    /// Lets a quarantined job run again and removes its record. A `note` (the operator's words
    /// for the model, from `R` in the console or `quarantine retry --note`) becomes the job's
    /// feedback, which the next `implement` prompt quotes as it quotes a reject reason, and is
    /// kept on the release bead. Returns whether a note was kept for the job.
    @discardableResult
    public func releaseQuarantineRecord(_ recordID: JobID, resetAttempts: Bool, note: String? = nil) throws
        -> Bool
    {
        let note = note.map { stored($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        return try write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM quarantine WHERE id = ?", arguments: [recordID.rawValue]),
                let record = Store.quarantineRecord(from: row)
            else { throw StoreError.unknownQuarantineRecord(recordID.rawValue) }
            try Store.settle(
                record, message: resetAttempts ? "retried by operator" : "released by operator",
                note: note, in: db)
            guard let jobID = record.jobID,
                let state = try String.fetchOne(
                    db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [jobID.rawValue]),
                state == JobState.quarantined.rawValue
            else { return false }
            try Store.transition(db, jobID, to: .queued, message: "released from quarantine")
            if resetAttempts { try Store.resetAttempts(jobID, in: db) }
            guard !note.isEmpty else { return false }
            try db.execute(
                sql: "UPDATE jobs SET feedback = ?, operator_patch = NULL WHERE id = ?",
                arguments: [ReviewFeedback.text(reason: note, comments: []), jobID.rawValue])
            return true
        }
    }

    /// Requeues a quarantined job with fresh attempts and settles every quarantine record it
    /// has, in one transaction: the operator retried the job itself, and a record left behind
    /// would stay in the quarantine list for a job that runs again (and releasing it later
    /// would count as a second retry). Returns the records settled.
    public func retryQuarantinedJob(_ id: JobID) throws -> [QuarantineRecord] {
        try write { db in
            let records = try Row.fetchAll(
                db, sql: "SELECT * FROM quarantine WHERE job_id = ? ORDER BY id", arguments: [id.rawValue]
            ).compactMap(Store.quarantineRecord(from:))
            for record in records { try Store.settle(record, message: "retried by operator", in: db) }
            try Store.transition(db, id, to: .queued, message: "retried by operator")
            try Store.clearLease(id, in: db)
            try Store.resetAttempts(id, in: db)
            return records
        }
    }

    /// An operator's retry: the job starts over with all its attempts, and forgets the attempt
    /// an interruption had set to resume, so no stage result of the old attempts is reused.
    /// The one place every retry (of a job, of a quarantine record) resets attempts.
    static func resetAttempts(_ id: JobID, in db: Database) throws {
        try db.execute(
            sql: "UPDATE jobs SET attempts = 0, resume_attempt = NULL WHERE id = ?", arguments: [id.rawValue])
    }

    /// Removes a record that was released or retried, leaving the bead that says so.
    private static func settle(
        _ record: QuarantineRecord, message: String, note: String = "", in db: Database
    )
        throws
    {
        try db.execute(sql: "DELETE FROM quarantine WHERE id = ?", arguments: [record.id.rawValue])
        var metadata = ["record": record.id.rawValue, "reason": record.reason.rawValue]
        if !note.isEmpty { metadata["note"] = note }
        try Store.appendBead(
            db, jobID: record.jobID, kind: .quarantineReleased, message: message, metadata: metadata)
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
