import Foundation
import PilothouseCore

/// `merge`: commits the approved patch on the job branch with `Pilothouse-Job:` and
/// `Pilothouse-Bead:` trailers and merges it into the integration branch (see
/// `IntegrationMerger` for how the operator's checkout is left alone and why a crash between
/// commit and merge is harmless). With partial approval, only the chosen hunks are committed.
public struct MergeStage: PipelineStage {
    public let merger: IntegrationMerger
    public let retention: WorktreeRetention
    /// The bead that authorised the merge (usually the approval), for the trailer. When nil or
    /// returning nil, the trailer names the job's attempt instead.
    public let approvalBead: (@Sendable (JobID) async -> String?)?
    /// Pushes (and opens a pull request) after each merge when configured.
    public let publisher: IntegrationPublisher?

    public init(
        worktrees: WorktreeManager, settings: WorkspaceSection, integrationBranch: String,
        approvalBead: (@Sendable (JobID) async -> String?)? = nil
    ) {
        self.merger = IntegrationMerger(
            worktrees: worktrees, integrationBranch: integrationBranch,
            allowCheckedOutMerge: settings.allowCheckedOutMerge)
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
        do {
            if let merge = try merger.existingMerge(of: job.id) {
                try? merger.worktrees.finish(job: job.id, merged: true, retention: retention)
                return .merged(commit: merge)
            }
            let commit = try merger.commitJob(job, diff: diff, base: patch.baseCommit, trailers: trailers)
            let merge = try merger.merge(job, commit: commit, trailers: trailers)
            await context.services.recordBead(
                .merged, "merged into \(merger.integrationBranch) as \(merge.prefix(12))",
                [
                    "commit": commit, "merge": merge, "branch": merger.integrationBranch,
                    "partial": "\(context.approvedHunks != nil)",
                ])
            try? merger.worktrees.finish(job: job.id, merged: true, retention: retention)
            if let publisher {
                for step in await publisher.publish(branch: merger.integrationBranch, title: job.title) {
                    await context.services.recordBead(
                        step.succeeded ? "published" : "publish_failed", step.message, [:])
                }
            }
            return .merged(commit: merge)
        } catch {
            switch error {
            case .conflict: throw .needsRebase(error.description)
            case .busy, .checkoutDirty, .workspace, .io: throw .retryable(error.description)
            case .patchDoesNotApply:
                throw .quarantine(.patchDoesNotApply, message: error.description, payload: "")
            default: throw .fatal(error.description)
            }
        }
    }

    /// Git, not the store, is the authority here: the merge is published before the engine
    /// writes `merged`, and a crash in between must not make a new attempt merge (or fail on)
    /// a change the integration branch already has.
    public func completedEarlier(_ job: Job) async -> StageOutput? {
        guard let merge = try? merger.existingMerge(of: job.id) else { return nil }
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
