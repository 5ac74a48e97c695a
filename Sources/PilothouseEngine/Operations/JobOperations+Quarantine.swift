import Foundation
import PilothouseCore

/// Release, retry and drop of quarantine records: one implementation behind the console's
/// `r`/`R`/`d` and `pilothouse quarantine retry`/`rm`.
extension JobOperations {
    /// Settles a record and queues its job again if the record still holds it; `resetAttempts`
    /// (a retry) gives the job fresh attempts, and a `note` becomes feedback for its next prompt.
    /// `record` is the record's id or an unambiguous part of it.
    @discardableResult
    public func releaseQuarantine(_ record: String, resetAttempts: Bool, note: String? = nil) throws
        -> QuarantineSettlement
    {
        let found = try store.resolveQuarantineRecord(record)
        let before = try found.jobID.flatMap { try store.job($0) }
        let noted = try store.releaseQuarantineRecord(found.id, resetAttempts: resetAttempts, note: note)
        let after = try found.jobID.flatMap { try store.job($0) }
        return QuarantineSettlement(
            record: found, job: after,
            requeued: before?.state == .quarantined && after?.state == .queued, noted: noted)
    }

    /// Drops a record for good with the operator's reason; a job it still holds ends `failed`.
    @discardableResult
    public func dropQuarantine(_ record: String, reason: String) throws -> QuarantineSettlement {
        let dropped = try store.dropQuarantineRecord(store.resolveQuarantineRecord(record).id, reason: reason)
        return QuarantineSettlement(
            record: dropped, job: try dropped.jobID.flatMap { try store.job($0) }, requeued: false,
            noted: false)
    }
}
