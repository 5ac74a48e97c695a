import Foundation
import PilothouseCore
import PilothouseEngine

/// A job's way through its states after intake: each change is one transaction with its bead.
extension PostgresStore {
    /// The operator's rejection reason waiting for the job's next `implement`.
    public func feedback(_ id: JobID) throws -> String? {
        try read { tx in
            try tx.value("SELECT feedback FROM jobs WHERE id = $1", [id.rawValue], as: String.self)
        }
    }

    /// Ends a job's run in `state` (releasing its lease) with a bead saying why.
    public func finishRun(_ id: JobID, to state: JobState, message: String) throws {
        let message = stored(message)
        try write { tx in
            try PostgresStore.transition(tx, id, to: state, message: message)
            try PostgresStore.clearLease(id, in: tx)
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
        try write { tx in
            if try PostgresStore.state(of: id, in: tx) == JobState.running.rawValue {
                try PostgresStore.transition(tx, id, to: .merging, message: "merging")
            }
            try PostgresStore.transition(tx, id, to: state, message: message)
            try PostgresStore.clearLease(id, in: tx)
        }
    }

    @discardableResult
    public func moveJob(
        _ id: JobID, from allowed: Set<JobState>, to next: JobState, message: String, resetAttempts: Bool
    ) throws -> Job {
        let message = stored(message)
        return try write { tx in
            let current = try PostgresStore.requireJob(id, in: tx)
            guard allowed.contains(current.state) else {
                throw StoreError.stateChanged(job: id.short, now: current.state)
            }
            try PostgresStore.transition(tx, id, to: next, message: message)
            try PostgresStore.clearLease(id, in: tx)
            if resetAttempts { try PostgresStore.resetAttempts(id, in: tx) }
            try tx.flush()
            return try PostgresStore.requireJob(id, in: tx)
        }
    }

    /// Puts a job back in the queue; an operator's retry gives it a fresh set of attempts.
    public func requeue(_ id: JobID, resetAttempts: Bool, message: String) throws {
        let message = stored(message)
        try write { tx in
            try PostgresStore.transition(tx, id, to: .queued, message: message)
            try PostgresStore.clearLease(id, in: tx)
            if resetAttempts { try PostgresStore.resetAttempts(id, in: tx) }
        }
    }

    /// Queues a job again and gives back the attempt its claim counted: the job did not
    /// fail (its models were unavailable, the engine was interrupted). The next claim counts
    /// the same attempt again and resumes it: stages it finished are not run twice.
    public func requeueRefundingAttempt(_ id: JobID, message: String) throws {
        let message = stored(message)
        try write { tx in
            try PostgresStore.transition(tx, id, to: .queued, message: message)
            try PostgresStore.clearLease(id, in: tx)
            try tx.execute(
                "UPDATE jobs SET resume_attempt = attempts, attempts = GREATEST(0, attempts - 1) WHERE id = $1",
                [id.rawValue])
        }
    }

    /// The attempt a refunded job resumes, when it was given back by `requeueRefundingAttempt`.
    public func resumeAttempt(_ id: JobID) throws -> Int? {
        try read { tx in
            try tx.value("SELECT resume_attempt FROM jobs WHERE id = $1", [id.rawValue], as: Int.self)
        }
    }

    /// An operator's retry: the job starts over with all its attempts, and forgets the attempt
    /// an interruption had set to resume, so no stage result of the old attempts is reused.
    /// The one place every retry (of a job, of a quarantine record) resets attempts.
    static func resetAttempts(_ id: JobID, in tx: PostgresTransaction) throws {
        try tx.execute("UPDATE jobs SET attempts = 0, resume_attempt = NULL WHERE id = $1", [id.rawValue])
    }

    /// The state machine step shared by every engine write: update the row, append the bead.
    /// The row is locked for the rest of the transaction, so its state cannot change between
    /// the check and the update.
    @discardableResult
    static func transition(_ tx: PostgresTransaction, _ id: JobID, to next: JobState, message: String) throws
        -> Job
    {
        guard
            var job = try tx.row("SELECT * FROM jobs WHERE id = $1 FOR UPDATE", [id.rawValue]).map(job(from:))
        else { throw StoreError.unknownJob(id.rawValue) }
        let previous = job.state
        do throws(JobStateError) {
            try job.transition(to: next)
        } catch {
            throw StoreError.illegalTransition(job: id.short, error.description)
        }
        try tx.execute(
            "UPDATE jobs SET state = $1, updated_at = $2 WHERE id = $3",
            [next.rawValue, millis(job.updatedAt), id.rawValue])
        try appendBead(
            tx, jobID: id, kind: .stateChanged, stage: job.currentStage, message: message,
            metadata: ["from": previous.rawValue, "to": next.rawValue], at: job.updatedAt)
        return job
    }
}
