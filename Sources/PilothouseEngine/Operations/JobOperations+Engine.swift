import Foundation
import PilothouseCore

/// The engine's own changes of job state: claiming work, taking back work whose engine died,
/// and settling where a job goes after its run. They are here, beside the operator's
/// commands, so that every change of a job's state goes through one layer, whichever process
/// or backend makes it.
extension JobOperations {
    // MARK: claims

    /// Claims the next queued job for `owner` (highest priority, then oldest), counting an
    /// attempt (`AttemptPolicy.claim`).
    public func claimNext(owner: String, leaseUntil: Date, excluding: Set<JobID>) throws -> Job? {
        try store.claimNextJob(owner: owner, leaseUntil: leaseUntil, excluding: excluding)
    }

    /// Approved merges whose engine died, taken over under `owner`'s lease.
    public func takeOverOrphanedMerges(owner: String, leaseUntil: Date) throws -> [Job] {
        try store.claimOrphanedMerges(owner: owner, leaseUntil: leaseUntil)
    }

    /// Jobs whose engine stopped renewing their lease (another engine's, or, with no `owner`,
    /// anyone's): queued again or quarantined, as `AttemptPolicy.reclaim` decides.
    public func reclaimExpired(sparing owner: String?) throws -> (requeued: [Job], quarantined: [Job]) {
        try store.reclaimExpiredLeases(sparing: owner)
    }

    // MARK: settling a run

    /// Writes where `job` goes after its run ended with `outcome`, with its bead, and says
    /// what was written.
    public func settle(_ job: Job, _ outcome: PipelineOutcome) throws -> Settlement {
        let id = job.id
        switch outcome {
        case .awaitingApproval:
            try store.finishRun(id, to: .awaitingApproval, message: "patch waiting for approval")
            return .awaitingApproval
        case .merged:
            try store.finishMerged(id)
            return .merged
        case .completed:
            try store.finishRun(
                id, to: .completed, message: "all stages finished; the pipeline has no merge stage")
            return .completed
        case .cancelled:
            // Cancellation comes from an operator command or shutdown, which already wrote
            // the job's next state; a shutdown leaves the lease to expire.
            return .untouched
        case .interrupted(let next):
            let names = next.map(\.rawValue).joined(separator: ", ")
            return try settleInterrupted(id, message: "run interrupted before \(names)")
        case .failure(let stage, let failure):
            return try settleFailure(job, stage: stage, failure: failure)
        }
    }

    private func settleFailure(_ job: Job, stage: StageName, failure: StageFailure) throws -> Settlement {
        let id = job.id
        switch failure {
        case .quarantine(let reason, let message, let payload):
            let record = QuarantineRecord(
                jobID: id, reason: reason, message: "\(stage): \(message)", payload: payload)
            return .quarantined(try store.quarantine(record, clearingLease: true))
        case .budgetHold(let scope, _):
            try store.finishRun(id, to: .budgetHold, message: failure.description)
            return .budgetHold(scope: scope)
        case .needsRebase(let message):
            try store.finishMerge(id, to: .needsRebase, message: message)
            return .needsRebase
        case .sentBack(let back):
            // Out of attempts, a conflict waits for the operator in `needs_rebase`; a patch
            // that keeps failing on the candidate tree fails.
            let final: JobState = back.reason == .conflict ? .needsRebase : .failed
            let retried = try store.sendBackFromMergeQueue(
                id, feedback: back.feedback, message: "merge queue: \(back.message)", finalState: final)
            return retried ? .retrying : final == .failed ? .failed : .needsRebase
        case .modelUnavailable(let message):
            try store.requeueRefundingAttempt(id, message: "\(stage) waits for a model: \(message)")
            return .waitingForModel
        case .storageFull(let message):
            try store.requeueRefundingAttempt(
                id,
                message:
                    "\(stage) could not write to disk (\(message)); queued again without spending an attempt")
            return .storageFull(message)
        case .cancelled:
            // An operator's cancel or pause cancels the task, which never gets here; a stage
            // that gave up on its own (its model call was cancelled) is an ordinary failure
            // worth another attempt, never a job left `running`.
            return try settleFailure(job, stage: stage, failure: .retryable("\(stage) was cancelled"))
        case .retryable(let message), .fatal(let message):
            if AttemptPolicy.hasAttemptLeft(job), case .retryable = failure {
                try store.finishRun(id, to: .queued, message: "\(stage) failed (\(message)); trying again")
                return .retrying
            }
            try store.finishRun(id, to: .failed, message: "\(stage) failed: \(message)")
            return .failed
        }
    }

    /// A run that stopped without the job being at fault (SIGINT/SIGTERM) gives the job back
    /// at once rather than leaving it to its lease, and refunds the attempt its claim counted,
    /// so an interrupted last attempt is not claimed as "attempt 4/3". An approved job stays
    /// `merging` for the next engine to take over: the approval stands.
    private func settleInterrupted(_ id: JobID, message: String) throws -> Settlement {
        switch try store.job(id)?.state {
        case .running:
            try store.requeueRefundingAttempt(id, message: "\(message); queued again")
            return .interrupted
        case .merging:
            try store.releaseLease(id, message: "\(message); the approved merge waits for an engine")
            return .interrupted
        default:
            return .untouched
        }
    }
}
