import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

/// The merge queue's rows (see `SQLiteStoreSchema.registerMergeQueue`): each write is one
/// transaction, and the ones that end a job's wait change the job in the same transaction.
extension SQLiteStore {
    /// Puts an approved job in the merge queue, or finds it there after a restart (then it is
    /// waiting again: a batch test that was running died with its engine). The approval time
    /// is the approval's own, so a restart does not send the job to the back of the queue.
    /// Returns when the job was approved, and whether it entered just now.
    public func enterMergeQueue(_ job: Job, attempt: Int) throws -> (approvedAt: Date, entered: Bool) {
        try write { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT attempt, approved_at FROM merge_queue WHERE job_id = ?",
                arguments: [job.id.rawValue]),
                (row["attempt"] as Int) == attempt
            {
                try db.execute(
                    sql:
                        "UPDATE merge_queue SET status = 'waiting', candidate_tree = NULL, test_started_at = NULL WHERE job_id = ?",
                    arguments: [job.id.rawValue])
                return (SQLiteStore.date(row["approved_at"]), false)
            }
            // Rows of jobs that left `merging` another way (cancelled, failed) go with the next entry.
            try db.execute(
                sql:
                    "DELETE FROM merge_queue WHERE job_id IN (SELECT id FROM jobs WHERE state NOT IN ('merging', 'running'))"
            )
            let now = SQLiteStore.millis(Date())
            let approved =
                try Int64.fetchOne(
                    db,
                    sql:
                        "SELECT MAX(finished_at) FROM stage_results WHERE job_id = ? AND attempt = ? AND stage = 'approve' AND status = 'finished'",
                    arguments: [job.id.rawValue, attempt]) ?? now
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO merge_queue (job_id, attempt, priority, approved_at, entered_at, status)
                    VALUES (?, ?, ?, ?, ?, 'waiting')
                    """,
                arguments: [job.id.rawValue, attempt, job.priority.rawValue, approved, now])
            try SQLiteStore.appendBead(
                db, jobID: job.id, kind: .queueEntered, stage: .merge,
                message: "entered the merge queue (\(job.priority))",
                metadata: ["attempt": String(attempt), "priority": job.priority.description])
            return (SQLiteStore.date(approved), true)
        }
    }

    /// Marks `batch` as the jobs under test on `tree`, and the rest of `ours` (the jobs this
    /// engine's queue holds) as waiting; rows of jobs other engines hold are left alone.
    public func markMergeBatch(_ batch: [JobID], tree: String?, ours: [JobID]) throws {
        try write { db in
            for id in ours {
                try db.execute(
                    sql: """
                        UPDATE merge_queue SET status = 'waiting', candidate_tree = NULL, test_started_at = NULL
                        WHERE job_id = ? AND status = 'testing'
                        """,
                    arguments: [id.rawValue])
            }
            guard let tree else { return }
            let now = SQLiteStore.millis(Date())
            for id in batch {
                try db.execute(
                    sql:
                        "UPDATE merge_queue SET status = 'testing', candidate_tree = ?, test_started_at = ? WHERE job_id = ?",
                    arguments: [tree, now, id.rawValue])
            }
        }
    }

    /// Takes a job out of the queue without a decision (cancelled, paused, its stage gave up).
    public func leaveMergeQueue(_ id: JobID) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM merge_queue WHERE job_id = ?", arguments: [id.rawValue])
        }
    }

    /// Records a landed batch: one `merge_records` row per job (a job merged before makes the
    /// whole transaction fail: nothing merges twice on the store's side either) and the jobs
    /// leave the queue. Called after the branch moved; git stays the authority, so a crash
    /// before this write is repaired by `recordRecoveredMerge` when the job's merge resumes.
    public func recordLanding(_ landings: [(job: JobID, landing: MergeLanding)]) throws {
        try write { db in
            let now = SQLiteStore.millis(Date())
            for (job, landing) in landings {
                try db.execute(
                    sql: """
                        INSERT INTO merge_records (job_id, merge_commit, job_commit, candidate_tree, previous_tip, new_tip, merged_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        job.rawValue, landing.mergeCommit, landing.jobCommit, landing.candidateTree,
                        landing.previousTip, landing.newTip, now,
                    ])
                try db.execute(sql: "DELETE FROM merge_queue WHERE job_id = ?", arguments: [job.rawValue])
            }
        }
    }

    /// A merge git already has (found on the branch after a crash) that the store has not
    /// recorded yet; a record already there is kept as it is.
    public func recordRecoveredMerge(_ id: JobID, mergeCommit: String, tip: String) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO merge_records (job_id, merge_commit, job_commit, candidate_tree, previous_tip, new_tip, merged_at)
                    VALUES (?, ?, '', '', '', ?, ?)
                    """,
                arguments: [id.rawValue, mergeCommit, tip, SQLiteStore.millis(Date())])
            try db.execute(sql: "DELETE FROM merge_queue WHERE job_id = ?", arguments: [id.rawValue])
        }
    }

    /// The merge commit recorded for `id`, if its merge landed.
    public func mergeRecord(_ id: JobID) throws -> String? {
        try read { db in
            try String.fetchOne(
                db, sql: "SELECT merge_commit FROM merge_records WHERE job_id = ?", arguments: [id.rawValue])
        }
    }

    /// The remembered result of testing `tree` with `command`.
    public func mergeTest(tree: String, command: String) throws -> (passed: Bool, output: String)? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT passed, output FROM merge_tests WHERE tree = ? AND command = ?",
                arguments: [tree, command]
            ).map { (($0["passed"] as Int) != 0, $0["output"]) }
        }
    }

    public func recordMergeTest(tree: String, command: String, passed: Bool, output: String) throws {
        let output = stored(output)
        try write { db in
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO merge_tests (tree, command, passed, output, tested_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [tree, command, passed ? 1 : 0, output, SQLiteStore.millis(Date())])
        }
    }

    /// Sends a job that was waiting in the merge queue back to `implement` with `feedback`
    /// (its patch conflicted or failed the tests on the candidate tree), in one transaction:
    /// out of the queue, the feedback stored, queued for a new attempt. Without attempts
    /// left it stops in `finalState` (`needs_rebase` after a conflict, `failed` after tests).
    /// Returns whether the job was queued again.
    @discardableResult
    public func sendBackFromMergeQueue(_ id: JobID, feedback: String, message: String, finalState: JobState)
        throws -> Bool
    {
        let feedback = stored(feedback)
        let message = stored(message)
        return try write { db in
            let job = try SQLiteStore.requireJob(id, in: db)
            try db.execute(sql: "DELETE FROM merge_queue WHERE job_id = ?", arguments: [id.rawValue])
            let retry = AttemptPolicy.hasAttemptLeft(job)
            if job.state == .running {
                try SQLiteStore.transition(db, id, to: .merging, message: "merging")
            }
            try SQLiteStore.transition(
                db, id, to: retry ? .queued : finalState,
                message: retry
                    ? "\(message); back to implement on the new tip" : "\(message); no attempts left")
            try SQLiteStore.clearLease(id, in: db)
            try db.execute(
                sql: "UPDATE jobs SET feedback = ?, operator_patch = NULL WHERE id = ?",
                arguments: [feedback, id.rawValue])
            return retry
        }
    }

    /// The queue as stored: approved jobs still merging, in queue order, with the batch under
    /// test. What `pilothouse queue` shows, from any process.
    public func mergeQueueStatus(batchSize: Int) throws -> MergeQueueStatus {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT q.job_id, q.priority, q.approved_at, q.status, q.candidate_tree, q.test_started_at, j.title
                    FROM merge_queue q JOIN jobs j ON j.id = q.job_id
                    WHERE j.state IN ('merging', 'running')
                    ORDER BY q.priority, q.approved_at, q.job_id
                    """)
            var status = MergeQueueStatus(batchSize: batchSize)
            for row in rows {
                guard let id = JobID(row["job_id"] as String) else { continue }
                let testing = (row["status"] as String) == "testing"
                status.entries.append(
                    MergeQueueStatus.Entry(
                        jobID: id, title: row["title"], priority: Priority(rawValue: row["priority"]) ?? .p2,
                        approvedAt: SQLiteStore.date(row["approved_at"]), testing: testing))
                if testing {
                    status.candidateTree = row["candidate_tree"]
                    status.testingSince = (row["test_started_at"] as Int64?).map(SQLiteStore.date)
                }
            }
            return status
        }
    }
}
