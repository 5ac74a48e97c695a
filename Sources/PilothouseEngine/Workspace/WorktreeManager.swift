import Foundation
import PilothouseCore

/// A job's private checkout: `.pilothouse/worktrees/<job>`, HEAD detached at its base commit.
public struct Worktree: Sendable, Equatable {
    public var jobID: JobID
    public var path: String
    /// The branch the job's commit goes on when it merges (`pilothouse/<job>`); never checked
    /// out, so moving it never touches the worktree.
    public var branch: String
    /// The commit the job's change is relative to; the canonical patch is the diff against it.
    public var baseCommit: String
}

/// Prepares, finds and retires job worktrees, with as few git processes as git allows.
///
/// A job gets a worktree from the pool of merged jobs' worktrees (`WorktreePool`) when one is
/// idle, reset to its base with one `checkout --detach` and one `clean`; only when none is idle
/// is one created, with one `worktree add --detach`. Which job a worktree belongs to and its
/// base commit are recorded in a file of git's administrative directory for it
/// (`WorktreeRegistration`) and read back without a process; a restarted engine finds them
/// there. Hooks are disabled for the git calls made here, because a checkout Pilothouse makes
/// on its own should not run the operator's post-checkout scripts.
public struct WorktreeManager: Sendable {
    public let repository: Repository
    public let git: GitRunner
    let commonDirectory: String
    let pool: WorktreePool
    let trash: WorktreeTrash
    let lock: WorktreeLock

    /// `poolCapacity`: idle worktrees kept for reuse; the swarm size is a good value.
    public init(repository: Repository, git: GitRunner = GitRunner(), poolCapacity: Int = 8) {
        self.repository = repository
        self.git = git
        commonDirectory = repository.commonGitDirectory
        pool = WorktreePool(
            directory: repository.worktreesDirectory + "/.pool", commonDirectory: commonDirectory,
            capacity: max(0, poolCapacity))
        trash = WorktreeTrash(worktreesDirectory: repository.worktreesDirectory)
        lock = WorktreeLock(path: repository.worktreesDirectory + "/.lock")
    }

    public func path(for job: JobID) -> String { repository.worktreesDirectory + "/" + job.rawValue }
    public static func branch(for job: JobID) -> String { "pilothouse/" + job.rawValue }
    /// Where versions before the worktree pool recorded a job's base; read for their worktrees
    /// and removed with the job's other refs.
    static func legacyBaseRef(for job: JobID) -> String { "refs/pilothouse/base/" + job.rawValue }

    /// The commit `revision` names, or a typed error saying it names none.
    public func resolve(_ revision: String) throws(WorkspaceError) -> String {
        let result = try runGit([
            "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}",
        ])
        guard result.status == 0, !result.text.isEmpty else { throw .unknownCommit(revision) }
        return result.text
    }

    /// A clean worktree for `job` at `base` (a commit or branch name): the job's own if it has
    /// one, else an idle one from the pool, else a new one; always reset and cleaned (ignored
    /// files too), so every implement attempt starts from exactly the recorded base and never
    /// sees a file of another job.
    public func prepare(job: JobID, base: String) throws(WorkspaceError) -> Worktree {
        try lock.shared { () throws(WorkspaceError) -> Worktree in
            let path = path(for: job)
            let (registration, commit) = try checkOut(base, at: path)
            try registration.recordBase(commit, for: job)
            keepBaseIndex(of: registration, commit: commit)
            return Worktree(
                jobID: job, path: path, branch: WorktreeManager.branch(for: job), baseCommit: commit)
        }
    }

