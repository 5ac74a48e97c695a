import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Puts a record into quarantine; its job (if any) moves to `quarantined` in the same
    /// transaction, so a record is never in quarantine while its job still runs. Returns the
    /// record as stored (secrets redacted).
    @discardableResult
    public func quarantine(_ record: QuarantineRecord) throws -> QuarantineRecord {
        let record = stored.record(record)
        return try write { db in
            try SQLiteStore.quarantine(record, in: db)
            return record
        }
    }

    static func quarantine(_ record: QuarantineRecord, in db: Database) throws {
        try db.execute(
            sql:
                "INSERT INTO quarantine (id, job_id, reason, message, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                record.id.rawValue, record.jobID?.rawValue, record.reason.rawValue, record.message,
                record.payload,
                millis(record.createdAt),
            ])
        if let jobID = record.jobID,
            let stateText = try String.fetchOne(
                db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [jobID.rawValue]),
            let state = JobState(rawValue: stateText), state != .quarantined,
            JobStateMachine.canTransition(from: state, to: .quarantined)
        {
            try db.execute(
                sql: "UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?",
                arguments: [JobState.quarantined.rawValue, millis(record.createdAt), jobID.rawValue])
        }
        try appendBead(
            db, jobID: record.jobID, kind: .quarantined, message: record.message,
            metadata: ["record": record.id.rawValue, "reason": record.reason.rawValue], at: record.createdAt)
    }

    public func quarantineRecords() throws -> [QuarantineRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM quarantine ORDER BY created_at, id").compactMap(
                SQLiteStore.quarantineRecord(from:))
        }
    }

    /// Finds a record by full id or an unambiguous prefix / suffix.
    public func resolveQuarantineRecord(_ text: String) throws -> QuarantineRecord {
        switch try resolve(text, in: "quarantine", decode: SQLiteStore.quarantineRecord(from:)) {
        case .found(let record): return record
        case .none, .ambiguous: throw StoreError.unknownQuarantineRecord(text)
        }
    }

    /// Drops a record for good, leaving a bead that says who dropped what and why; a job still
    /// quarantined by it ends `failed` in the same transaction, since nothing is left to
    /// release. The one implementation behind the console's drop and `quarantine rm`.
    @discardableResult
    public func dropQuarantineRecord(_ id: JobID, reason: String) throws
        -> QuarantineRecord
    {
        let reason = stored(reason)
        return try write { db in
            let record = try Row.fetchOne(
                db, sql: "SELECT * FROM quarantine WHERE id = ?", arguments: [id.rawValue]
            )
            .flatMap(SQLiteStore.quarantineRecord(from:))
            guard let record else { throw StoreError.unknownQuarantineRecord(id.rawValue) }
            try db.execute(sql: "DELETE FROM quarantine WHERE id = ?", arguments: [id.rawValue])
            try SQLiteStore.appendBead(
                db, jobID: record.jobID, kind: .quarantineDropped, message: reason,
                metadata: ["record": record.id.rawValue, "reason": record.reason.rawValue])
            if let jobID = record.jobID,
                try String.fetchOne(
                    db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [jobID.rawValue])
                    == JobState.quarantined.rawValue
            {
                try SQLiteStore.transition(
                    db, jobID, to: .failed, message: "dropped from quarantine: \(reason)")
                try SQLiteStore.clearLease(jobID, in: db)
            }
            return record
        }
    }

    static func quarantineRecord(from row: Row) -> QuarantineRecord? {
        guard let id = JobID(row["id"] as String) else { return nil }
        let job: String? = row["job_id"]
        return QuarantineRecord(
            id: id, jobID: job.flatMap(JobID.init),
            reason: QuarantineReason(rawValue: row["reason"]) ?? .stageFailed,
            message: row["message"], payload: row["payload"], createdAt: date(row["created_at"]))
    }
}

extension SQLiteStore {
    /// Quarantines a job's record and releases its lease in one transaction.
    @discardableResult
    public func quarantine(_ record: QuarantineRecord, clearingLease: Bool) throws -> QuarantineRecord {
        let record = stored.record(record)
        return try write { db in
            try SQLiteStore.quarantine(record, in: db)
            if clearingLease, let jobID = record.jobID { try SQLiteStore.clearLease(jobID, in: db) }
            return record
        }
    }

    /// Lets a quarantined job run again and removes its record. A `note` (the operator's words
    /// for the model, from `R` in the console or `quarantine retry --note`) becomes the job's
    /// feedback, which the next `implement` prompt quotes as it quotes a reject reason, and is
    /// kept on the release bead. Returns whether a note was kept for the job.
    @discardableResult
    public func releaseQuarantineRecord(_ recordID: JobID, resetAttempts: Bool, note: String?) throws
        -> Bool
    {
        let note = note.map { stored($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        return try write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM quarantine WHERE id = ?", arguments: [recordID.rawValue]),
                let record = SQLiteStore.quarantineRecord(from: row)
            else { throw StoreError.unknownQuarantineRecord(recordID.rawValue) }
            try SQLiteStore.settle(
                record, message: resetAttempts ? "retried by operator" : "released by operator",
                note: note, in: db)
            guard let jobID = record.jobID,
                let state = try String.fetchOne(
                    db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [jobID.rawValue]),
                state == JobState.quarantined.rawValue
            else { return false }
            try SQLiteStore.transition(db, jobID, to: .queued, message: "released from quarantine")
            if resetAttempts { try SQLiteStore.resetAttempts(jobID, in: db) }
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
            let current = try SQLiteStore.requireJob(id, in: db)
            guard current.state == .quarantined else {
                throw StoreError.stateChanged(job: id.short, now: current.state)
            }
            let records = try Row.fetchAll(
                db, sql: "SELECT * FROM quarantine WHERE job_id = ? ORDER BY id", arguments: [id.rawValue]
            ).compactMap(SQLiteStore.quarantineRecord(from:))
            for record in records { try SQLiteStore.settle(record, message: "retried by operator", in: db) }
            try SQLiteStore.transition(db, id, to: .queued, message: "retried by operator")
            try SQLiteStore.clearLease(id, in: db)
            try SQLiteStore.resetAttempts(id, in: db)
            return records
        }
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
        try SQLiteStore.appendBead(
            db, jobID: record.jobID, kind: .quarantineReleased, message: message, metadata: metadata)
    }
}
