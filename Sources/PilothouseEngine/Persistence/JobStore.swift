import Foundation
import PilothouseCore

/// Jobs: intake, queries and the way a job moves through its states after intake. Every change
/// of state is one transaction together with the bead that records it.
public protocol JobStore: Sendable {
    @discardableResult
    func enqueue(_ job: Job, operatorPatch: Data?) throws -> Job

    /// The patch an operator submitted with the job, if any.
    func operatorPatch(_ id: JobID) throws -> Data?

    /// Jobs ordered as the scheduler takes them: priority first, then age.
    func jobs(state: JobState?) throws -> [Job]

    func job(_ id: JobID) throws -> Job?

    /// Finds a job by its full id or by an unambiguous prefix or suffix, as operators type them.
    func resolveJob(_ text: String) throws -> Job

    @discardableResult
    func transition(_ id: JobID, to next: JobState, stage: StageName?, message: String?) throws -> Job

    /// Counts of jobs per state, for `status` and the gauges.
    func jobCounts() throws -> [JobState: Int]

    /// The operator's rejection reason waiting for the job's next `implement`.
    func feedback(_ id: JobID) throws -> String?

    /// Moves a job to `next` only if, inside the transaction, it is in one of `allowed`:
    /// releases its lease, resets its attempts when asked, and appends the bead. An operator's
    /// command checks the state it saw when it started; between that read and this write
    /// another engine may have claimed, approved or ended the job, and the state machine alone
    /// would let a running job be queued twice. Throws `StoreError.stateChanged` then, and
    /// changes nothing.
    @discardableResult
    func moveJob(
        _ id: JobID, from allowed: Set<JobState>, to next: JobState, message: String, resetAttempts: Bool
    ) throws -> Job

    /// Ends a job's run in `state` (releasing its lease) with a bead saying why.
    func finishRun(_ id: JobID, to state: JobState, message: String) throws

    /// Ends a job as merged; a job that never stopped at a gate passes through `merging`,
    /// so its history reads the same as an operator-approved one.
    func finishMerged(_ id: JobID) throws

    /// Ends a job's merge stage in `state` (`merged`, or `needs_rebase` after a conflict),
    /// releasing its lease. Under auto-approve the merge ran while the job was still
    /// `running`: it passes through `merging` first, as every merge does.
    func finishMerge(_ id: JobID, to state: JobState, message: String) throws

    /// Puts a job back in the queue; an operator's retry gives it a fresh set of attempts.
    func requeue(_ id: JobID, resetAttempts: Bool, message: String) throws

    /// Queues a job again and gives back the attempt its claim counted: the job did not
    /// fail (its models were unavailable, the engine was interrupted). The next claim counts
    /// the same attempt again and resumes it: stages it finished are not run twice.
    func requeueRefundingAttempt(_ id: JobID, message: String) throws

    /// The attempt a refunded job resumes, when it was given back by `requeueRefundingAttempt`.
    func resumeAttempt(_ id: JobID) throws -> Int?

    /// What the job view and a quarantine record's view show on request (`JobDetail`): the
    /// job's transcripts and CLI agents' output, its newest patch (redacted), its stage
    /// history and, in `needs_rebase`, its conflict. One read transaction, so they agree.
    func jobDetail(_ id: JobID) throws -> JobDetail

    /// Creates a job per new plan item and updates queued jobs whose item changed, all in
    /// one transaction: a plan is imported entirely or not at all.
    ///
    /// Identity is the plan path plus the item's anchor, so importing the same plan again
    /// adds nothing.
    func importPlan(_ items: [PlanItem], plan: String, maxAttempts: Int, now: Date) throws
        -> PlanImportSummary
}

/// The requirements with their usual arguments filled in (a protocol requirement has no
/// default arguments).
extension JobStore {
    @discardableResult
    public func enqueue(_ job: Job) throws -> Job {
        try enqueue(job, operatorPatch: nil)
    }

    public func jobs() throws -> [Job] {
        try jobs(state: nil)
    }

    @discardableResult
    public func transition(_ id: JobID, to next: JobState, message: String?) throws -> Job {
        try transition(id, to: next, stage: nil, message: message)
    }

    @discardableResult
    public func transition(_ id: JobID, to next: JobState, stage: StageName?) throws -> Job {
        try transition(id, to: next, stage: stage, message: nil)
    }

    @discardableResult
    public func transition(_ id: JobID, to next: JobState) throws -> Job {
        try transition(id, to: next, stage: nil, message: nil)
    }

    public func importPlan(_ items: [PlanItem], plan: String, maxAttempts: Int) throws -> PlanImportSummary {
        try importPlan(items, plan: plan, maxAttempts: maxAttempts, now: Date())
    }
}
