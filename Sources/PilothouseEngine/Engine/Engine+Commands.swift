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

    private func perform(_ command: OperatorCommand) async throws -> String {
        switch command {
        case .approve(let id):
            return try approve(id, hunks: nil)
        case .approveHunks(let id, let hunks):
            guard !hunks.isEmpty else {
                throw CommandError("no hunks chosen; mark hunks with space, or press a to approve all")
            }
            return try approve(id, hunks: hunks)
        case .reject(let id, let reason):
            return try reject(id, reason: reason)
        case .rejectWithComments(let id, let reason, let comments):
            return try reject(id, reason: reason, comments: comments)
        case .editPatch(let id, let diff):
            return try editPatch(id, diff: diff)
        case .retry(let id):
            let job = try requireJob(id)
            guard
                [.failed, .rejected, .cancelled, .quarantined, .needsRebase, .budgetHold].contains(job.state)
            else {
                throw CommandError(
                    "\(id.short) is \(job.state); only failed, rejected, cancelled, quarantined or held jobs can be retried"
                )
            }
            if job.state == .quarantined {
                for record in try store.retryQuarantinedJob(id) { publish(.quarantineRemoved(record.id)) }
            } else {
                try store.requeue(id, resetAttempts: true, message: "retried by operator")
            }
            publishJob(id)
            return "\(id.short) queued again"
        case .cancel(let id):
            let job = try requireJob(id)
            guard !job.state.isTerminal else { throw CommandError("\(id.short) is already \(job.state)") }
            active[id]?.cancel()
            try store.finishRun(id, to: .cancelled, message: "cancelled by operator")
            publishJob(id)
            return "\(id.short) cancelled"
        case .pause(let id):
            let job = try requireJob(id)
            guard job.state == .queued || job.state == .running || job.state == .awaitingApproval else {
                throw CommandError(
                    "\(id.short) is \(job.state); only queued, running or waiting jobs can be paused")
            }
            active[id]?.cancel()
            try store.finishRun(id, to: .paused, message: "paused by operator")
            publishJob(id)
            return "\(id.short) paused"
        case .resume(let id):
            let job = try requireJob(id)
            guard job.state == .paused else { throw CommandError("\(id.short) is \(job.state), not paused") }
            try store.requeue(id, resetAttempts: false, message: "resumed by operator")
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
            let record = try store.dropQuarantineRecord(
                try store.resolveQuarantineRecord(recordID.rawValue).id, reason: reason)
            if let jobID = record.jobID { publishJob(jobID) }
            publish(.quarantineRemoved(record.id))
            publishNewBeads()
            return "dropped \(record.id.short)"
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
        let job = try requireJob(id)
        guard job.state == .awaitingApproval else {
            throw CommandError("\(id.short) is \(job.state), not waiting for approval")
        }
        guard let gate = template.stages.first(where: { $0.kind == "approve" }) else {
            throw CommandError("the pipeline has no approve stage")
        }
        try approveAndMerge(job, gate: gate.name, by: "operator", hunks: hunks)
        return hunks.map { "approved \($0.count) hunk\($0.count == 1 ? "" : "s") of \(id.short); merging" }
            ?? "approved \(id.short); merging"
    }

    private func reject(_ id: JobID, reason: String, comments: [LineComment] = []) throws -> String {
        let job = try requireJob(id)
        guard job.state == .awaitingApproval else {
            throw CommandError("\(id.short) is \(job.state), not waiting for approval")
        }
        let noted = comments.isEmpty ? "" : " and \(comments.count) comment\(comments.count == 1 ? "" : "s")"
        publish(.approvalResolved(id))
        let retried = try store.reject(id, reason: reason, policy: configuration.onReject, comments: comments)
        publishJob(id)
        return retried
            ? "rejected \(id.short); trying again with your reason\(noted) as feedback"
            : "rejected \(id.short)"
    }

    /// Takes the operator's edit of a waiting patch: refused unless it parses and changes
    /// something, so a slip in the editor costs nothing; otherwise the job runs again with it.
    private func editPatch(_ id: JobID, diff: Data) throws -> String {
        let job = try requireJob(id)
        guard job.state == .awaitingApproval else {
            throw CommandError("\(id.short) is \(job.state), not waiting for approval; the edit was not used")
        }
        let parsed: UnifiedDiff
        do {
            parsed = try UnifiedDiff(parsing: diff)
        } catch {
            throw CommandError(
                "the edited patch of \(id.short) does not parse (\(error)); the job still waits")
        }
        guard !parsed.files.isEmpty else {
            throw CommandError("the edited patch of \(id.short) is empty; reject the job instead")
        }
        publish(.approvalResolved(id))
        try store.editPatch(id, diff: diff, stats: parsed.stats)
        publishJob(id)
        return "patch of \(id.short) edited; checking and testing it again"
    }

    /// Approves a waiting job and starts its merge under this engine's lease.
    func approveAndMerge(_ job: Job, gate: StageName, by who: String, hunks: [Int]?) throws {
        let leaseUntil = Date().addingTimeInterval(configuration.leaseDuration.seconds)
        let resumed = try store.approve(
            job.id, stage: gate, attempt: job.attempts, by: who, hunks: hunks, owner: owner,
            leaseUntil: leaseUntil)
        publish(.approvalResolved(job.id))
        publishJob(job.id)
        start(resumed, resuming: true, approvedHunks: hunks)
    }

    private func releaseQuarantine(_ recordID: JobID, resetAttempts: Bool, note: String? = nil) throws
        -> String
    {
        let record = try store.resolveQuarantineRecord(recordID.rawValue)
        let noted = try store.releaseQuarantineRecord(record.id, resetAttempts: resetAttempts, note: note)
        publish(.quarantineRemoved(record.id))
        if let jobID = record.jobID { publishJob(jobID) } else { publishNewBeads() }
        return record.jobID.map {
            "released \(record.id.short); job \($0.short) queued again"
                + (noted ? " with your note for the model" : "")
        } ?? "released \(record.id.short)"
    }

    private func requireJob(_ id: JobID) throws -> Job {
        guard let job = try store.job(id) else { throw StoreError.unknownJob(id.rawValue) }
        return job
    }
}

/// A command that does not apply, with the reason in words.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
