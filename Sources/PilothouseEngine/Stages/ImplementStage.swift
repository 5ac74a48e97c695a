import Foundation
import PilothouseCore

/// `implement`: asks the implementer model (or a CLI agent) for edits, applies them to the
/// job's worktree through the path guard, and stores `git diff --binary <base>` as the patch.
///
/// Every run starts from a fresh worktree at the integration branch's current tip, so a retry
/// after `needs_rebase` produces a patch against the new base rather than the stale one.
public struct ImplementStage: PipelineStage {
    public let worktrees: WorktreeManager
    public let integrationBranch: String
    public let redactor: Redactor
    public let agents: CLIAgentRunner?
    /// Which secrets block a patch before it is stored (`[policy] block_secrets`).
    public let policy: PolicySection
    /// Bytes of one file shown to the model, and of all files together.
    public let maxFileBytes: Int
    public let maxTotalFileBytes: Int
    let applier: EditApplier

    public init(
        worktrees: WorktreeManager, integrationBranch: String, redactor: Redactor = .standard,
        agents: CLIAgentRunner? = nil, policy: PolicySection = PolicySection(), maxFileBytes: Int = 64 * 1024,
        maxTotalFileBytes: Int = 256 * 1024
    ) {
        self.policy = policy
        self.worktrees = worktrees
        self.integrationBranch = integrationBranch
        self.redactor = redactor
        self.agents = agents
        self.maxFileBytes = maxFileBytes
        self.maxTotalFileBytes = maxTotalFileBytes
        self.applier = EditApplier(git: worktrees.git)
    }

    public func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        let job = context.job
        let worktree: Worktree
        do {
            worktree = try worktrees.prepare(job: job.id, base: integrationBranch)
        } catch {
            if case .unknownCommit = error { throw .fatal(error.description) }
            throw .retryable("could not prepare the worktree: \(error)")
        }
        if let operatorPatch = context.operatorPatch {
            return try await applyOperatorPatch(operatorPatch, to: worktree, context: context)
        }
        let files: [ImplementPrompt.File]
        do {
            files = try promptFiles(for: job, in: worktree)
        } catch {
            throw PromptFiles.failure(for: error)
        }
        var plan: String?
        switch context.outputs[.plan] {
        case .plan(let text)?, .text(let text)?: plan = text
        default: plan = nil
        }
        var previous: String?
        if context.feedback?.isEmpty == false, let patch = try? await context.services.latestPatch() {
            previous = redactor.redact(String(decoding: patch.diff.prefix(32 * 1024), as: UTF8.self))
        }
        let messages = ImplementPrompt.messages(
            job: job, files: files, plan: plan, feedback: context.feedback, previousPatch: previous)
        let model = context.spec.model ?? "simulated:sim-1"

