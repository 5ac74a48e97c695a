import Foundation
import PilothouseCore

/// Quarantine: records of jobs or inputs set aside for an operator, and their settlement.
public protocol QuarantineStore: Sendable {
    @discardableResult
    func quarantine(_ record: QuarantineRecord) throws -> QuarantineRecord

    func quarantineRecords() throws -> [QuarantineRecord]

    /// Finds a record by full id or an unambiguous prefix / suffix.
    func resolveQuarantineRecord(_ text: String) throws -> QuarantineRecord

    @discardableResult
    func dropQuarantineRecord(_ id: JobID, reason: String) throws -> QuarantineRecord

    @discardableResult
    func quarantine(_ record: QuarantineRecord, clearingLease: Bool) throws -> QuarantineRecord

    @discardableResult
    func releaseQuarantineRecord(_ recordID: JobID, resetAttempts: Bool, note: String?) throws -> Bool

    /// Requeues a quarantined job with fresh attempts and settles every quarantine record it
    /// has, in one transaction: the operator retried the job itself, and a record left behind
    /// would stay in the quarantine list for a job that runs again (and releasing it later
    /// would count as a second retry). Returns the records settled.
    func retryQuarantinedJob(_ id: JobID) throws -> [QuarantineRecord]
}

/// The requirements with their usual arguments filled in (a protocol requirement has no
/// default arguments).
extension QuarantineStore {
    @discardableResult
    public func dropQuarantineRecord(_ id: JobID) throws -> QuarantineRecord {
        try dropQuarantineRecord(id, reason: "dropped by operator")
    }

    @discardableResult
    public func releaseQuarantineRecord(_ recordID: JobID, resetAttempts: Bool) throws -> Bool {
        try releaseQuarantineRecord(recordID, resetAttempts: resetAttempts, note: nil)
    }
}
