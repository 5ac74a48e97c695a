import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Revert a merged job on the integration branch (git revert of its merge).",
        discussion: """
            The revert is made in a temporary worktree and published like a merge, so your checkout \
            is not touched unless [workspace] allow_checked_out_merge allows it. Running it again \
            after a success does nothing.
            """)

    @Argument(help: "The job id or an unambiguous part of it.")
    var job: String

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let (repository, store) = try options.openStore()
        let config = try options.config(for: repository)
        let job = try store.resolveJob(job)
        let merger = IntegrationMerger(
            worktrees: WorktreeManager(repository: repository),
            integrationBranch: config.workspace.resolvedIntegrationBranch(in: repository),
            allowCheckedOutMerge: config.workspace.allowCheckedOutMerge)
        let revert: String
        do {
            revert = try merger.rollback(job: job.id)
        } catch {
            throw CommandFailure(error.description, code: 1)
        }
        try store.appendBead(
            jobID: job.id, kind: "rolled_back",
            message: "reverted on \(merger.integrationBranch) as \(revert.prefix(12))",
            metadata: ["revert": revert, "branch": merger.integrationBranch])
        print("rolled back \(job.id.short) on \(merger.integrationBranch): \(revert.prefix(12))")
    }
}
