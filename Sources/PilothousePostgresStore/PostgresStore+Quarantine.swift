import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// Puts a record into quarantine; its job (if any) moves to `quarantined` in the same
    /// transaction, so a record is never in quarantine while its job still runs. Returns the
    /// record as stored (secrets redacted).
    @discardableResult
    public func quarantine(_ record: QuarantineRecord) throws -> QuarantineRecord {
        try quarantine(record, clearingLease: false)
    }

    /// Quarantines a job's record and, with `clearingLease`, releases its lease, in one
    /// transaction.
    @discardableResult
    public func quarantine(_ record: QuarantineRecord, clearingLease: Bool) throws -> QuarantineRecord {
        let record = stored.record(record)
        return try write { tx in
            try PostgresStore.quarantine(record, in: tx)
            if clearingLease, let jobID = record.jobID { try PostgresStore.clearLease(jobID, in: tx) }
            return record
        }
    }

    static func quarantine(_ record: QuarantineRecord, in tx: PostgresTransaction) throws {
        try tx.execute(
            "INSERT INTO quarantine (id, job_id, reason, message, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            [
                record.id.rawValue, record.jobID?.rawValue, record.reason.rawValue, record.message,
                record.payload,
                millis(record.createdAt),
            ])
        if let jobID = record.jobID,
            let state = try tx.value(
                "SELECT state FROM jobs WHERE id = $1 FOR UPDATE", [jobID.rawValue], as: String.self
            )
            .flatMap(JobState.init(rawValue:)),
            state != .quarantined, JobStateMachine.canTransition(from: state, to: .quarantined)
        {
            try tx.execute(
                "UPDATE jobs SET state = $1, updated_at = $2 WHERE id = $3",
                [JobState.quarantined.rawValue, millis(record.createdAt), jobID.rawValue])
        }
        try appendBead(
            tx, jobID: record.jobID, kind: .quarantined, message: record.message,
            metadata: ["record": record.id.rawValue, "reason": record.reason.rawValue], at: record.createdAt)
    }

    public func quarantineRecords() throws -> [QuarantineRecord] {
        try read { tx in
            try tx.rows("SELECT * FROM quarantine ORDER BY created_at, id").compactMap(
                PostgresStore.quarantineRecord(from:))
        }
    }

    /// Finds a record by full id or an unambiguous prefix / suffix.
    public func resolveQuarantineRecord(_ text: String) throws -> QuarantineRecord {
        switch try resolve(text, in: "quarantine", decode: PostgresStore.quarantineRecord(from:)) {
        case .found(let record): return record
        case .none, .ambiguous: throw StoreError.unknownQuarantineRecord(text)
        }
    }

    /// Drops a record for good, leaving a bead that says who dropped what and why; a job still
    /// quarantined by it ends `failed` in the same transaction, since nothing is left to
    /// release. The one implementation behind the console's drop and `quarantine rm`.
    @discardableResult
    public func dropQuarantineRecord(_ id: JobID, reason: String) throws -> QuarantineRecord {
        let reason = stored(reason)
        return try write { tx in
            guard let record = try PostgresStore.lockedRecord(id, in: tx) else {
                throw StoreError.unknownQuarantineRecord(id.rawValue)
            }
            try tx.execute("DELETE FROM quarantine WHERE id = $1", [id.rawValue])
            try PostgresStore.appendBead(
                tx, jobID: record.jobID, kind: .quarantineDropped, message: reason,
                metadata: ["record": record.id.rawValue, "reason": record.reason.rawValue])
            if let jobID = record.jobID,
                try PostgresStore.state(of: jobID, in: tx) == JobState.quarantined.rawValue
            {
                try PostgresStore.transition(
                    tx, jobID, to: .failed, message: "dropped from quarantine: \(reason)")
                try PostgresStore.clearLease(jobID, in: tx)
            }
            return record
        }
    }

    /// The record, locked for the rest of the transaction: two operators settling it at once
    /// settle it once.
    private static func lockedRecord(_ id: JobID, in tx: PostgresTransaction) throws -> QuarantineRecord? {
        try tx.row("SELECT * FROM quarantine WHERE id = $1 FOR UPDATE", [id.rawValue]).flatMap(
            quarantineRecord(from:))
    }

    static func quarantineRecord(from row: PostgresStoreRow) throws -> QuarantineRecord? {
        guard let id = JobID(try row("id", as: String.self)) else { return nil }
        let job: String? = try row("job_id")
        return QuarantineRecord(
            id: id, jobID: job.flatMap(JobID.init),
            reason: QuarantineReason(rawValue: try row("reason")) ?? .stageFailed,
            message: try row("message"), payload: try row("payload"), createdAt: date(try row("created_at")))
    }

    /// Lets a quarantined job run again and removes its record. A `note` (the operator's words
    /// for the model, from `R` in the console or `quarantine retry --note`) becomes the job's
    /// feedback, which the next `implement` prompt quotes as it quotes a reject reason, and is
    /// kept on the release bead. Returns whether a note was kept for the job.
    @discardableResult
    public func releaseQuarantineRecord(_ recordID: JobID, resetAttempts: Bool, note: String?) throws -> Bool
    {
        let note = note.map { stored($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        return try write { tx in
            guard let record = try PostgresStore.lockedRecord(recordID, in: tx) else {
                throw StoreError.unknownQuarantineRecord(recordID.rawValue)
            }
            try PostgresStore.settle(
                record, message: resetAttempts ? "retried by operator" : "released by operator", note: note,
                in: tx)
            guard let jobID = record.jobID,
                try PostgresStore.state(of: jobID, in: tx) == JobState.quarantined.rawValue
            else { return false }
            try PostgresStore.transition(tx, jobID, to: .queued, message: "released from quarantine")
            if resetAttempts { try PostgresStore.resetAttempts(jobID, in: tx) }
            guard !note.isEmpty else { return false }
            try tx.execute(
                "UPDATE jobs SET feedback = $1, operator_patch = NULL WHERE id = $2",
                [ReviewFeedback.text(reason: note, comments: []), jobID.rawValue])
            return true
        }
    }

    /// Requeues a quarantined job with fresh attempts and settles every quarantine record it
    /// has, in one transaction: the operator retried the job itself, and a record left behind
    /// would stay in the quarantine list for a job that runs again (and releasing it later
    /// would count as a second retry). Returns the records settled.
    public func retryQuarantinedJob(_ id: JobID) throws -> [QuarantineRecord] {
        try write { tx in
            let current = try PostgresStore.requireJob(id, in: tx)
            guard current.state == .quarantined else {
                throw StoreError.stateChanged(job: id.short, now: current.state)
            }
            let records = try tx.rows(
                "SELECT * FROM quarantine WHERE job_id = $1 ORDER BY id FOR UPDATE", [id.rawValue]
            )
            .compactMap(PostgresStore.quarantineRecord(from:))
            for record in records { try PostgresStore.settle(record, message: "retried by operator", in: tx) }
            try PostgresStore.transition(tx, id, to: .queued, message: "retried by operator")
            try PostgresStore.clearLease(id, in: tx)
            try PostgresStore.resetAttempts(id, in: tx)
            return records
        }
    }

    /// Removes a record that was released or retried, leaving the bead that says so.
    private static func settle(
        _ record: QuarantineRecord, message: String, note: String = "", in tx: PostgresTransaction
    ) throws {
        try tx.execute("DELETE FROM quarantine WHERE id = $1", [record.id.rawValue])
        var metadata = ["record": record.id.rawValue, "reason": record.reason.rawValue]
        if !note.isEmpty { metadata["note"] = note }
        try appendBead(
            tx, jobID: record.jobID, kind: .quarantineReleased, message: message, metadata: metadata)
    }
}
