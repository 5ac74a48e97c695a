import Foundation
import PilothouseCore
import PilothouseEngine

/// The merge queue's rows (see `PostgresStoreSchema`): each write is one transaction, and the
/// ones that end a job's wait change the job in the same transaction. They all take the chain
/// lock, so they serialise with every other state change, as on SQLite.
extension PostgresStore {
    /// Puts an approved job in the merge queue, or finds it there after a restart (then it is
    /// waiting again: a batch test that was running died with its engine). The approval time
    /// is the approval's own, so a restart does not send the job to the back of the queue.
    /// Returns when the job was approved, and whether it entered just now.
    public func enterMergeQueue(_ job: Job, attempt: Int) throws -> (approvedAt: Date, entered: Bool) {
        try write { tx in
            if let row = try tx.row(
                "SELECT attempt, approved_at FROM merge_queue WHERE job_id = $1", [job.id.rawValue]),
                try row("attempt", as: Int.self) == attempt
            {
                try tx.execute(
                    "UPDATE merge_queue SET status = 'waiting', candidate_tree = NULL, test_started_at = NULL WHERE job_id = $1",
                    [job.id.rawValue])
                return (PostgresStore.date(try row("approved_at")), false)
            }
            // Rows of jobs that left `merging` another way (cancelled, failed) go with the next entry.
            try tx.execute(
                "DELETE FROM merge_queue WHERE job_id IN (SELECT id FROM jobs WHERE state NOT IN ('merging', 'running'))"
            )
            let now = PostgresStore.millis(Date())
            let approved =
                try tx.value(
                    """
                    SELECT MAX(finished_at) FROM stage_results
                    WHERE job_id = $1 AND attempt = $2 AND stage = 'approve' AND status = 'finished'
                    """,
                    [job.id.rawValue, attempt], as: Int64.self) ?? now
            try tx.execute(
                """
                INSERT INTO merge_queue (job_id, attempt, priority, approved_at, entered_at, status)
                VALUES ($1, $2, $3, $4, $5, 'waiting')
                ON CONFLICT (job_id) DO UPDATE SET attempt = excluded.attempt, priority = excluded.priority,
                    approved_at = excluded.approved_at, entered_at = excluded.entered_at, status = 'waiting',
                    candidate_tree = NULL, test_started_at = NULL
                """,
                [job.id.rawValue, attempt, job.priority.rawValue, approved, now])
            try PostgresStore.appendBead(
                tx, jobID: job.id, kind: .queueEntered, stage: .merge,
                message: "entered the merge queue (\(job.priority))",
                metadata: ["attempt": String(attempt), "priority": job.priority.description])
            return (PostgresStore.date(approved), true)
        }
    }

    /// Marks `batch` as the jobs under test on `tree`, and the rest of `ours` (the jobs this
    /// engine's queue holds) as waiting; rows of jobs other engines hold are left alone.
    public func markMergeBatch(_ batch: [JobID], tree: String?, ours: [JobID]) throws {
        try write { tx in
            try tx.execute(
                """
                UPDATE merge_queue SET status = 'waiting', candidate_tree = NULL, test_started_at = NULL
                WHERE job_id = ANY($1::text[]) AND status = 'testing'
                """,
                [ours.map(\.rawValue)])
            guard let tree else { return }
            try tx.execute(
                "UPDATE merge_queue SET status = 'testing', candidate_tree = $1, test_started_at = $2 WHERE job_id = ANY($3::text[])",
                [tree, PostgresStore.millis(Date()), batch.map(\.rawValue)])
        }
    }

    /// Takes a job out of the queue without a decision (cancelled, paused, its stage gave up).
    public func leaveMergeQueue(_ id: JobID) throws {
        try write { tx in try tx.execute("DELETE FROM merge_queue WHERE job_id = $1", [id.rawValue]) }
    }

    /// Records a landed batch: one `merge_records` row per job (a job merged before makes the
    /// whole transaction fail: nothing merges twice on the store's side either) and the jobs
    /// leave the queue. Called after the branch moved; git stays the authority, so a crash
    /// before this write is repaired by `recordRecoveredMerge` when the job's merge resumes.
    public func recordLanding(_ landings: [(job: JobID, landing: MergeLanding)]) throws {
        try write { tx in
            let now = PostgresStore.millis(Date())
            for (job, landing) in landings {
                try tx.execute(
                    """
                    INSERT INTO merge_records (job_id, merge_commit, job_commit, candidate_tree, previous_tip, new_tip, merged_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    """,
                    [
                        job.rawValue, landing.mergeCommit, landing.jobCommit, landing.candidateTree,
                        landing.previousTip, landing.newTip, now,
                    ])
                try tx.execute("DELETE FROM merge_queue WHERE job_id = $1", [job.rawValue])
            }
        }
    }

