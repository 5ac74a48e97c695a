import Foundation
import PilothouseCore

extension WorktreeManager {
    /// The job's worktree rebuilt from its stored patch: a clean worktree at the patch's base
    /// with the patch applied, as `implement` left it. For an attempt that resumes in a clone
    /// that never had the worktree: in a fleet, another engine in another clone implemented the
    /// job and stopped (SIGTERM, a model gone), and this engine took the attempt over at `test`.
    /// `.unknownCommit` when this clone does not have the base either.
    public func restore(job: JobID, from patch: Patch) throws(WorkspaceError) -> Worktree {
        _ = try resolve(patch.baseCommit)
        let worktree = try prepare(job: job, base: patch.baseCommit)
        guard !patch.diff.isEmpty else { return worktree }
        let file = NSTemporaryDirectory() + "pilothouse-restore-\(UUID().uuidString).diff"
        do {
            try patch.diff.write(to: URL(fileURLWithPath: file))
        } catch {
            throw .io(path: file, detail: "could not write the stored patch: \(error.localizedDescription)")
        }
        defer { unlink(file) }
        try checked(["apply", "--binary", "--whitespace=nowarn", file], in: worktree.path)
        return worktree
    }
}
