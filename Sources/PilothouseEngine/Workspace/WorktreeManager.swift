import Foundation
import PilothouseCore

/// A job's private checkout: `.pilothouse/worktrees/<job>` on branch `pilothouse/<job>`.
public struct Worktree: Sendable, Equatable {
    public var jobID: JobID
    public var path: String
    public var branch: String
    /// The commit the job's change is relative to; the canonical patch is the diff against it.
    public var baseCommit: String
}

/// Creates, resets and removes job worktrees.
///
/// The base commit is recorded as `refs/pilothouse/base/<job>` rather than only in memory: a
/// restarted engine finds it again, and the ref keeps the commit alive if the integration
/// branch is rewritten. Hooks are disabled for the git calls made here, because a checkout
/// Pilothouse makes on its own should not run the operator's post-checkout scripts.
public struct WorktreeManager: Sendable {
    public let repository: Repository
    public let git: GitRunner

    public init(repository: Repository, git: GitRunner = GitRunner()) {
        self.repository = repository
        self.git = git
    }

    public func path(for job: JobID) -> String { repository.worktreesDirectory + "/" + job.rawValue }
    public static func branch(for job: JobID) -> String { "pilothouse/" + job.rawValue }
    static func baseRef(for job: JobID) -> String { "refs/pilothouse/base/" + job.rawValue }

    /// The commit `revision` names, or a typed error saying it names none.
    public func resolve(_ revision: String) throws(WorkspaceError) -> String {
        let result = try runGit([
            "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}",
        ])
        guard result.status == 0, !result.text.isEmpty else { throw .unknownCommit(revision) }
        return result.text
    }

    /// A clean worktree for `job` at `base` (a commit or branch name), created if missing and
    /// reset if present, so every implement attempt starts from exactly the recorded base.
    public func prepare(job: JobID, base: String) throws(WorkspaceError) -> Worktree {
        let commit = try resolve(base)
        let path = path(for: job)
        let branch = WorktreeManager.branch(for: job)
        if try isRegisteredWorktree(path) {
            try checked(
                ["-c", "core.hooksPath=/dev/null", "checkout", "-q", "-f", "-B", branch, commit], in: path)
            try checked(["reset", "-q", "--hard", commit], in: path)
            try checked(["clean", "-q", "-f", "-d"], in: path)
        } else {
            _ = try runGit(["worktree", "prune"])
            do {
                try FileManager.default.createDirectory(
                    atPath: repository.worktreesDirectory, withIntermediateDirectories: true)
            } catch {
                throw .io(path: repository.worktreesDirectory, detail: error.localizedDescription)
            }
            try checked([
                "-c", "core.hooksPath=/dev/null", "worktree", "add", "-q", "-f", "-B", branch, path, commit,
            ])
        }
        try checked(["update-ref", WorktreeManager.baseRef(for: job), commit])
        return Worktree(jobID: job, path: path, branch: branch, baseCommit: commit)
    }

    /// The job's worktree if it exists, with its recorded base.
    public func existing(job: JobID) throws(WorkspaceError) -> Worktree? {
        let path = path(for: job)
        guard try isRegisteredWorktree(path) else { return nil }
        let base = try runGit(["rev-parse", "--verify", "--quiet", WorktreeManager.baseRef(for: job)])
        guard base.status == 0, !base.text.isEmpty else { return nil }
        return Worktree(
            jobID: job, path: path, branch: WorktreeManager.branch(for: job), baseCommit: base.text)
    }

    /// The recorded base commit of `job`, whether or not its worktree still exists.
    public func baseCommit(of job: JobID) throws(WorkspaceError) -> String? {
        let base = try runGit(["rev-parse", "--verify", "--quiet", WorktreeManager.baseRef(for: job)])
        return base.status == 0 && !base.text.isEmpty ? base.text : nil
    }

    /// `git diff --binary <base>` of everything in the worktree, new files included.
    ///
    /// New files are only marked intent-to-add, never staged, so no blob of an unchecked
    /// change (which may hold a secret the check stage is about to refuse) is written to the
    /// object database. The options pin down what user config could change: prefixes, colour,
    /// external diff drivers, textconv, rename detection and path quoting, so the parser and
    /// `git apply` always get the same shape of diff.
    public func canonicalDiff(_ worktree: Worktree) throws(WorkspaceError) -> Data {
        try checked(["add", "--intent-to-add", "--", "."], in: worktree.path)
        let result = try runGit(
            [
                "-c", "core.quotepath=true", "diff", "--binary", "--no-color", "--no-ext-diff",
                "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/", "--find-renames", worktree.baseCommit,
                "--",
            ], in: worktree.path)
        guard result.status == 0 else {
            throw .git(
                .failed(
                    arguments: ["diff", "--binary", worktree.baseCommit], status: result.status,
                    message: result.errorText))
        }
        return result.stdout
    }

    /// Removes the job's worktree; with `deleteBranch`, also its branch and base ref.
    public func remove(job: JobID, deleteBranch: Bool = true) throws(WorkspaceError) {
        let path = path(for: job)
        if try isRegisteredWorktree(path) {
            let result = try runGit(["worktree", "remove", "--force", "--force", path])
            if result.status != 0 {
                try? FileManager.default.removeItem(atPath: path)
                _ = try runGit(["worktree", "prune"])
            }
        } else if FileManager.default.fileExists(atPath: path) {
            try? FileManager.default.removeItem(atPath: path)
            _ = try runGit(["worktree", "prune"])
        }
        guard deleteBranch else { return }
        _ = try runGit(["branch", "-D", "-q", WorktreeManager.branch(for: job)])
        _ = try runGit(["update-ref", "-d", WorktreeManager.baseRef(for: job)])
    }

    /// Applies the retention policy once a job has finished one way or the other.
    public func finish(job: JobID, merged: Bool, retention: WorktreeRetention) throws(WorkspaceError) {
        switch retention {
        case .keep: return
        case .keepFailed where !merged: return
        case .remove, .keepFailed: try remove(job: job, deleteBranch: true)
        }
    }

    private func isRegisteredWorktree(_ path: String) throws(WorkspaceError) -> Bool {
        let list = try runGit(["worktree", "list", "--porcelain"])
        let target = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        return list.text.split(separator: "\n").contains { line in
            guard line.hasPrefix("worktree ") else { return false }
            let listed = URL(fileURLWithPath: String(line.dropFirst("worktree ".count)))
                .resolvingSymlinksInPath().path
            return listed == target
        } && FileManager.default.fileExists(atPath: path + "/.git")
    }

    func runGit(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:])
        throws(WorkspaceError) -> GitRunner.Output
    {
        do {
            return try git.run(arguments, in: directory ?? repository.root, environment: environment)
        } catch {
            throw .git(error)
        }
    }

    @discardableResult
    func checked(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:])
        throws(WorkspaceError) -> String
    {
        let result = try runGit(arguments, in: directory, environment: environment)
        guard result.status == 0 else {
            throw .git(.failed(arguments: arguments, status: result.status, message: result.errorText))
        }
        return result.text
    }
}