    /// A merge git already has (found on the branch after a crash) that the store has not
    /// recorded yet; a record already there is kept as it is.
    public func recordRecoveredMerge(_ id: JobID, mergeCommit: String, tip: String) throws {
        try write { tx in
            try tx.execute(
                """
                INSERT INTO merge_records (job_id, merge_commit, job_commit, candidate_tree, previous_tip, new_tip, merged_at)
                VALUES ($1, $2, '', '', '', $3, $4) ON CONFLICT DO NOTHING
                """,
                [id.rawValue, mergeCommit, tip, PostgresStore.millis(Date())])
            try tx.execute("DELETE FROM merge_queue WHERE job_id = $1", [id.rawValue])
        }
    }

    /// The merge commit recorded for `id`, if its merge landed.
    public func mergeRecord(_ id: JobID) throws -> String? {
        try read { tx in
            try tx.value(
                "SELECT merge_commit FROM merge_records WHERE job_id = $1", [id.rawValue], as: String.self)
        }
    }

    /// The remembered result of testing `tree` with `command`.
    public func mergeTest(tree: String, command: String) throws -> (passed: Bool, output: String)? {
        try read { tx in
            try tx.row(
                "SELECT passed, output FROM merge_tests WHERE tree = $1 AND command = $2", [tree, command]
            )
            .map { (try $0("passed"), try $0("output")) }
        }
    }

    public func recordMergeTest(tree: String, command: String, passed: Bool, output: String) throws {
        let output = stored(output)
        try write(locking: .none) { tx in
            try tx.execute(
                """
                INSERT INTO merge_tests (tree, command, passed, output, tested_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (tree, command) DO UPDATE SET passed = excluded.passed, output = excluded.output,
                    tested_at = excluded.tested_at
                """,
                [tree, command, passed, output, PostgresStore.millis(Date())])
        }
    }

    /// Sends a job that was waiting in the merge queue back to `implement` with `feedback`
    /// (its patch conflicted or failed the tests on the candidate tree), in one transaction:
    /// out of the queue, the feedback stored, queued for a new attempt. Without attempts
    /// left it stops in `finalState` (`needs_rebase` after a conflict, `failed` after tests).
    /// Returns whether the job was queued again.
    @discardableResult
    public func sendBackFromMergeQueue(_ id: JobID, feedback: String, message: String, finalState: JobState)
        throws
        -> Bool
    {
        let feedback = stored(feedback)
        let message = stored(message)
        return try write { tx in
            let job = try PostgresStore.requireJob(id, in: tx)
            try tx.execute("DELETE FROM merge_queue WHERE job_id = $1", [id.rawValue])
            let retry = AttemptPolicy.hasAttemptLeft(job)
            if job.state == .running {
                try PostgresStore.transition(tx, id, to: .merging, message: "merging")
            }
            try PostgresStore.transition(
                tx, id, to: retry ? .queued : finalState,
                message: retry
                    ? "\(message); back to implement on the new tip" : "\(message); no attempts left")
            try PostgresStore.clearLease(id, in: tx)
            try tx.execute(
                "UPDATE jobs SET feedback = $1, operator_patch = NULL WHERE id = $2", [feedback, id.rawValue])
            return retry
        }
    }

    /// The queue as stored: approved jobs still merging, in queue order, with the batch under
    /// test. What `pilothouse queue` shows, from any process.
    public func mergeQueueStatus(batchSize: Int) throws -> MergeQueueStatus {
        try read { tx in
            let rows = try tx.rows(
                """
                SELECT q.job_id, q.priority, q.approved_at, q.status, q.candidate_tree, q.test_started_at, j.title
                FROM merge_queue q JOIN jobs j ON j.id = q.job_id
                WHERE j.state IN ('merging', 'running')
                ORDER BY q.priority, q.approved_at, q.job_id
                """)
            var status = MergeQueueStatus(batchSize: batchSize)
            for row in rows {
                guard let id = JobID(try row("job_id", as: String.self)) else { continue }
                let testing = try row("status", as: String.self) == "testing"
                status.entries.append(
                    MergeQueueStatus.Entry(
                        jobID: id, title: try row("title"),
                        priority: Priority(rawValue: try row("priority", as: Int.self)) ?? .p2,
                        approvedAt: PostgresStore.date(try row("approved_at")), testing: testing))
                if testing {
                    status.candidateTree = try row("candidate_tree")
                    status.testingSince = try row("test_started_at", as: Int64?.self).map(PostgresStore.date)
                }
            }
            return status
        }
    }
}
