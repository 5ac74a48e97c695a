import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

/// A job's way through its states after intake: each change is one transaction with its bead.
extension SQLiteStore {
    /// The operator's rejection reason waiting for the job's next `implement`.
    public func feedback(_ id: JobID) throws -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT feedback FROM jobs WHERE id = ?", arguments: [id.rawValue])
        }
    }

    @discardableResult
    public func moveJob(
        _ id: JobID, from allowed: Set<JobState>, to next: JobState, message: String, resetAttempts: Bool
    ) throws -> Job {
        let message = stored(message)
        return try write { db in
            let current = try SQLiteStore.requireJob(id, in: db)
            guard allowed.contains(current.state) else {
                throw StoreError.stateChanged(job: id.short, now: current.state)
            }
            try SQLiteStore.transition(db, id, to: next, message: message)
            try SQLiteStore.clearLease(id, in: db)
            if resetAttempts { try SQLiteStore.resetAttempts(id, in: db) }
            return try SQLiteStore.requireJob(id, in: db)
        }
    }

    /// Ends a job's run in `state` (releasing its lease) with a bead saying why.
    public func finishRun(_ id: JobID, to state: JobState, message: String) throws {
        let message = stored(message)
        try write { db in
            try SQLiteStore.transition(db, id, to: state, message: message)
            try SQLiteStore.clearLease(id, in: db)
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
                try SQLiteStore.transition(db, id, to: .merging, message: "merging")
            }
            try SQLiteStore.transition(db, id, to: state, message: message)
            try SQLiteStore.clearLease(id, in: db)
        }
    }

    /// Puts a job back in the queue; an operator's retry gives it a fresh set of attempts.
    public func requeue(_ id: JobID, resetAttempts: Bool, message: String) throws {
        let message = stored(message)
        try write { db in
            try SQLiteStore.transition(db, id, to: .queued, message: message)
            try SQLiteStore.clearLease(id, in: db)
            if resetAttempts { try SQLiteStore.resetAttempts(id, in: db) }
        }
    }

    /// Queues a job again and gives back the attempt its claim counted: the job did not
    /// fail (its models were unavailable, the engine was interrupted). The next claim counts
    /// the same attempt again and resumes it: stages it finished are not run twice.
    public func requeueRefundingAttempt(_ id: JobID, message: String) throws {
        let message = stored(message)
        try write { db in
            try SQLiteStore.transition(db, id, to: .queued, message: message)
            try SQLiteStore.clearLease(id, in: db)
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

    /// An operator's retry: the job starts over with all its attempts, and forgets the attempt
    /// an interruption had set to resume, so no stage result of the old attempts is reused.
    /// The one place every retry (of a job, of a quarantine record) resets attempts.
    static func resetAttempts(_ id: JobID, in db: Database) throws {
        try db.execute(
            sql: "UPDATE jobs SET attempts = 0, resume_attempt = NULL WHERE id = ?", arguments: [id.rawValue])
    }

    /// The state machine step shared by every engine write: update the row, append the bead.
    @discardableResult
    static func transition(_ db: Database, _ id: JobID, to next: JobState, message: String) throws -> Job {
        guard
            var job = try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id.rawValue])
                .map(SQLiteStore.job(from:))
        else { throw StoreError.unknownJob(id.rawValue) }
        let previous = job.state
        do throws(JobStateError) {
            try job.transition(to: next)
        } catch {
            throw StoreError.illegalTransition(job: id.short, error.description)
        }
        try db.execute(
            sql: "UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?",
            arguments: [next.rawValue, SQLiteStore.millis(job.updatedAt), id.rawValue])
        try SQLiteStore.appendBead(
            db, jobID: id, kind: .stateChanged, stage: job.currentStage, message: message,
            metadata: ["from": previous.rawValue, "to": next.rawValue], at: job.updatedAt)
        return job
    }
}
