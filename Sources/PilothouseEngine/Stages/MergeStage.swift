import Foundation
import PilothouseCore

/// `merge`: commits the approved patch on the job branch with `Pilothouse-Job:` and
/// `Pilothouse-Bead:` trailers and hands it to the merge queue, which merges it into the
/// integration branch once a candidate tree containing it passed the tests (see `MergeQueue`;
/// `IntegrationMerger` for how the operator's checkout is left alone and why a crash between
/// commit and merge is harmless). With partial approval, only the chosen hunks are committed.
public struct MergeStage: PipelineStage {
    public let queue: MergeQueue
    public let retention: WorktreeRetention
    /// The bead that authorised the merge (usually the approval), for the trailer. When nil or
    /// returning nil, the trailer names the job's attempt instead.
    public let approvalBead: (@Sendable (JobID) async -> String?)?
    /// Pushes (and opens a pull request) after each merge when configured.
    public let publisher: IntegrationPublisher?

    public var merger: IntegrationMerger { queue.merger }

    /// - Parameter queue: the engine's one merge queue; nil: a queue of this stage's own that
    ///   merges without testing candidates (stage tests).
    public init(
        worktrees: WorktreeManager, settings: WorkspaceSection, integrationBranch: String,
        approvalBead: (@Sendable (JobID) async -> String?)? = nil, queue: MergeQueue? = nil
    ) {
        self.queue =
            queue
            ?? MergeQueue(
                merger: IntegrationMerger(
                    worktrees: worktrees, integrationBranch: integrationBranch,
                    allowCheckedOutMerge: settings.allowCheckedOutMerge))
        self.retention = settings.retention
        self.approvalBead = approvalBead
        self.publisher = settings.pushRemote.map { remote in
            IntegrationPublisher(
                remote: remote, pullRequestBase: settings.pullRequestBase,
                repositoryRoot: worktrees.repository.root)
        }
    }

    public func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        let job = context.job
        let stored: Patch?
        do {
            stored = try await context.services.latestPatch()
        } catch {
            throw .retryable("could not load the patch: \(error)")
        }
        guard let patch = stored else { throw .fatal("job \(job.id.short) has no patch to merge") }
        var diff = patch.diff
        if let approved = context.approvedHunks {
            diff = try Self.selecting(approved, from: patch.diff)
        }
        let bead = await approvalBead?(job.id) ?? "\(job.id.rawValue)/attempt-\(context.attempt)"
        let trailers = [("Pilothouse-Job", job.id.rawValue), ("Pilothouse-Bead", bead)]
        let verdict: MergeVerdict
        let commit: (commit: String, tree: String)
        do {
            // Local refs only: with a shared remote the queue fetches before it builds anything
            // and recognises a merge another clone pushed there (one fetch per batch, not per job).
            if let merge = try merger.existingMerge(of: job.id) {
                await queue.recordRecovered(job.id, mergeCommit: merge)
                try? merger.worktrees.finish(job: job.id, merged: true, retention: retention)
                return .merged(commit: merge)
            }
            commit = try merger.commitJob(job, diff: diff, base: patch.baseCommit, trailers: trailers)
            verdict = await queue.merge(
                MergeRequest(
                    job: job, attempt: context.attempt, jobCommit: commit.commit, jobBase: patch.baseCommit,
                    jobTree: commit.tree,
                    testedTree: Self.testsPassed(context) && context.approvedHunks == nil ? commit.tree : nil,
                    trailers: trailers, recordBead: context.services.recordBead))
        } catch {
            throw Self.failure(error)
        }
        switch verdict {
        case .merged(let landing):
            await context.services.recordBead(
                .merged, "merged into \(merger.integrationBranch) as \(landing.mergeCommit.prefix(12))",
                [
                    "commit": landing.jobCommit, "merge": landing.mergeCommit,
                    "branch": merger.integrationBranch,
                    "partial": "\(context.approvedHunks != nil)", "tree": landing.candidateTree,
                    "from": landing.previousTip, "to": landing.newTip, "batch_size": "\(landing.batchSize)",
                ])
            try? merger.worktrees.finish(job: job.id, merged: true, retention: retention)
            if let publisher {
                for step in await publisher.publish(branch: merger.integrationBranch, title: job.title) {
                    await context.services.recordBead(
                        step.succeeded ? "published" : "publish_failed", step.message, [:])
                }
            }
            return .merged(commit: landing.mergeCommit)
        case .sentBack(let back):
            await keepBranch(commit.commit, context)
            throw .sentBack(back)
        case .failed(let error):
            await keepBranch(commit.commit, context)
            throw Self.failure(error)
        case .cancelled:
            await keepBranch(commit.commit, context)
            throw .cancelled
        }
    }

    /// The job commit of a job that did not land goes on its branch, for inspection; a branch
    /// that could not be written is said in a bead (the merge's outcome does not depend on it).
    private func keepBranch(_ commit: String, _ context: StageContext) async {
        do {
            try merger.keepJobBranch(context.job.id, commit: commit)
        } catch {
            await context.services.recordBead(
                "job_branch_failed",
                "could not point branch \(WorktreeManager.branch(for: context.job.id)) at \(commit.prefix(12)): \(error)",
                [:])
        }
    }

    /// Whether this attempt's `test` stage passed (on the job's worktree, i.e. the job commit's tree).
    static func testsPassed(_ context: StageContext) -> Bool {
        if case .tests(let summary)? = context.outputs[.test] { return summary.passed }
        return false
    }

    static func failure(_ error: MergeError) -> StageFailure {
        switch error {
        case .conflict: .needsRebase(error.description)
        case .busy, .checkoutDirty, .workspace, .io, .remote: .retryable(error.description)
        case .patchDoesNotApply: .quarantine(.patchDoesNotApply, message: error.description, payload: "")
        default: .fatal(error.description)
        }
    }

    /// Git, not the store, is the authority here: the merge is published before the engine
    /// writes `merged`, and a crash in between must not make a new attempt merge (or fail on)
    /// a change the integration branch already has. With a shared remote the branch is the
    /// remote's, fetched first: the engine that pushed may have been another clone's.
    public func completedEarlier(_ job: Job) async -> StageOutput? {
        guard let merge = try? merger.existingMergeAnywhere(of: job.id) else { return nil }
        await queue.recordRecovered(job.id, mergeCommit: merge)
        try? merger.worktrees.finish(job: job.id, merged: true, retention: retention)
        return .merged(commit: merge)
    }

    /// The diff holding only the approved hunks; indices count hunks across files, in order.
    static func selecting(_ approved: [Int], from data: Data) throws(StageFailure) -> Data {
        let parsed: UnifiedDiff
        do {
            parsed = try UnifiedDiff(parsing: data)
        } catch {
            throw .fatal("the stored patch is not a valid diff: \(error)")
        }
        let ids = parsed.hunkIDs
        let chosen = Set(approved.filter { ids.indices.contains($0) }.map { ids[$0] })
        guard !chosen.isEmpty else {
            throw .fatal("none of the approved hunks \(approved) exist in the patch (it has \(ids.count))")
        }
        return Data(parsed.selecting(hunks: chosen).render())
    }
}
