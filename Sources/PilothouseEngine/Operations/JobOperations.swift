import Foundation
import PilothouseCore

/// The one implementation of every operator command on a job: approve, reject, edit, retry,
/// cancel, pause, resume, enqueue and import here and in its extensions; release, retry and
/// drop of quarantine records in `JobOperations+Quarantine`.
///
/// The console reaches it through `Engine.send`, the command line calls it directly, so both
/// refuse the same commands with the same reasons and leave the same state and beads. It
/// decides *whether* a command applies (the operator's rules: what may be retried, paused,
/// approved); the store writes the change and its bead in one transaction. What only a
/// running engine can do (stop a stage's task, start a merge, publish events) stays in the
/// engine, around these calls.
public struct JobOperations: Sendable {
    public let store: any PilothouseStore
    /// The pipeline in force: its `approve` stage is the gate an approval is recorded on.
    public let template: PipelineTemplate
    /// `[approval] on_reject`: whether a reason sends the job round again.
    public let onReject: RejectPolicy
    /// `[limits]`: how large a goal `enqueue` accepts.
    public let limits: InputLimits

    public init(
        store: any PilothouseStore, template: PipelineTemplate, onReject: RejectPolicy,
        limits: InputLimits = InputLimits()
    ) {
        self.store = store
        self.template = template
        self.onReject = onReject
        self.limits = limits
    }

    /// The operations as a repository's configuration sets them, for callers without an
    /// engine (the command line, the MCP server).
    public init(store: any PilothouseStore, config: PilothouseConfig) {
        self.init(
            store: store, template: config.engine.pipeline, onReject: config.engine.engine.onReject,
            limits: config.limits)
    }

    /// States an operator's retry revives: the ones a job does not leave by itself.
    public static let retryable: Set<JobState> = [
        .failed, .rejected, .cancelled, .quarantined, .needsRebase, .budgetHold,
    ]
    /// States an operator may pause: a job that is waiting to run, running, or waiting for them.
    public static let pausable: Set<JobState> = [.queued, .running, .awaitingApproval]

    // MARK: approval

    /// Approves a waiting patch (all of it, or the chosen hunks) and moves the job to
    /// `merging`. With an `owner` (an engine holding the lease) the caller merges at once;
    /// without, the job waits for an engine to take the merge over.
    @discardableResult
    public func approve(
        _ id: JobID, hunks: [Int]?, by who: String, owner: String? = nil, leaseUntil: Date? = nil
    ) throws -> Job {
        let job = try waitingForApproval(id)
        guard let gate = template.stages.first(where: { $0.kind == "approve" }) else {
            throw OperationRefusal(
                "the pipeline has no approve stage, so \(id.short) cannot be approved; reject it, or add an approve stage to the pipeline"
            )
        }
        return try store.approve(
            job.id, stage: gate.name, attempt: job.attempts, by: who, hunks: hunks, owner: owner,
            leaseUntil: leaseUntil)
    }

    /// Rejects a waiting patch as `[approval] on_reject` says; returns whether the job will
    /// try again with the reason (and comments) as feedback.
    @discardableResult
    public func reject(_ id: JobID, reason: String, comments: [LineComment] = []) throws -> Bool {
        let job = try waitingForApproval(id)
        return try store.reject(job.id, reason: reason, policy: onReject, comments: comments)
    }

    /// Takes the operator's edit of a waiting patch: refused unless it parses and changes
    /// something, so a slip in the editor costs nothing; otherwise the job runs again with it.
    public func editPatch(_ id: JobID, diff: Data) throws {
        let job = try requireJob(id)
        guard job.state == .awaitingApproval else {
            throw OperationRefusal(
                "\(id.short) is \(job.state), not waiting for approval; the edit was not used")
        }
        let parsed: UnifiedDiff
        do {
            parsed = try UnifiedDiff(parsing: diff)
        } catch {
            throw OperationRefusal(
                "the edited patch of \(id.short) does not parse (\(error)); the job still waits",
                kind: .invalidInput)
        }
        guard !parsed.files.isEmpty else {
            throw OperationRefusal(
                "the edited patch of \(id.short) is empty; reject the job instead", kind: .invalidInput)
        }
        try store.editPatch(id, diff: diff, stats: parsed.stats)
    }

