import Foundation
import PilothouseCore

/// The operator's decisions on a waiting patch. Each re-checks the job's state inside its own
/// transaction, so a decision racing another process's change loses cleanly instead of
/// overwriting it.
public protocol DecisionStore: Sendable {
    @discardableResult
    func recordApproval(_ id: JobID, stage: StageName, attempt: Int, by who: String, hunks: [Int]?) throws
        -> Bead

    @discardableResult
    func approve(
        _ id: JobID, stage: StageName, attempt: Int, by who: String, hunks: [Int]?, owner: String?,
        leaseUntil: Date?
    ) throws -> Job

    @discardableResult
    func reject(_ id: JobID, reason: String, policy: RejectPolicy, comments: [LineComment]) throws -> Bool

    /// Replaces a waiting patch with the operator's edit: the edit becomes the job's operator
    /// patch and the job is queued for a new attempt, which applies it to a fresh worktree and
    /// runs check, review and test on it before it can wait for approval again.
    func editPatch(_ id: JobID, diff: Data, stats: DiffStats) throws
}

/// The requirements with their usual arguments filled in (a protocol requirement has no
/// default arguments).
extension DecisionStore {
    @discardableResult
    public func approve(
        _ id: JobID, stage: StageName, attempt: Int, by who: String, hunks: [Int]?, leaseUntil: Date?
    ) throws -> Job {
        try approve(
            id, stage: stage, attempt: attempt, by: who, hunks: hunks, owner: nil, leaseUntil: leaseUntil)
    }

    @discardableResult
    public func approve(
        _ id: JobID, stage: StageName, attempt: Int, by who: String, hunks: [Int]?, owner: String?
    ) throws -> Job {
        try approve(id, stage: stage, attempt: attempt, by: who, hunks: hunks, owner: owner, leaseUntil: nil)
    }

    @discardableResult
    public func approve(_ id: JobID, stage: StageName, attempt: Int, by who: String, hunks: [Int]?) throws
        -> Job
    {
        try approve(id, stage: stage, attempt: attempt, by: who, hunks: hunks, owner: nil, leaseUntil: nil)
    }

    @discardableResult
    public func reject(_ id: JobID, reason: String, policy: RejectPolicy) throws -> Bool {
        try reject(id, reason: reason, policy: policy, comments: [])
    }
}
