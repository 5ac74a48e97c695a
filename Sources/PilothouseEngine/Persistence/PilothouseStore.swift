import Foundation
import PilothouseCore

/// Everything the engine, the operations layer and the commands need from durable storage.
///
/// The engine compiles against these protocols alone; each backend (`PilothouseSQLiteStore`,
/// one day PostgreSQL) lives in its own target, and the executable picks one. Every backend
/// passes the same contract suite (`Tests/PilothouseEngineTests/StoreContract/`).
///
/// Each narrow protocol is one concept of the store; a component that needs only one of them
/// (the gateway: ledger and cache) can ask for only that one.
public protocol PilothouseStore:
    JobStore, DecisionStore, LeaseStore, BeadStore, LedgerStore, ResponseCacheStore, QuarantineStore,
    MergeQueueStore, StageResultStore, RunStore, RetentionStore, EngineRegistryStore, ScheduleStore,
    OutboxStore, StoreHealth
{
    /// Applied to every operator- or model-supplied text before it is written (see
    /// `StoredText`): the configuration's redactor, so its extra patterns hold in every
    /// backend alike.
    var stored: StoredText { get }

    /// The changes other processes commit, pushed; nil when this backend cannot push them
    /// (the default) and consumers poll.
    var changeFeed: (any StoreChangeFeed)? { get }
}

extension PilothouseStore {
    /// What an operator needs to decide on a waiting job: its patch and the evidence of its
    /// stages. `nil` unless the job is waiting for approval.
    public func approvalRequest(for job: Job) throws -> ApprovalRequest? {
        guard job.state == .awaitingApproval else { return nil }
        let evidence = StageEvidence(try finishedStages(job.id, attempt: job.attempts).values)
        return ApprovalRequest(
            jobID: job.id, attempt: job.attempts, title: job.title,
            diff: try latestPatch(job.id)?.diff ?? Data(),
            review: evidence.review, tests: evidence.tests, policyFlags: evidence.policyFlags,
            requestedAt: job.updatedAt)
    }
}

/// What the gateway writes: the ledger and budgets, the response cache, transcripts.
public typealias GatewayStore = LedgerStore & ResponseCacheStore & StageResultStore
