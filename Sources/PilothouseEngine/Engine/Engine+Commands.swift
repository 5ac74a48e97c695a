import Foundation
import PilothouseCore

extension Engine {
    /// Carries out an operator's command and reports the outcome (also as an event).
    ///
    /// Commands never throw: a command that cannot apply (wrong state, unknown job) comes
    /// back as a failed outcome with a message for the status line.
    @discardableResult
    public func send(_ command: OperatorCommand) async -> CommandOutcome {
        let outcome: CommandOutcome
        do {
            let message = try await perform(command)
            outcome = CommandOutcome(command: command, succeeded: true, message: message)
        } catch {
            let text = String(describing: error)
            outcome = CommandOutcome(command: command, succeeded: false, message: text)
        }
        publish(.commandCompleted(outcome))
        wake()
        return outcome
    }

    /// The operations layer as this engine's pipeline and policy configure it.
    var operations: JobOperations {
        JobOperations(store: store, template: template, onReject: configuration.onReject)
    }

    /// Carries out a command through `JobOperations` (the one implementation the command line
    /// shares) and adds what only a running engine does: stop a job's task, start a merge,
    /// publish what changed.
    private func perform(_ command: OperatorCommand) async throws -> String {
        switch command {
        case .approve(let id):
            return try approve(id, hunks: nil)
        case .approveHunks(let id, let hunks):
            guard !hunks.isEmpty else {
                throw OperationRefusal("no hunks chosen; mark hunks with space, or press a to approve all")
            }
            return try approve(id, hunks: hunks)
        case .reject(let id, let reason):
            return try reject(id, reason: reason)
        case .rejectWithComments(let id, let reason, let comments):
            return try reject(id, reason: reason, comments: comments)
        case .editPatch(let id, let diff):
            try operations.editPatch(id, diff: diff)
            publish(.approvalResolved(id))
            publishJob(id)
            return "patch of \(id.short) edited; checking and testing it again"
        case .retry(let id):
            for record in try operations.retry(id) { publish(.quarantineRemoved(record.id)) }
            publishJob(id)
            return "\(id.short) queued again"
        case .cancel(let id):
            try operations.cancel(id) { active[id]?.cancel() }
            publishJob(id)
            return "\(id.short) cancelled"
        case .pause(let id):
            try operations.pause(id) { active[id]?.cancel() }
            publishJob(id)
            return "\(id.short) paused"
        case .resume(let id):
            try operations.resume(id)
            publishJob(id)
            return "\(id.short) queued again"
        case .pauseEngine:
            setState(.paused)
            return "engine paused: running stages finish, nothing new starts"
        case .resumeEngine:
            guard state == .paused || state == .budgetStopped else { return "engine is \(state.rawValue)" }
            setState(.running)
            return "engine running"
        case .releaseQuarantine(let recordID):
            return try releaseQuarantine(recordID, resetAttempts: false)
        case .retryQuarantine(let recordID, let note):
            return try releaseQuarantine(recordID, resetAttempts: true, note: note)
        case .dropQuarantine(let recordID, let reason):
            let dropped = try operations.dropQuarantine(recordID.rawValue, reason: reason)
            if let jobID = dropped.record.jobID { publishJob(jobID) }
            publish(.quarantineRemoved(dropped.record.id))
            publishNewBeads()
            return "dropped \(dropped.record.id.short)"
        case .setBudget(let scope, let limit):
            try store.setBudget(scope: scope, key: scope == "run" ? runID.rawValue : "", limit: limit)
            let released = try store.releaseBudgetHolds()
            if state == .budgetStopped {
                summary.budgetStopped = false
                setState(.running)
            }
            for id in released { publishJob(id) }
            return
                "\(scope) budget \(limit.map { "set to \($0)" } ?? "removed"); \(released.count) held job\(released.count == 1 ? "" : "s") resumed"
        }
    }

    private func approve(_ id: JobID, hunks: [Int]?) throws -> String {
        let leaseUntil = Date().addingTimeInterval(configuration.leaseDuration.seconds)
        let merging = try operations.approve(
            id, hunks: hunks, by: "operator", owner: owner, leaseUntil: leaseUntil)
        startMerge(merging, approvedHunks: hunks)
        return hunks.map { "approved \($0.count) hunk\($0.count == 1 ? "" : "s") of \(id.short); merging" }
            ?? "approved \(id.short); merging"
    }

    private func reject(_ id: JobID, reason: String, comments: [LineComment] = []) throws -> String {
        let noted = comments.isEmpty ? "" : " and \(comments.count) comment\(comments.count == 1 ? "" : "s")"
        let retried = try operations.reject(id, reason: reason, comments: comments)
        publish(.approvalResolved(id))
        publishJob(id)
        return retried
            ? "rejected \(id.short); trying again with your reason\(noted) as feedback"
            : "rejected \(id.short)"
    }

    /// Approves a waiting job by the auto-approve rule and starts its merge under this
    /// engine's lease.
    func approveAndMerge(_ job: Job, gate: StageName, by who: String, hunks: [Int]?) throws {
        let leaseUntil = Date().addingTimeInterval(configuration.leaseDuration.seconds)
        let merging = try store.approve(
            job.id, stage: gate, attempt: job.attempts, by: who, hunks: hunks, owner: owner,
            leaseUntil: leaseUntil)
        startMerge(merging, approvedHunks: hunks)
    }

    /// Announces an approved job and runs its merge.
    private func startMerge(_ merging: Job, approvedHunks hunks: [Int]?) {
        publish(.approvalResolved(merging.id))
        publishJob(merging.id)
        start(merging, resuming: true, approvedHunks: hunks)
    }

    private func releaseQuarantine(_ recordID: JobID, resetAttempts: Bool, note: String? = nil) throws
        -> String
    {
        let settled = try operations.releaseQuarantine(
            recordID.rawValue, resetAttempts: resetAttempts, note: note)
        publish(.quarantineRemoved(settled.record.id))
        guard let job = settled.job else {
            publishNewBeads()
            return "released \(settled.record.id.short)"
        }
        publishJob(job.id)
        guard settled.requeued else {
            return
                "released \(settled.record.id.short); job \(job.id.short) is \(job.state), so it was left as it is"
        }
        return "released \(settled.record.id.short); job \(job.id.short) queued again"
            + (settled.noted ? " with your note for the model" : "")
    }
}
