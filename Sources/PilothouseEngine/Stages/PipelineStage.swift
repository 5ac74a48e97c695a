import Foundation
import PilothouseCore

/// One step of a job's pipeline. Implementations are constructed with what they need
/// (gateway, workspace) and registered by kind; the engine only sees this protocol.
///
/// A stage must honour task cancellation promptly: the watchdog cancels it at its
/// deadline, and a stage that runs processes must kill their process group when cancelled.
public protocol PipelineStage: Sendable {
    func run(_ context: StageContext) async throws(StageFailure) -> StageOutput

    /// The output of this stage when an earlier attempt of `job` already had its lasting
    /// effect before its engine died (a merge that landed on the integration branch just
    /// before a SIGKILL), so a new attempt ends the job instead of doing the work again.
    func completedEarlier(_ job: Job) async -> StageOutput?
}

extension PipelineStage {
    public func completedEarlier(_ job: Job) async -> StageOutput? { nil }
}

/// Everything a stage may read about its job, and the narrow ways it may write back.
public struct StageContext: Sendable {
    public var job: Job
    public var attempt: Int
    public var spec: PipelineTemplate.StageSpec
    /// Outputs of the stages this job already finished in this attempt.
    public var outputs: [StageName: StageOutput]
    /// The operator's reason from a rejection, fed back to `implement` on the next attempt.
    public var feedback: String?
    /// Hunk indices the operator approved, when only part of the patch was approved.
    public var approvedHunks: [Int]?
    /// A ready patch the operator submitted (`enqueue --patch`); `implement` applies it
    /// instead of asking a model.
    public var operatorPatch: Data?
    public var repositoryRoot: String
    public var services: StageServices

    public init(
        job: Job, attempt: Int, spec: PipelineTemplate.StageSpec, outputs: [StageName: StageOutput],
        feedback: String?,
        approvedHunks: [Int]?, operatorPatch: Data? = nil, repositoryRoot: String, services: StageServices
    ) {
        self.job = job
        self.attempt = attempt
        self.spec = spec
        self.outputs = outputs
        self.feedback = feedback
        self.approvedHunks = approvedHunks
        self.operatorPatch = operatorPatch
        self.repositoryRoot = repositoryRoot
        self.services = services
    }
}

/// The engine-side operations a stage may use; each is one store transaction.
public struct StageServices: Sendable {
    public var models: any ModelClient
    /// Appends a bead for this job and stage (e.g. `model_called`).
    public var recordBead:
        @Sendable (_ kind: BeadKind, _ message: String, _ metadata: [String: String]) async -> Void
    /// Stores the attempt's canonical patch.
    public var savePatch: @Sendable (_ patch: Patch) async throws -> Void
    /// The newest stored patch of the job, if any.
    public var latestPatch: @Sendable () async throws -> Patch?
    /// Removes secrets from text before it is persisted or shown (quarantine payloads, logs).
    public var redact: @Sendable (String) -> String

    public init(
        models: any ModelClient,
        recordBead: @escaping @Sendable (BeadKind, String, [String: String]) async -> Void,
        savePatch: @escaping @Sendable (Patch) async throws -> Void,
        latestPatch: @escaping @Sendable () async throws -> Patch?,
        redact: @escaping @Sendable (String) -> String = { $0 }
    ) {
        self.models = models
        self.recordBead = recordBead
        self.savePatch = savePatch
        self.latestPatch = latestPatch
        self.redact = redact
    }
}

/// How a stage failed, which decides what happens to the job next.
public enum StageFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Worth another try of this stage (up to the template's `max_retries`).
    case retryable(String)
    /// The job cannot succeed this way; it fails (or retries the whole job per template).
    case fatal(String)
    /// Must not proceed and must not be lost: the job goes to quarantine with this record.
    case quarantine(QuarantineReason, message: String, payload: String)
    /// An enforced budget cannot cover the stage; the job waits in `budget_hold`.
    case budgetHold(scope: String, message: String = "")
    /// The merge conflicts with the integration branch.
    case needsRebase(String)
    /// The merge queue returned the approved job (its patch conflicts with the new tip, or the
    /// candidate tree failed the tests): it goes back to `implement` with the feedback.
    case sentBack(MergeSendBack)
    /// Every model the stage may use is unavailable (circuits open): the job waits in the
    /// queue without spending an attempt, since nothing about it was wrong.
    case modelUnavailable(String)
    /// The disk under the repository or the store is full: the job waits in the queue without
    /// spending an attempt, and the engine pauses claims until space may be back.
    case storageFull(String)
    case cancelled

    public var description: String {
        switch self {
        case .retryable(let message), .fatal(let message), .needsRebase(let message),
            .modelUnavailable(let message), .storageFull(let message):
            message
        case .quarantine(let reason, let message, _): "\(reason): \(message)"
        case .sentBack(let back): back.message
        case .budgetHold(let scope, let message):
            message.isEmpty
                ? "waiting for the \(scope) budget" : "waiting for the \(scope) budget: \(message)"
        case .cancelled: "cancelled"
        }
    }

    /// This failure, or `.storageFull` when what it reports is a full disk (a git or test
    /// command that could not write). Model answers and policy findings are never
    /// reinterpreted: only failures that come from running tools.
    public var classifyingStorageFaults: StageFailure {
        switch self {
        case .retryable(let message), .fatal(let message), .needsRebase(let message):
            StorageFault.matches(message) ? .storageFull(message) : self
        case .quarantine(.patchDoesNotApply, let message, _):
            StorageFault.matches(message) ? .storageFull(message) : self
        default: self
        }
    }

    /// Maps a model call failure to what the engine should do with the stage.
    public init(_ error: ModelClientError) {
        switch error {
        case .budgetExceeded(let scope, _, let detail): self = .budgetHold(scope: scope, message: detail)
        case .exhausted: self = .retryable(error.description)
        case .circuitOpen: self = .modelUnavailable(error.description)
        case .permanent, .unknownModel, .rateLimited: self = .fatal(error.description)
        case .contextTooLarge(_, let overflow, _):
            self = .quarantine(
                .contextTooLarge, message: error.description,
                payload: "requested_tokens=\(overflow.requested.map(String.init) ?? "unknown") "
                    + "context_window=\(overflow.limit.map(String.init) ?? "unknown")")
        case .cancelled: self = .cancelled
        }
    }
}
