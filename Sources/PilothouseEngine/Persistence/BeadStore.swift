import Foundation
import PilothouseCore

/// The audit chain: beads appended in one total order, each hashing its predecessor, so any
/// edit or gap is found by `verifyBeads`.
public protocol BeadStore: Sendable {
    @discardableResult
    func appendBead(
        jobID: JobID?, kind: BeadKind, stage: StageName?, message: String, metadata: [String: String]
    ) throws -> Bead

    /// Beads in chain order, optionally of one job.
    func beads(jobID: JobID?, limit: Int?) throws -> [Bead]

    /// Walks the entire chain and reports the first break, if any; with a `checkpoint`, also
    /// whether the chain still extends it.
    func verifyBeads(against checkpoint: BeadChainCheckpoint?) throws -> BeadChainReport

    /// The checkpoint of the chain as it is now, to keep outside the database. Issued only for
    /// a chain that verifies: a checkpoint of a tampered chain would vouch for the tampering.
    func beadCheckpoint() throws -> BeadChainCheckpoint

    /// Beads appended after `seq`, in order.
    func beads(after seq: Int64, limit: Int) throws -> [Bead]

    /// The newest `limit` beads, oldest first.
    func recentBeads(limit: Int) throws -> [Bead]

    func lastBeadSeq() throws -> Int64
}

/// The requirements with their usual arguments filled in (a protocol requirement has no
/// default arguments).
extension BeadStore {
    @discardableResult
    public func appendBead(jobID: JobID?, kind: BeadKind, message: String, metadata: [String: String]) throws
        -> Bead
    {
        try appendBead(jobID: jobID, kind: kind, stage: nil, message: message, metadata: metadata)
    }

    @discardableResult
    public func appendBead(jobID: JobID?, kind: BeadKind, stage: StageName?, message: String) throws -> Bead {
        try appendBead(jobID: jobID, kind: kind, stage: stage, message: message, metadata: [:])
    }

    @discardableResult
    public func appendBead(jobID: JobID?, kind: BeadKind, message: String) throws -> Bead {
        try appendBead(jobID: jobID, kind: kind, stage: nil, message: message, metadata: [:])
    }

    public func beads(limit: Int?) throws -> [Bead] {
        try beads(jobID: nil, limit: limit)
    }

    public func beads(jobID: JobID?) throws -> [Bead] {
        try beads(jobID: jobID, limit: nil)
    }

    public func beads() throws -> [Bead] {
        try beads(jobID: nil, limit: nil)
    }

    public func verifyBeads() throws -> BeadChainReport {
        try verifyBeads(against: nil)
    }

    public func beads(after seq: Int64) throws -> [Bead] {
        try beads(after: seq, limit: 10_000)
    }
}
