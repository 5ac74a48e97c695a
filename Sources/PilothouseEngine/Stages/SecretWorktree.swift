import PilothouseCore

/// A worktree whose changes hold a secret is removed at once: it lives under `.pilothouse/`,
/// which must never keep a secret. If git cannot remove it, that is a fact the operator must
/// hear (the secret is still on disk), so it becomes a bead naming the path to delete.
enum SecretWorktree {
    static func remove(_ job: JobID, worktrees: WorktreeManager, services: StageServices) async {
        do {
            try worktrees.remove(job: job, deleteBranch: true)
        } catch {
            await services.recordBead(
                "cleanup_failed",
                "could not remove the worktree holding a secret (\(error)); delete it by hand: git worktree remove --force \(worktrees.path(for: job))",
                ["path": worktrees.path(for: job)])
        }
    }
}