    // MARK: a job's life

    /// Queues a stuck job again with fresh attempts; a quarantined one also has every record
    /// it holds settled. Returns the records settled.
    ///
    /// Every command here checks the state it reads first (to refuse with a clear message, and
    /// before `stopping` runs), and the store checks it again inside its write: another engine
    /// may have claimed or ended the job in between.
    @discardableResult
    public func retry(_ id: JobID) throws -> [QuarantineRecord] {
        let refusal = { (state: JobState) in
            OperationRefusal(
                "\(id.short) is \(state); only failed, rejected, cancelled, quarantined or held jobs can be retried"
            )
        }
        let job = try requireJob(id)
        guard Self.retryable.contains(job.state) else { throw refusal(job.state) }
        return try refusing(refusal) {
            if job.state == .quarantined { return try store.retryQuarantinedJob(id) }
            try store.moveJob(
                id, from: Self.retryable.subtracting([.quarantined]), to: .queued,
                message: "retried by operator",
                resetAttempts: true)
            return []
        }
    }

    /// Cancels a job that has not ended. `stopping` runs once the command is known to apply and
    /// before the state changes: an engine stops the job's running stage there.
    public func cancel(_ id: JobID, stopping: () -> Void = {}) throws {
        let refusal = { (state: JobState) in OperationRefusal("\(id.short) is already \(state)") }
        let job = try requireJob(id)
        guard !job.state.isTerminal else { throw refusal(job.state) }
        stopping()
        try refusing(refusal) {
            try store.moveJob(
                id, from: Set(JobState.allCases.filter { !$0.isTerminal }), to: .cancelled,
                message: "cancelled by operator", resetAttempts: false)
        }
    }

    /// Pauses a queued, running or waiting job; `stopping` as for `cancel`.
    public func pause(_ id: JobID, stopping: () -> Void = {}) throws {
        let refusal = { (state: JobState) in
            OperationRefusal("\(id.short) is \(state); only queued, running or waiting jobs can be paused")
        }
        let job = try requireJob(id)
        guard Self.pausable.contains(job.state) else { throw refusal(job.state) }
        stopping()
        try refusing(refusal) {
            try store.moveJob(
                id, from: Self.pausable, to: .paused, message: "paused by operator", resetAttempts: false)
        }
    }

    /// Queues a paused job again, keeping the attempts it has used.
    public func resume(_ id: JobID) throws {
        let refusal = { (state: JobState) in OperationRefusal("\(id.short) is \(state), not paused") }
        let job = try requireJob(id)
        guard job.state == .paused else { throw refusal(job.state) }
        try refusing(refusal) {
            try store.moveJob(
                id, from: [.paused], to: .queued, message: "resumed by operator", resetAttempts: false)
        }
    }

    // MARK: helpers

    /// Runs a store write whose own state check may find the job moved on since it was read,
    /// and turns that into the same refusal the first check gives.
    @discardableResult
    private func refusing<T>(_ refusal: (JobState) -> OperationRefusal, _ write: () throws -> T) throws -> T {
        do {
            return try write()
        } catch StoreError.stateChanged(_, let now) {
            throw refusal(now)
        }
    }

    func requireJob(_ id: JobID) throws -> Job {
        guard let job = try store.job(id) else { throw StoreError.unknownJob(id.rawValue) }
        return job
    }

    private func waitingForApproval(_ id: JobID) throws -> Job {
        let job = try requireJob(id)
        guard job.state == .awaitingApproval else {
            throw OperationRefusal("\(id.short) is \(job.state), not waiting for approval")
        }
        return job
    }
}
