import PilothouseCore

/// A failure while preparing, changing or merging a job's worktree.
public enum WorkspaceError: Error, Equatable, Sendable, CustomStringConvertible {
    case git(GitError)
    case path(PathGuardError)
    case unknownCommit(String)
    case noWorktree(JobID)
    case io(path: String, detail: String)

    public var description: String {
        switch self {
        case .git(let error): error.description
        case .path(let error): error.description
        case .unknownCommit(let name):
            "'\(name)' does not name a commit in this repository; check [workspace] integration_branch"
        case .noWorktree(let job):
            "job \(job.short) has no worktree; run its implement stage (or re-enqueue it) first"
        case .io(let path, let detail): "\(path): \(detail)"
        }
    }
}
