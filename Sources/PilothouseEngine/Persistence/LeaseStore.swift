import Foundation
import PilothouseCore

/// Claims and leases: which engine runs which job until when. A claim is atomic across every
/// process sharing the store, so no job is ever run by two engines at once.
public protocol LeaseStore: Sendable {
    /// Claims the next queued job for `owner`: the highest priority, then the oldest.
    ///
    /// One IMMEDIATE transaction reads and claims, so two engines never take the same job.
    /// The attempt is counted here, at the claim, which is what makes crashes count: a job
    /// whose process died mid-stage comes back with one attempt used.
    func claimNextJob(owner: String, leaseUntil: Date, excluding: Set<JobID>, holder: LeaseHolder) throws
        -> Job?

    /// Whether any queued job other than `excluding` exists (a cheap read before a claim).
    func hasQueuedJobs(excluding: Set<JobID>) throws -> Bool

    /// Extends the leases of the jobs `owner` is working on, and returns those of them it must
    /// stop: cancelled or paused by an operator in another process (a CLI command, another
    /// engine's console), or claimed by another engine after this one's lease lapsed. An
    /// engine hears of such changes only here, so a heartbeat is also the stop signal.
    @discardableResult
    func renewLeases(owner: String, jobs: [JobID], until: Date) throws -> [JobID]

    /// Gives up this engine's claim on a job without changing its state (an approved merge
    /// the next engine takes over), with a bead saying why.
    func releaseLease(_ id: JobID, message: String) throws

    /// Jobs running or merging under a lease that `owner` does not hold.
    func jobsHeld(notBy owner: String) throws -> [HeldJob]

    /// Takes over approved jobs whose merge was interrupted (the engine died in `merging`,
    /// or `pilothouse approve` approved them while no engine ran). The operator's decision
    /// stands: they resume at the merge, which is idempotent, under `owner`'s lease. One
    /// that keeps dying there is quarantined after `max_attempts` takeovers.
    func claimOrphanedMerges(owner: String, leaseUntil: Date, now: Date, holder: LeaseHolder) throws -> [Job]

    /// Hunks the operator approved, when the approval was partial.
    func approvedHunks(_ id: JobID) throws -> [Int]?

    /// Takes back jobs whose owner stopped renewing (crashed, killed, lost power).
    ///
    /// A job with attempts left is queued again; one out of attempts is quarantined with
    /// `max_attempts`, so a job that crashes its engine every time cannot loop forever.
    /// A running engine passes its own `owner`: its jobs are alive even if a busy moment
    /// delayed a heartbeat, and only another engine may declare them lost.
    func reclaimExpiredLeases(now: Date, sparing owner: String?) throws -> (
        requeued: [Job], quarantined: [Job]
    )
}

/// The requirements with their usual arguments filled in (a protocol requirement has no
/// default arguments).
extension LeaseStore {
    public func claimNextJob(owner: String, leaseUntil: Date, holder: LeaseHolder) throws -> Job? {
        try claimNextJob(owner: owner, leaseUntil: leaseUntil, excluding: [], holder: holder)
    }

    public func claimNextJob(owner: String, leaseUntil: Date, excluding: Set<JobID>) throws -> Job? {
        try claimNextJob(owner: owner, leaseUntil: leaseUntil, excluding: excluding, holder: .current)
    }

    public func claimNextJob(owner: String, leaseUntil: Date) throws -> Job? {
        try claimNextJob(owner: owner, leaseUntil: leaseUntil, excluding: [], holder: .current)
    }

    public func hasQueuedJobs() throws -> Bool {
        try hasQueuedJobs(excluding: [])
    }

    public func claimOrphanedMerges(owner: String, leaseUntil: Date, holder: LeaseHolder) throws -> [Job] {
        try claimOrphanedMerges(owner: owner, leaseUntil: leaseUntil, now: Date(), holder: holder)
    }

    public func claimOrphanedMerges(owner: String, leaseUntil: Date, now: Date) throws -> [Job] {
        try claimOrphanedMerges(owner: owner, leaseUntil: leaseUntil, now: now, holder: .current)
    }

    public func claimOrphanedMerges(owner: String, leaseUntil: Date) throws -> [Job] {
        try claimOrphanedMerges(owner: owner, leaseUntil: leaseUntil, now: Date(), holder: .current)
    }

    public func reclaimExpiredLeases(sparing owner: String?) throws -> (requeued: [Job], quarantined: [Job]) {
        try reclaimExpiredLeases(now: Date(), sparing: owner)
    }

    public func reclaimExpiredLeases(now: Date) throws -> (requeued: [Job], quarantined: [Job]) {
        try reclaimExpiredLeases(now: now, sparing: nil)
    }

    public func reclaimExpiredLeases() throws -> (requeued: [Job], quarantined: [Job]) {
        try reclaimExpiredLeases(now: Date(), sparing: nil)
    }
}
