import Foundation
import PilothouseCore
import PilothouseEngine

/// The operator's decisions on a waiting patch (approve, reject, edit): each re-checks the job's
/// state inside its own transaction, so a decision racing another engine's change loses cleanly.
extension PostgresStore {
    /// Records an approval (by the operator or the auto-approve rule) as the gate stage's
    /// result, so a restart after approval resumes at the merge. For a job that is still
    /// running (the auto-approve rule, mid-pipeline).
    @discardableResult
    public func recordApproval(_ id: JobID, stage: StageName, attempt: Int, by who: String, hunks: [Int]?)
        throws
        -> Bead
    {
        let who = stored(who)
        return try write { tx in
            try PostgresStore.insertApproval(tx, id, stage: stage, attempt: attempt, by: who, hunks: hunks)
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
        _ id: JobID, stage: StageName, attempt: Int, by who: String, hunks: [Int]?, owner: String?,
        leaseUntil: Date?
    ) throws -> Job {
        let who = stored(who)
        return try write { tx in
            let hunks = try hunks.map { try PostgresStore.validatedHunks($0, of: id, in: tx) }
            _ = try PostgresStore.insertApproval(
                tx, id, stage: stage, attempt: attempt, by: who, hunks: hunks)
            let job = try PostgresStore.transition(
                tx, id, to: .merging,
                message: owner == nil ? "approved; waiting for an engine to merge" : "merging approved patch")
            try PostgresStore.setLease(
                id, owner: owner, until: leaseUntil, holder: owner == nil ? nil : .current, in: tx)
            return job
        }
    }

    /// The chosen hunks, deduplicated, if each exists in the job's latest patch.
    private static func validatedHunks(_ chosen: [Int], of id: JobID, in tx: PostgresTransaction) throws
        -> [Int]
    {
        let diff = try latestDiff(id, in: tx) ?? Data()
        let hunkCount: Int
        do {
            hunkCount = try UnifiedDiff(parsing: diff).hunkIDs.count
        } catch {
            throw HunkSelectionError.unreadablePatch(String(describing: error))
        }
        return try HunkSelection.validated(chosen, hunkCount: hunkCount)
    }

    private static func insertApproval(
        _ tx: PostgresTransaction, _ id: JobID, stage: StageName, attempt: Int, by who: String, hunks: [Int]?
    ) throws -> Bead {
        let output = StageOutput.text(
            hunks.map { "approved by \(who): hunks \($0.map(String.init).joined(separator: ","))" }
                ?? "approved by \(who)")
        let now = millis(Date())
        try tx.execute(
            """
            INSERT INTO stage_results (job_id, stage, attempt, status, output, started_at, finished_at)
            VALUES ($1, $2, $3, 'finished', $4, $5, $6)
            """,
            [id.rawValue, stage.rawValue, attempt, StoreEncoding.encodeOutput(output), now, now])
        try tx.execute(
            "UPDATE jobs SET approved_hunks = $1 WHERE id = $2",
            [hunks.map { StoreEncoding.encodeList($0.map(String.init)) }, id.rawValue])
        var metadata = ["by": who, "attempt": String(attempt)]
        if let hunks { metadata["hunks"] = hunks.map(String.init).joined(separator: ",") }
        return try appendBead(
            tx, jobID: id, kind: .patchApproved, stage: stage, message: "approved by \(who)",
            metadata: metadata)
    }

    /// Rejects a waiting patch as `[approval] on_reject` says: with `.retryWithFeedback`, a
    /// reason or line comments, and attempts left, they become feedback for a new attempt
    /// (comments quoted verbatim, each a `comment` bead); otherwise the job ends `rejected`.
    /// The one implementation behind the console and `pilothouse reject`. Returns whether the
    /// job will try again.
    @discardableResult
    public func reject(_ id: JobID, reason: String, policy: RejectPolicy, comments: [LineComment]) throws
        -> Bool
    {
        let trimmed = stored(reason).trimmingCharacters(in: .whitespacesAndNewlines)
        let comments = comments.map { comment in
            LineComment(
                file: stored(comment.file), line: comment.line, endLine: comment.endLine,
                text: stored(comment.text), comment: stored(comment.comment))
        }
        return try write { tx in
            let job = try PostgresStore.requireWaiting(id, in: tx, otherwise: "nothing was rejected")
            let retry = AttemptPolicy.retriesAfterRejection(
                job, policy: policy, hasFeedback: !(trimmed.isEmpty && comments.isEmpty))
            try PostgresStore.reject(
                tx, id, reason: trimmed.isEmpty ? "rejected by operator" : trimmed, retry: retry,
                comments: comments)
            return retry
        }
    }

    /// Replaces a waiting patch with the operator's edit: the edit becomes the job's operator
    /// patch and the job is queued for a new attempt, which applies it to a fresh worktree and
    /// runs check, review and test on it before it can wait for approval again.
    public func editPatch(_ id: JobID, diff: Data, stats: DiffStats) throws {
        try write { tx in
            try PostgresStore.requireWaiting(id, in: tx, otherwise: "the edit was not used")
            let metadata = [
                "bytes": String(diff.count), "files": String(stats.filesChanged),
                "added": String(stats.linesAdded), "removed": String(stats.linesRemoved),
            ]
            try PostgresStore.appendBead(
                tx, jobID: id, kind: .patchEdited, stage: .approve,
                message: "patch edited by operator (\(diff.count) bytes); checking it again",
                metadata: metadata)
            try PostgresStore.transition(
                tx, id, to: .queued, message: "edited by operator; queued to check the edit")
            try PostgresStore.clearLease(id, in: tx)
            try tx.execute(
                "UPDATE jobs SET operator_patch = $1, feedback = NULL WHERE id = $2", [diff, id.rawValue])
        }
    }

    /// The job, if it still waits for approval, locked for the rest of the transaction. Another
    /// engine may have approved, paused or rejected the job since the operator looked, and the
    /// state machine alone would let a paused or merging job be queued again by a decision
    /// meant for a waiting patch.
    @discardableResult
    private static func requireWaiting(_ id: JobID, in tx: PostgresTransaction, otherwise: String) throws
        -> Job
    {
        guard
            let job = try tx.row("SELECT * FROM jobs WHERE id = $1 FOR UPDATE", [id.rawValue]).map(job(from:))
        else { throw StoreError.unknownJob(id.rawValue) }
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
        _ tx: PostgresTransaction, _ id: JobID, reason: String, retry: Bool, comments: [LineComment]
    ) throws {
        for comment in comments {
            try appendBead(
                tx, jobID: id, kind: .comment, stage: .approve, message: comment.comment,
                metadata: [
                    "file": comment.file, "line": String(comment.line), "end_line": String(comment.endLine),
                    "text": comment.text,
                ])
        }
        try appendBead(
            tx, jobID: id, kind: .patchRejected, stage: .approve, message: reason,
            metadata: ["retry": String(retry), "comments": String(comments.count)])
        try transition(
            tx, id, to: retry ? .queued : .rejected,
            message: retry ? "rejected; queued with feedback" : "rejected")
        try tx.execute(
            "UPDATE jobs SET feedback = $1, operator_patch = CASE WHEN $2 THEN NULL ELSE operator_patch END WHERE id = $3",
            [retry ? ReviewFeedback.text(reason: reason, comments: comments) : nil, retry, id.rawValue])
    }
}