        // A CLI agent may create any file; edit blocks only those whose paths do not exist.
        var createsFiles = true
        if let agentName = CLIAgentRunner.agentName(fromModel: model) {
            guard let agents else {
                throw .fatal("model '\(model)' names a CLI agent, but no [agents] are configured")
            }
            let prompt = messages.map(\.content).joined(separator: "\n\n")
            do {
                let result = try await agents.run(
                    agent: agentName, role: context.spec.role ?? "implementer", prompt: prompt,
                    in: worktree.path)
                await context.services.recordBead(
                    "agent_ran", "\(agentName) finished in \(result.durationMillis) ms",
                    [
                        "agent": agentName, "exit": "\(result.exitCode)",
                        "output_tail": String(redactor.redact(result.output).suffix(2000)),
                    ])
                await context.services.recordTranscript("agent:" + agentName, prompt, result.output)
            } catch {
                if error == .cancelled { throw .cancelled }
                throw error.isConfiguration ? .fatal(error.description) : .retryable(error.description)
            }
        } else {
            let text = try await ModelStageDefaults.complete(
                ModelRequest(
                    jobID: job.id, stage: context.spec.name, role: context.spec.role ?? "implementer",
                    model: model,
                    messages: messages, priority: job.priority, attempt: context.attempt),
                context: context)
            let edits: ModelEdits
            do {
                edits = try ModelEdits.parse(text)
            } catch {
                throw .quarantine(
                    .malformedOutput, message: "the model's answer holds no usable edits: \(error)",
                    payload: redactor.redact(text))
            }
            createsFiles = Self.mayCreateFiles(edits, in: worktree)
            do {
                try applier.apply(edits, in: worktree)
            } catch {
                _ = try? worktrees.prepare(job: job.id, base: worktree.baseCommit)
                throw Self.failure(for: error, output: redactor.redact(text))
            }
        }
        return try await storePatch(of: worktree, context: context, createsFiles: createsFiles)
    }

    /// Whether applying `edits` may leave a file git does not track yet, which the diff must
    /// then mark intent-to-add. The worktree was just reset to its base with nothing untracked
    /// left (`WorktreeManager.prepare`), so a path that exists now is tracked: edit blocks on
    /// existing paths only change tracked files. Unified diffs may create files: true. Any
    /// doubt (a path the guard refuses) is true; the applier then refuses it anyway.
    static func mayCreateFiles(_ edits: ModelEdits, in worktree: Worktree) -> Bool {
        guard case .blocks(let blocks) = edits else { return true }
        let guardian = PathGuard(root: worktree.path)
        return blocks.contains { block in
            guard let path = try? guardian.validate(block.path) else { return true }
            var info = stat()
            return lstat(worktree.path + "/" + path, &info) != 0 || info.st_mode & S_IFMT != S_IFREG
        }
    }

    /// Diffs the worktree, refuses secrets before anything is stored, and saves the patch.
    func storePatch(of worktree: Worktree, context: StageContext, createsFiles: Bool = true)
        async throws(StageFailure) -> StageOutput
    {
        let job = context.job
        let diff: Data
        do {
            diff = try worktrees.canonicalDiff(worktree, markingNewFiles: createsFiles)
        } catch {
            throw .retryable("could not diff the worktree: \(error)")
        }
        guard !diff.isEmpty else {
            throw .retryable("the edits left the worktree unchanged; nothing to review")
        }
        let parsed: UnifiedDiff
        do {
            parsed = try UnifiedDiff(parsing: diff)
        } catch {
            throw .fatal("git produced a diff Pilothouse cannot read (\(error)); please report this")
        }
        // A patch carrying a secret must not be stored, even for a moment: the store and the
        // worktree both live under .pilothouse/. Check repeats this for operator patches.
        let evaluator = PolicyEvaluator(policy: policy, redactor: redactor)
        let secrets = parsed.files.compactMap { evaluator.secretLines(in: $0) }
        if !secrets.isEmpty, let failure = evaluator.failure(for: secrets) {
            await SecretWorktree.remove(job.id, worktrees: worktrees, services: context.services)
            throw failure
        }
        let stats = parsed.stats
        let patch = Patch(
            jobID: job.id, attempt: context.attempt, baseCommit: worktree.baseCommit, diff: diff,
            filesChanged: stats.filesChanged, linesAdded: stats.linesAdded, linesRemoved: stats.linesRemoved)
        do {
            try await context.services.savePatch(patch)
        } catch {
            throw .retryable("could not store the patch: \(error)")
        }
        return .patch(
            PatchSummary(
                attempt: context.attempt, filesChanged: stats.filesChanged, linesAdded: stats.linesAdded,
                linesRemoved: stats.linesRemoved))
    }

    /// An operator's patch goes through the same path guard as a model's edits, and then
    /// through check, review, test and approval like any other.
    private func applyOperatorPatch(_ patch: Data, to worktree: Worktree, context: StageContext)
        async throws(StageFailure)
        -> StageOutput
    {
        do {
            try applier.apply(.unifiedDiff(Array(patch)), in: worktree)
        } catch {
            _ = try? worktrees.prepare(job: context.job.id, base: worktree.baseCommit)
            throw Self.failure(
                for: error, output: redactor.redact(String(decoding: patch.prefix(16 * 1024), as: UTF8.self)))
        }
        await context.services.recordBead(
            "operator_patch_applied", "applied the operator's patch (\(patch.count) bytes)", [:])
        return try await storePatch(of: worktree, context: context)
    }

    static func failure(for error: EditApplierError, output: String) -> StageFailure {
        switch error {
        case .path(let guardError) where guardError.isEscape:
            .quarantine(.pathEscape, message: guardError.description, payload: output)
        case .symlinkInDiff:
            .quarantine(.pathEscape, message: error.description, payload: output)
        case .malformedDiff:
            .quarantine(.malformedOutput, message: error.description, payload: output)
        case .edit, .diffDoesNotApply:
            .quarantine(.patchDoesNotApply, message: error.description, payload: output)
        case .path, .git:
            .retryable(error.description)
        }
    }

    /// The hinted files (or those the goal names that exist), read through the path guard and
    /// bounded; a path that would leave the worktree is thrown, to quarantine the job.
    func promptFiles(for job: Job, in worktree: Worktree) throws(PathGuardError) -> [ImplementPrompt.File] {
        if !job.filesHint.isEmpty {
            return try PromptFiles.read(
                root: worktree.path, paths: job.filesHint, maxFileBytes: maxFileBytes,
                maxTotalBytes: maxTotalFileBytes)
        }
        return try PromptFiles.read(
            root: worktree.path, paths: ImplementPrompt.mentionedPaths(in: job.goal),
            maxFileBytes: maxFileBytes,
            maxTotalBytes: maxTotalFileBytes, includeMissing: false)
    }
}
