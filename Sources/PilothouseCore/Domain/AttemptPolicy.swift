import Foundation

/// The rules about a job's attempts that every store backend applies inside its own
/// transactions: when a claim counts an attempt, what becomes of a job whose engine died,
/// and whether a job sent back gets another try.
///
/// They live here, not in a backend's SQL, so SQLite and PostgreSQL cannot disagree about
/// them: a backend reads the facts (the job, how often its merge was taken over) under its
/// lock, asks this type, and writes the answer.
public enum AttemptPolicy {
    /// A claim counts an attempt, but never past the cap: a job queued with its attempts spent
    /// (the extra claim of a job that may have merged, a released quarantine record) runs
    /// again under its last one. Returns the job's attempts after the claim, and whether it
    /// runs again under an attempt already counted.
    public static func claim(_ job: Job) -> (attempts: Int, again: Bool) {
        let again = job.attempts >= job.maxAttempts && job.maxAttempts > 0
        return (again ? job.attempts : job.attempts + 1, again)
    }

    /// Whether a job that used `job.attempts` may try once more.
    public static func hasAttemptLeft(_ job: Job) -> Bool { job.attempts < job.maxAttempts }

    /// What becomes of a running job whose engine stopped renewing its lease.
    public enum Reclaim: Equatable, Sendable {
        /// Back to the queue: it has attempts left, or it died in its merge on its last one
        /// and may well be merged already (its next claim asks git first).
        case requeue
        /// Out of attempts: a job that crashes its engine every time cannot loop for ever.
        case quarantine(QuarantineRecord)
    }

    /// Decides a reclaimed job's fate. `mergeTakeovers`: how often an engine already took
    /// over its merge under this attempt (a merge that died once more is not given another).
    public static func reclaim(_ job: Job, mergeTakeovers: Int, now: Date) -> Reclaim {
        let mayBeMerged =
            job.attempts == job.maxAttempts && job.currentStage == .merge && mergeTakeovers == 0
        guard job.attempts >= job.maxAttempts, !mayBeMerged else { return .requeue }
        let during = job.currentStage?.rawValue ?? job.state.rawValue
        return .quarantine(
            QuarantineRecord(
                jobID: job.id, reason: .maxAttempts,
                message:
                    "out of attempts (\(job.attempts)/\(job.maxAttempts)) after its engine stopped during \(during)",
                payload:
                    "last state: \(job.state.rawValue)\nlast stage: \(job.currentStage?.rawValue ?? "-")",
                createdAt: now))
    }

    /// An approved merge whose engine died: taken over again, or, once it has been taken over
    /// `maxAttempts` times, quarantined for the operator to look at the integration branch.
    public static func orphanedMerge(_ job: Job, takeovers: Int, now: Date) -> QuarantineRecord? {
        guard takeovers >= job.maxAttempts else { return nil }
        return QuarantineRecord(
            jobID: job.id, reason: .maxAttempts,
            message: "its merge was interrupted \(takeovers) times; check the integration branch",
            payload: "last state: merging", createdAt: now)
    }

    /// Whether a rejected patch goes back to `implement`: the policy says so, the operator
    /// said why (a reason or line comments to work from), and an attempt is left.
    public static func retriesAfterRejection(_ job: Job, policy: RejectPolicy, hasFeedback: Bool) -> Bool {
        policy == .retryWithFeedback && hasFeedback && hasAttemptLeft(job)
    }
}
