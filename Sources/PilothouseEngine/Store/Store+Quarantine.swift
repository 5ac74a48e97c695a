import Foundation
import GRDB
import PilothouseCore

extension Store {
    /// Puts a record into quarantine; its job (if any) moves to `quarantined` in the same
    /// transaction, so a record is never in quarantine while its job still runs. Returns the
    /// record as stored (secrets redacted).
    @discardableResult
    public func quarantine(_ record: QuarantineRecord) throws -> QuarantineRecord {
        let record = stored.record(record)
        return try write { db in
            try Store.quarantine(record, in: db)
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
                Store.quarantineRecord(from:))
        }
    }

    /// Finds a record by full id or an unambiguous prefix / suffix.
    public func resolveQuarantineRecord(_ text: String) throws -> QuarantineRecord {
        switch try resolve(text, in: "quarantine", decode: Store.quarantineRecord(from:)) {
        case .found(let record): return record
        case .none, .ambiguous: throw StoreError.unknownQuarantineRecord(text)
        }
    }

    /// Drops a record for good, leaving a bead that says who dropped what and why; a job still
    /// quarantined by it ends `failed` in the same transaction, since nothing is left to
    /// release. The one implementation behind the console's drop and `quarantine rm`.
    @discardableResult
    public func dropQuarantineRecord(_ id: JobID, reason: String = "dropped by operator") throws
        -> QuarantineRecord
    {
        let reason = stored(reason)
        return try write { db in
            let record = try Row.fetchOne(
                db, sql: "SELECT * FROM quarantine WHERE id = ?", arguments: [id.rawValue]
            )
            .flatMap(Store.quarantineRecord(from:))
            guard let record else { throw StoreError.unknownQuarantineRecord(id.rawValue) }
            try db.execute(sql: "DELETE FROM quarantine WHERE id = ?", arguments: [id.rawValue])
            try Store.appendBead(
                db, jobID: record.jobID, kind: .quarantineDropped, message: reason,
                metadata: ["record": record.id.rawValue, "reason": record.reason.rawValue])
            if let jobID = record.jobID,
                try String.fetchOne(
                    db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [jobID.rawValue])
                    == JobState.quarantined.rawValue
            {
                try Store.transition(db, jobID, to: .failed, message: "dropped from quarantine: \(reason)")
                try Store.clearLease(jobID, in: db)
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
