import Foundation
import PilothouseCore

/// How a job's pipeline run ended, as the engine decided it; `JobOperations.settle` writes
/// where the job goes next.
public enum PipelineOutcome: Sendable, Equatable {
    case awaitingApproval
    case merged
    /// Every stage finished and the pipeline has no merge stage.
    case completed
    case failure(StageName, StageFailure)
    /// An operator command or a shutdown stopped the run; whoever stopped it wrote the state.
    case cancelled
    /// The engine was told to stop (SIGINT/SIGTERM) before the job's next stage began.
    case interrupted(next: [StageName])
}

/// What `JobOperations.settle` wrote, for the engine to count and announce.
public enum Settlement: Sendable, Equatable {
    case awaitingApproval
    case merged
    case completed
    /// Queued for another attempt after a failed stage, or back from the merge queue.
    case retrying
    case failed
    case quarantined(QuarantineRecord)
    /// Held for the `scope` budget (`run`, `day` or `job`).
    case budgetHold(scope: String)
    case needsRebase
    /// Queued again without spending an attempt: no model was available.
    case waitingForModel
    /// Queued again without spending an attempt because the disk is full: claims should pause.
    case storageFull(String)
    /// Given back by an interrupted run (queued, or an approved merge left for an engine).
    case interrupted
    /// Nothing written: the run was stopped by whoever wrote the job's state.
    case untouched
}