    /// A clean worktree of exactly `commit` at `.pilothouse/worktrees/<name>` for a use that is
    /// no job's (the merge queue's candidate tests), from the pool like a job's; hand it back
    /// with `release(scratch:)`. `name` must not look like a job id.
    public func scratch(named name: String, at commit: String) throws(WorkspaceError) -> String {
        guard JobID(name) == nil, !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw .io(
                path: name, detail: "not a name for a scratch worktree (a job id, a dot name or a path)")
        }
        return try lock.shared { () throws(WorkspaceError) -> String in
            let path = repository.worktreesDirectory + "/" + name
            return try checkOut(commit, at: path).registration.path
        }
    }

    /// Gives a scratch worktree back to the pool, or removes it when the pool is full.
    public func release(scratch path: String) throws(WorkspaceError) {
        try lock.shared { () throws(WorkspaceError) in
            let registration = WorktreeRegistration.find(at: path, commonDirectory: commonDirectory)
            if let registration, try pool.giveBack(registration) { return }
            try trash.discard(path, registration: registration)
        }
    }

    /// The worktree at `path` reset to `base` (its own, one from the pool, or a new one), and
    /// the commit checked out. Called with the lock held shared.
    private func checkOut(_ base: String, at path: String) throws(WorkspaceError)
        -> (registration: WorktreeRegistration, commit: String)
    {
        var registration = WorktreeRegistration.find(at: path, commonDirectory: commonDirectory)
        if registration == nil {
            // Whatever is there is not a worktree git knows (a crash mid-removal, a stray
            // directory, a planted symlink): it goes, unread.
            try trash.discard(path, registration: nil)
            registration = try pool.take(to: path)
        }
        if let reused = registration {
            try reused.clearBase()
            try reset(reused, to: base)
        } else {
            registration = try create(path, at: base)
        }
        guard let registration, let commit = registration.detachedHead() else {
            throw .git(
                .failed(
                    arguments: ["worktree", "add", path], status: 0,
                    message: "git made no detached worktree there; remove \(path) and retry"))
        }
        return (registration, commit)
    }

    /// Where a copy of a worktree's index holding exactly `commit`'s tree is kept, in its
    /// administrative directory (git ignores files it does not know there).
    static func baseIndexPath(in registration: WorktreeRegistration, commit: String) -> String {
        registration.adminDirectory + "/pilothouse-index-" + commit
    }

    /// Keeps a copy of the index `checkOut` just wrote, which holds exactly `commit`'s tree:
    /// the job commit is later built on a copy of it (`baseIndex(of:base:)`) instead of a
    /// `git read-tree` of the base, one process fewer per job. A cache only: when it cannot
    /// be written, the merge reads the tree with git as before.
    private func keepBaseIndex(of registration: WorktreeRegistration, commit: String) {
        let kept = Self.baseIndexPath(in: registration, commit: commit)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: registration.adminDirectory)) ?? []
        for name in names where name.hasPrefix("pilothouse-index-") {
            unlink(registration.adminDirectory + "/" + name)
        }
        let partial = kept + ".partial-" + UUID().uuidString
        do {
            try FileManager.default.copyItem(atPath: registration.adminDirectory + "/index", toPath: partial)
        } catch {
            unlink(partial)
            return
        }
        if rename(partial, kept) != 0 { unlink(partial) }
    }

    /// The registration of the job's worktree when it was last reset to `base`: where the
    /// index it had then is kept (`keepBaseIndex`). Reads files only.
    func baseIndexHolder(of job: JobID, base: String) -> WorktreeRegistration? {
        guard
            let registration = WorktreeRegistration.find(
                at: path(for: job), commonDirectory: commonDirectory),
            registration.recordedBase(for: job) == base
        else { return nil }
        return registration
    }

    /// Puts at `destination` (a path that does not exist yet, in the same administrative
    /// directory) the kept index holding exactly `base`'s tree; false when there is none, and
    /// the caller reads the tree with git. A hard link, not a copy: git replaces an index by
    /// renaming a new file over it and never writes one in place, so what the caller's git
    /// does at `destination` leaves the kept one as it is (and a new inode per job is what
    /// the file system pays most for under this load).
    func linkBaseIndex(of registration: WorktreeRegistration, base: String, to destination: String) -> Bool {
        let kept = Self.baseIndexPath(in: registration, commit: base)
        if link(kept, destination) == 0 { return true }
        do {
            try FileManager.default.copyItem(atPath: kept, toPath: destination)
            return true
        } catch {
            return false
        }
    }

    /// The job's worktree if it has one, with its recorded base. Reads files only.
    public func existing(job: JobID) throws(WorkspaceError) -> Worktree? {
        let path = path(for: job)
        guard let registration = WorktreeRegistration.find(at: path, commonDirectory: commonDirectory) else {
            return nil
        }
        var base = registration.recordedBase(for: job)
        if base == nil { base = try legacyBase(of: job, registration) }
        guard let base else { return nil }
        return Worktree(jobID: job, path: path, branch: WorktreeManager.branch(for: job), baseCommit: base)
    }

    /// Every ref checked out in the repository's worktrees (the main one and every linked one),
    /// with the worktree's path: what `git worktree list --porcelain` says about branches, read
    /// from git's files without a process. Detached worktrees (all of Pilothouse's) are absent.
    public func checkedOutRefs() -> [String: String] {
        var heads = [(head: commonDirectory + "/HEAD", path: repository.root)]
        if let line = WorktreeRegistration.readLine(repository.root + "/.git"), line.hasPrefix("gitdir: ") {
            // The root is itself a linked worktree: its HEAD is in its own administrative directory.
            heads[0].head = String(line.dropFirst("gitdir: ".count)) + "/HEAD"
        }
        let registrations = commonDirectory + "/worktrees"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: registrations)) ?? [] {
            guard let back = WorktreeRegistration.readLine(registrations + "/" + name + "/gitdir") else {
                continue
            }
            heads.append((registrations + "/" + name + "/HEAD", (back as NSString).deletingLastPathComponent))
        }
        var refs: [String: String] = [:]
        for (head, path) in heads {
            guard let line = WorktreeRegistration.readLine(head), line.hasPrefix("ref: ") else { continue }
            refs[String(line.dropFirst("ref: ".count)), default: path] = path
        }
        return refs
    }

    /// `git diff --binary <base>` of everything in the worktree, new files included.
    ///
    /// New files are only marked intent-to-add, never staged, so no blob of an unchecked
    /// change (which may hold a secret the check stage is about to refuse) is written to the
    /// object database. The options pin down what user config could change: prefixes, colour,
    /// external diff drivers, textconv, rename detection and path quoting, so the parser and
    /// `git apply` always get the same shape of diff.
    ///
    /// `markingNewFiles: false` skips the intent-to-add (one process) when the caller knows
    /// the edits created no file: the diff of tracked files is the whole change then.
    public func canonicalDiff(_ worktree: Worktree, markingNewFiles: Bool = true) throws(WorkspaceError)
        -> Data
    {
        if markingNewFiles { try checked(["add", "--intent-to-add", "--", "."], in: worktree.path) }
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

    /// Removes the job's worktree (its files and git's registration of it, without git); with
    /// `deleteBranch`, also its branch and legacy base ref.
    public func remove(job: JobID, deleteBranch: Bool = true) throws(WorkspaceError) {
        try lock.shared { () throws(WorkspaceError) in
            let path = path(for: job)
            try trash.discard(
                path, registration: WorktreeRegistration.find(at: path, commonDirectory: commonDirectory))
        }
        if deleteBranch { try deleteRefs(of: job) }
    }

    /// Applies the retention policy once a job has finished one way or the other: a merged
    /// job's worktree goes back to the pool (or away when the pool is full) and its branch goes.
    public func finish(job: JobID, merged: Bool, retention: WorktreeRetention) throws(WorkspaceError) {
        switch retention {
        case .keep: return
        case .keepFailed where !merged: return
        case .remove, .keepFailed:
            try lock.shared { () throws(WorkspaceError) in
                let path = path(for: job)
                let registration = WorktreeRegistration.find(at: path, commonDirectory: commonDirectory)
                if let registration, try pool.giveBack(registration) { return }
                try trash.discard(path, registration: registration)
            }
            try deleteRefs(of: job)
        }
    }

    /// Deletes the job's branch and legacy base ref in one transaction (one process); refs that
    /// do not exist are no error. No process at all when git's files show neither exists (a
    /// merged job's commit never gets a branch).
    func deleteRefs(of job: JobID) throws(WorkspaceError) {
        let branch = "refs/heads/" + WorktreeManager.branch(for: job)
        let files = GitRefFiles(commonDirectory: commonDirectory)
        if files.lookup(branch) == .absent, files.lookup(WorktreeManager.legacyBaseRef(for: job)) == .absent {
            return
        }
        let commands = "delete \(branch)\ndelete \(WorktreeManager.legacyBaseRef(for: job))\n"
        try checked(["update-ref", "--stdin"], input: Data(commands.utf8))
    }

    /// Resets a reused worktree to `base`: detached HEAD, index and files as in `base`, nothing
    /// untracked or ignored left. One git process: `checkout`; what `git clean -ffdx` would
    /// remove is removed by reading the index git just wrote (`WorktreeCleaner`), and only when
    /// that index or the tree does not read with certainty does `git clean` run.
    private func reset(_ registration: WorktreeRegistration, to base: String) throws(WorkspaceError) {
        let path = registration.path
        let checkout = try runGit(
            ["-c", "core.hooksPath=/dev/null", "checkout", "-q", "-f", "--detach", base + "^{commit}", "--"],
            in: path)
        guard checkout.status == 0 else {
            _ = try resolve(base)  // a typed error when `base` names no commit
            throw .git(
                .failed(arguments: ["checkout", base], status: checkout.status, message: checkout.errorText))
        }
        let cleaner = WorktreeCleaner(root: path, index: registration.adminDirectory + "/index")
        do {
            if try cleaner.clean() { return }
        } catch {
            // Something could not be removed: git tries too, and its error is the one reported.
        }
        try checked(["clean", "-q", "-f", "-f", "-d", "-x"], in: path)
    }

    /// A new worktree at `path`; `-f` because a crashed engine may have left git a registration
    /// of `path` whose directory is gone.
    private func create(_ path: String, at base: String) throws(WorkspaceError) -> WorktreeRegistration {
        do {
            try FileManager.default.createDirectory(
                atPath: repository.worktreesDirectory, withIntermediateDirectories: true)
        } catch {
            throw .io(path: repository.worktreesDirectory, detail: error.localizedDescription)
        }
        let arguments = [
            "-c", "core.hooksPath=/dev/null", "worktree", "add", "-q", "-f", "--detach", path,
            base + "^{commit}",
        ]
        // `worktree add` reads every registration and dies on one another `add` has half
        // written ("failed to read .git/worktrees/X/commondir"): one at a time per repository,
        // across processes too, and a few tries should a git started elsewhere get in the way.
        let adding = WorktreeLock(path: repository.worktreesDirectory + "/.add.lock")
        var result = try adding.exclusive { () throws(WorkspaceError) in try runGit(arguments) }
        for _ in 0..<3
        where result.status != 0
            && WorktreeRegistration.find(at: path, commonDirectory: commonDirectory) == nil
        {
            if WorktreeRegistration.isPlainDirectory(path) { try trash.discard(path, registration: nil) }
            usleep(50_000)
            result = try adding.exclusive { () throws(WorkspaceError) in try runGit(arguments) }
        }
        guard result.status == 0 else {
            _ = try resolve(base)
            throw .git(.failed(arguments: arguments, status: result.status, message: result.errorText))
        }
        guard let registration = WorktreeRegistration.find(at: path, commonDirectory: commonDirectory) else {
            throw .git(
                .failed(
                    arguments: arguments, status: 0,
                    message: "git reported success but \(path) is not a registered worktree"))
        }
        return registration
    }

    /// The base of a worktree made before the pool: on its job branch, base in a ref.
    private func legacyBase(of job: JobID, _ registration: WorktreeRegistration) throws(WorkspaceError)
        -> String?
    {
        guard
            WorktreeRegistration.readLine(registration.adminDirectory + "/HEAD")
                == "ref: refs/heads/" + WorktreeManager.branch(for: job)
        else { return nil }
        let base = try runGit(["rev-parse", "--verify", "--quiet", WorktreeManager.legacyBaseRef(for: job)])
        return base.status == 0 && !base.text.isEmpty ? base.text : nil
    }

    func runGit(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
        input: Data? = nil
    ) throws(WorkspaceError) -> GitRunner.Output {
        do {
            return try git.run(
                arguments, in: directory ?? repository.root, environment: environment, input: input)
        } catch {
            throw .git(error)
        }
    }

    @discardableResult
    func checked(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
        input: Data? = nil
    ) throws(WorkspaceError) -> String {
        let result = try runGit(arguments, in: directory, environment: environment, input: input)
        guard result.status == 0 else {
            throw .git(.failed(arguments: arguments, status: result.status, message: result.errorText))
        }
        return result.text
    }
}
