import Foundation
import PilothouseCore

/// The git plumbing of merging: commits a job's patch on its branch, builds merge commits onto
/// any parent, and publishes a chain of them on the integration branch, without touching the
/// operator's checkout. The merge queue (`MergeQueue`) decides what to merge and when.
///
/// Everything is computed in the object database: the job commit is built from a scratch index
/// (`read-tree` + `apply --cached` + `write-tree` + `commit-tree`), each merge with
/// `git merge-tree --write-tree` + `commit-tree`, and the branch moves with a compare-and-swap
/// `update-ref`, so a concurrent move makes the queue rebuild instead of losing one. Only when
/// the integration branch is checked out somewhere (usually the operator's main tree) does a
/// working tree change, and then only if `[workspace] allow_checked_out_merge` is on and that
/// tree is clean, by `git merge --ff-only` there.
///
/// Every step is idempotent, so an engine killed between commit and merge neither loses nor
/// duplicates the merge when it runs the stage again: the job commit is reused when its tree
/// matches, and a job whose merge ref is on the integration branch counts as merged.
///
/// With a shared remote (`[merge_queue] remote`, `SharedRemote`) the remote's branch is the
/// integration branch: the local one is fetched before each batch and moves only after an
/// atomic push with a lease on the remote's tip landed the batch there.
public struct IntegrationMerger: Sendable {
    public let worktrees: WorktreeManager
    public let integrationBranch: String
    public let allowCheckedOutMerge: Bool
    /// Where the fleet's integration branch lives; nil: this repository's own branch is it.
    public let remote: SharedRemote?

    /// Committer identity for commits Pilothouse makes, looked up once (`git var`): none when
    /// the operator's own identity is configured, so merges are attributed as their other
    /// commits are; otherwise Pilothouse's.
    let identity: [String: String]

    public init(
        worktrees: WorktreeManager, integrationBranch: String, allowCheckedOutMerge: Bool = false,
        remote: SharedRemote? = nil
    ) {
        self.worktrees = worktrees
        self.integrationBranch = integrationBranch
        self.allowCheckedOutMerge = allowCheckedOutMerge
        self.remote = remote
        let configured = try? worktrees.runGit(["var", "GIT_COMMITTER_IDENT"])
        self.identity =
            configured?.status == 0
            ? [:]
            : [
                "GIT_AUTHOR_NAME": "Pilothouse", "GIT_AUTHOR_EMAIL": "pilothouse@localhost",
                "GIT_COMMITTER_NAME": "Pilothouse", "GIT_COMMITTER_EMAIL": "pilothouse@localhost",
            ]
    }

    static func mergeRef(for job: JobID) -> String { "refs/pilothouse/merges/" + job.rawValue }
    static func revertRef(for job: JobID) -> String { "refs/pilothouse/reverts/" + job.rawValue }

    /// The job's merge commit when it is already on the integration branch: the check a
    /// restarted merge makes first, since the job branch may be gone by then (retention).
    public func existingMerge(of job: JobID) throws(MergeError) -> String? {
        guard let recorded = resolve(IntegrationMerger.mergeRef(for: job)) else { return nil }
        return try isAncestor(recorded, of: try resolveIntegrationTip()) ? recorded : nil
    }

    /// `existingMerge` after bringing in what the shared remote knows, when there is one: a job
    /// another engine (in another clone) merged, and was killed before the store heard of it,
    /// is found here. A remote that cannot be reached leaves the local answer; the merge queue
    /// fetches again before it builds anything, and reports that failure.
    public func existingMergeAnywhere(of job: JobID) throws(MergeError) -> String? {
        if let remote { _ = try? remote.fetch() }
        return try existingMerge(of: job)
    }

    /// Brings the local integration branch (and merge refs) to the shared remote's, when there
    /// is one; nothing otherwise.
    public func synchronize() throws(MergeError) {
        try remote?.fetch()
    }

    /// Git's ref files, read without a process where they answer (`GitRefFiles`).
    var refs: GitRefFiles { GitRefFiles(commonDirectory: worktrees.commonDirectory) }

    /// The commit `ref` names, or nil when there is no such ref: from git's files, or from
    /// `rev-parse` when the files do not answer with certainty.
    private func resolve(_ ref: String) -> String? {
        switch refs.lookup(ref) {
        case .found(let object): return object
        case .absent: return nil
        case .unknown: return try? git(["rev-parse", "--verify", "--quiet", ref + "^{commit}"])
        }
    }

    /// Commits `diff` (relative to `base`) as the job commit; returns the commit and its tree.
    ///
    /// The commit goes on no branch here: a job that lands is reachable from its merge commit,
    /// and its branch would be deleted at once (retention), two processes for nothing. Only a
    /// job that does not land gets its branch (`keepJobBranch`). A branch an earlier attempt
    /// kept is reused when it holds the same tree on the same base.
    ///
    /// Usually two git processes: `apply --cached` onto a copy of the index the job's worktree
    /// had at `base` (kept when it was reset, `WorktreeManager.copyBaseIndex`), then `commit`
    /// from that index in the job's worktree, whose HEAD is detached at `base`; the tree is read
    /// from the index git leaves. Without that worktree (a restarted engine, an earlier
    /// attempt's branch, a worktree in the middle of a merge a test started): `read-tree`,
    /// `apply --cached`, `write-tree` and `commit-tree`, which build the very same commit.
    public func commitJob(
        _ job: Job, diff: Data, base: String, trailers: [(String, String)]
    ) throws(MergeError) -> (commit: String, tree: String) {
        var message = job.title.isEmpty ? "Pilothouse job \(job.id.short)" : job.title
        message += "\n\n" + trailers.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + "\n"
        // Stamped with the job's creation time, not the clock: the job commit is then a function
        // of the job, its base and its tree, so an engine that died after building it and runs
        // the merge again builds the very same commit instead of a twin.
        let date = "\(Int(job.createdAt.timeIntervalSince1970)) +0000"
        var environment = identity
        environment["GIT_AUTHOR_DATE"] = date
        environment["GIT_COMMITTER_DATE"] = date

        // The scratch index sits beside the kept base index when there is one (a hard link of
        // it, no copy: git never rewrites an index in place, it renames a new one over it), in
        // the temporary directory otherwise; the patch beside it.
        let worktree = worktrees.baseIndexHolder(of: job.id, base: base)
        let base = try worktree == nil ? reachableBase(base) : base
        let scratchName = "pilothouse-index-commit-\(UUID().uuidString)"
        let index = (worktree?.adminDirectory ?? NSTemporaryDirectory()) + "/" + scratchName
        let patch = index + ".diff"
        defer {
            for leftover in [index, patch, index + ".lock"] { unlink(leftover) }
        }
        do {
            try diff.write(to: URL(fileURLWithPath: patch))
        } catch {
            throw .io("could not write \(patch): \(error.localizedDescription)")
        }
        let scratch = ["GIT_INDEX_FILE": index]
        let linked = worktree.map { worktrees.linkBaseIndex(of: $0, base: base, to: index) } ?? false
        if !linked { try git(["read-tree", base], environment: scratch) }
        if !diff.isEmpty {
            let applied = try run(
                ["apply", "--cached", "--binary", "--whitespace=nowarn", patch],
                environment: scratch)
            guard applied.status == 0 else { throw .patchDoesNotApply(applied.errorText) }
        }
        let branchRef = "refs/heads/" + WorktreeManager.branch(for: job.id)
        let branch = resolve(branchRef)
        if branch == nil, linked, let worktree, Self.commitsOnto(base, worktree) {
            environment["GIT_INDEX_FILE"] = index
            return try commit(message, in: worktree, onto: base, index: index, environment: environment)
        }
        let tree = try git(["write-tree"], environment: scratch)
        if branch != nil {
            // One process answers both: the existing job commit's tree and first parent.
            let existing = try run(["rev-parse", branchRef + "^{tree}", branchRef + "^1", branchRef])
            let known = existing.text.split(separator: "\n").map(String.init)
            if existing.status == 0, known.count == 3, known[0] == tree, known[1] == base {
                return (known[2], tree)
            }
        }
        let commit = try git(["commit-tree", tree, "-p", base, "-m", message], environment: environment)
        return (commit, tree)
    }

    /// `base` when this clone has it. With a shared remote, a job implemented by another engine
    /// may have a base this clone never saw: it is fetched (bases are integration tips, which are
    /// on the remote); one that is not there either (the remote was rewritten, or the base was a
    /// commit that clone never pushed) is replaced by the current integration tip, and the stored
    /// patch applies there or is refused as not applying.
    private func reachableBase(_ base: String) throws(MergeError) -> String {
        guard let remote, !remote.hasCommit(base) else { return base }
        try remote.fetch()
        return remote.hasCommit(base) ? base : try resolveIntegrationTip()
    }

    /// Whether a `git commit` in `worktree` makes a commit whose only parent is `base`: HEAD is
    /// detached at `base` and no merge, cherry-pick or revert a test may have started there
    /// would add a parent or another author.
    static func commitsOnto(_ base: String, _ worktree: WorktreeRegistration) -> Bool {
        guard worktree.detachedHead() == base else { return false }
        return ["MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD"].allSatisfy { name in
            var info = stat()
            return lstat(worktree.adminDirectory + "/" + name, &info) != 0 && errno == ENOENT
        }
    }

    /// `git commit` from `index` in the job's worktree: the tree and the commit in one process
    /// (no hooks, signing or automatic maintenance, the message verbatim). HEAD moves from
    /// `base` to the job commit; the worktree's files and its own index stay as they were.
    private func commit(
        _ message: String, in worktree: WorktreeRegistration, onto base: String, index: String,
        environment: [String: String]
    ) throws(MergeError) -> (commit: String, tree: String) {
        try git(
            [
                "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgSign=false", "-c",
                "maintenance.auto=false",
                "-c", "gc.auto=0", "commit", "-q", "--no-verify", "--allow-empty", "--cleanup=verbatim", "-m",
                message,
            ], in: worktree.path, environment: environment)
        guard let commit = worktree.detachedHead(), commit != base else {
            throw .git(
                .failed(
                    arguments: ["commit"], status: 0,
                    message: "git commit in \(worktree.path) left no detached HEAD on a new commit"))
        }
        // The index git committed records its tree; asking git costs a process.
        if let tree = GitIndexFile(contentsOf: index)?.rootTree { return (commit, tree) }
        return (commit, try tree(of: commit))
    }

    /// Points the job branch `pilothouse/<job>` at `commit`, for a job the queue did not land:
    /// its approved patch stays inspectable there until it merges or `gc` removes it.
    public func keepJobBranch(_ job: JobID, commit: String) throws(MergeError) {
        try git(["update-ref", "refs/heads/" + WorktreeManager.branch(for: job), commit])
    }

    /// A job's merge onto a parent commit, built but not published.
    public enum CandidateMerge: Sendable, Equatable {
        /// The merge commit (parents: `parent`, the job commit) and its tree.
        case merged(commit: String, tree: String)
        /// Git's three-way merge could not combine the change with `parent`: the conflicted
        /// files, and for each the merged text with conflict markers (bounded), so a model or an
        /// operator sees what met what.
        case conflict(files: [String], detail: String)
    }

    /// Merges the job commit onto `parent` in the object database (`merge-tree --write-tree`,
    /// a three-way merge against the job's own base, then `commit-tree`): two git processes, no
    /// worktree, nothing published. A patch whose base is behind `parent` is re-applied
    /// three-way here; only a true conflict comes back as `.conflict`.
    ///
    /// With `jobBaseAndTree` (the job commit's parent and tree) and `parent` that very base,
    /// the three-way merge has nothing to combine: its result is the job's tree, so only
    /// `commit-tree` runs.
    public func candidateMerge(
        _ job: Job, jobCommit: String, onto parent: String, trailers: [(String, String)],
        jobBaseAndTree: (base: String, tree: String)? = nil
    ) throws(MergeError) -> CandidateMerge {
        if let known = jobBaseAndTree, known.base == parent {
            return .merged(
                commit: try mergeCommit(
                    known.tree, parent: parent, job: job, jobCommit: jobCommit, trailers: trailers),
                tree: known.tree)
        }
        let result = try run([
            "merge-tree", "--write-tree", "--name-only", "--no-messages", parent, jobCommit,
        ])
        let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let tree = lines.first, !tree.isEmpty, result.status == 0 || result.status == 1 else {
            throw .git(.failed(arguments: ["merge-tree"], status: result.status, message: result.errorText))
        }
        if result.status == 1 {
            let files = Array(Set(lines.dropFirst().filter { !$0.isEmpty })).sorted()
            return .conflict(files: files, detail: conflictDetail(tree: tree, files: files))
        }
        return .merged(
            commit: try mergeCommit(tree, parent: parent, job: job, jobCommit: jobCommit, trailers: trailers),
            tree: tree)
    }

    /// The job's merge commit: `tree`, parents `parent` (first, for `revert -m 1`) and the job
    /// commit.
    private func mergeCommit(
        _ tree: String, parent: String, job: Job, jobCommit: String, trailers: [(String, String)]
    ) throws(MergeError) -> String {
        var message = "Merge job \(job.id.short) into \(integrationBranch): \(job.title)"
        message += "\n\n" + trailers.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + "\n"
        return try git(
            ["commit-tree", tree, "-p", parent, "-p", jobCommit, "-m", message], environment: identity)
    }

    /// The conflicted files as git merged them (conflict markers in place), up to 8 KiB each
    /// and 5 files, for the feedback a re-implementation gets.
    private func conflictDetail(tree: String, files: [String]) -> String {
        files.prefix(5).map { file in
            var text =
                (try? git(["cat-file", "blob", "\(tree):\(file)"])) ?? "(the merged text could not be read)"
            if text.utf8.count > 8192 {
                text = String(decoding: Array(text.utf8.prefix(8192)), as: UTF8.self) + "\n…"
            }
            return "=== \(file) (merged, with conflict markers) ===\n\(text)\n=== END \(file) ==="
        }.joined(separator: "\n\n")
    }

    /// What `land` did.
    public enum LandResult: Sendable, Equatable {
        case landed
        /// The branch moved meanwhile (another engine or the operator was first): nothing was
        /// published, the caller rebuilds on the new tip. Git's reason, when it gave one.
        case branchMoved(String?)
        /// The batch landed on the shared remote, but this clone's refs could not follow it; the
        /// next fetch moves them (the remote is the authority).
        case landedRemotely(localRefs: MergeError)
    }

    /// Publishes a chain of merge commits (one per job, each on the previous) by moving the
    /// integration branch from `expected` to the last one. Every job's merge ref and the
    /// branch's compare-and-swap go in one ref transaction (one process): all of them or none.
    /// `.branchMoved` when the branch moved meanwhile; nothing is published then.
    ///
    /// With a shared remote that transaction is one atomic push with a lease on `expected`
    /// (`SharedRemote.push`), and the local refs follow only once it landed.
    ///
    /// When the branch is checked out somewhere (and `allow_checked_out_merge` is on), the
    /// merge refs are written first (harmless alone: `existingMerge` counts a merge only on the
    /// branch), then that tree fast-forwards; the refs are taken back if it does not.
    public func land(_ merges: [(job: JobID, commit: String)], expecting expected: String) throws(MergeError)
        -> LandResult
    {
        guard let tip = merges.last?.commit else { return .landed }
        let records = merges.map { "update \(IntegrationMerger.mergeRef(for: $0.job)) \($0.commit)\n" }
        let branchRef = "refs/heads/" + integrationBranch
        if let remote {
            switch try remote.push(merges, tip: tip, expecting: expected) {
            case .lostRace(let reason): return .branchMoved(reason)
            case .pushed:
                do {
                    try updateRefs(records + ["update \(branchRef) \(tip)\n"])
                } catch {
                    return .landedRemotely(localRefs: error)
                }
                return .landed
            }
        }
        if checkedOutWorktree() == nil {
            do {
                try updateRefs(records + ["update \(branchRef) \(tip) \(expected)\n"])
                return .landed
            } catch {
                // The transaction failed as a whole. A branch that moved (or is being moved:
                // its lock is taken) means another engine or the operator was first: rebuild.
                if let now = resolve(branchRef), now != expected { return .branchMoved(nil) }
                if case .git(.failed(_, _, let message)) = error,
                    message.contains("cannot lock ref '\(branchRef)'")
                {
                    return .branchMoved(nil)
                }
                throw error
            }
        }
        try updateRefs(records)
        let published: Bool
        do {
            published = try publish(tip, expecting: expected)
        } catch {
            // A refusal because the branch is checked out keeps the refs: the error tells the
            // operator that merge commit is ready to apply by hand.
            if case .checkedOut = error {} else { forget(merges) }
            throw error
        }
        if !published { forget(merges) }
        return published ? .landed : .branchMoved(nil)
    }

    /// Removes the records of merges that did not land, if they are still these. Best effort:
    /// a stale record is harmless, because `existingMerge` counts it only on the branch.
    private func forget(_ merges: [(job: JobID, commit: String)]) {
        _ = try? updateRefs(merges.map { "delete \(IntegrationMerger.mergeRef(for: $0.job)) \($0.commit)\n" })
    }

    /// One `git update-ref --stdin` transaction: all the instructions or none, in one process.
    private func updateRefs(_ instructions: [String]) throws(MergeError) {
        guard let executable = worktrees.git.executable else {
            throw .git(.notInstalled("git is not on PATH"))
        }
        let file = NSTemporaryDirectory() + "pilothouse-refs-\(UUID().uuidString)"
        do {
            try Data(instructions.joined().utf8).write(to: URL(fileURLWithPath: file))
        } catch {
            throw .io("could not write \(file): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: file) }
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        var command = ProcessCommand(
            argv: [executable, "update-ref", "--stdin"], directory: worktrees.repository.root,
            environment: environment, timeout: worktrees.git.timeout, maxOutputBytes: 64 * 1024,
            mergeOutput: true)
        command.standardInput = file
        let result: ProcessResult
        do {
            result = try ProcessRunner(gracePeriod: .seconds(1)).runBlocking(command)
        } catch {
            throw .git(.notInstalled(error.description))
        }
        guard result.succeeded else {
            throw .git(
                .failed(
                    arguments: ["update-ref", "--stdin"], status: result.timedOut ? -1 : 1,
                    message: String(decoding: result.output, as: UTF8.self)))
        }
    }

    /// The tree of `commit`.
    public func tree(of commit: String) throws(MergeError) -> String {
        try git(["rev-parse", commit + "^{tree}"])
    }

    /// The integration branch's tip.
    public func integrationTip() throws(MergeError) -> String { try resolveIntegrationTip() }

    /// Reverts the job's merge on the integration branch (`git revert -m 1`), in a temporary
    /// worktree so the operator's checkout is left alone; returns the revert commit.
    public func rollback(job: JobID) throws(MergeError) -> String {
        for _ in 0..<5 {
            let tip = try resolveIntegrationTip()
            if let revert = resolve(IntegrationMerger.revertRef(for: job)), try isAncestor(revert, of: tip) {
                return revert
            }
            guard let mergeCommit = resolve(IntegrationMerger.mergeRef(for: job)) else {
                throw .notMerged(job)
            }
            guard try isAncestor(mergeCommit, of: tip) else {
                throw .notOnBranch(job, branch: integrationBranch)
            }
            let scratch = worktrees.repository.worktreesDirectory + "/rollback-" + job.rawValue
            _ = try? worktrees.runGit(["worktree", "remove", "--force", "--force", scratch])
            try? FileManager.default.removeItem(atPath: scratch)
            _ = try? worktrees.runGit(["worktree", "prune"])
            try git(["-c", "core.hooksPath=/dev/null", "worktree", "add", "-q", "--detach", scratch, tip])
            defer {
                _ = try? worktrees.runGit(["worktree", "remove", "--force", "--force", scratch])
                try? FileManager.default.removeItem(atPath: scratch)
            }
            let revert = try run(["revert", "--no-commit", "-m", "1", mergeCommit], in: scratch)
            if revert.status != 0 {
                let conflicted = (try? git(["diff", "--name-only", "--diff-filter=U"], in: scratch)) ?? ""
                throw .revertConflict(job, files: conflicted.split(separator: "\n").map(String.init))
            }
            let message =
                "Revert job \(job.short) (merge \(mergeCommit.prefix(12)))\n\nPilothouse-Job: \(job.rawValue)\nPilothouse-Revert-Of: \(mergeCommit)\n"
            try git(
                [
                    "-c", "core.hooksPath=/dev/null", "commit", "-q", "--no-verify", "--allow-empty", "-m",
                    message,
                ],
                in: scratch, environment: identity)
            let revertCommit = try git(["rev-parse", "HEAD"], in: scratch)
            try git(["update-ref", IntegrationMerger.revertRef(for: job), revertCommit])
            if try publish(revertCommit, expecting: tip) {
                // A rolled-back job may be merged again later; that must not look "already merged".
                _ = try? git(["update-ref", "-d", IntegrationMerger.mergeRef(for: job)])
                return revertCommit
            }
        }
        throw .busy(branch: integrationBranch)
    }

    /// Moves the integration branch from `expected` to `commit`; false when someone else moved
    /// it first (the caller recomputes).
    private func publish(_ commit: String, expecting expected: String) throws(MergeError) -> Bool {
        let ref = "refs/heads/" + integrationBranch
        if let checkout = checkedOutWorktree() {
            guard allowCheckedOutMerge else {
                throw .checkedOut(branch: integrationBranch, path: checkout, commit: commit)
            }
            let status = try git(["status", "--porcelain", "--untracked-files=no"], in: checkout)
            guard status.isEmpty else { throw .checkoutDirty(branch: integrationBranch, path: checkout) }
            let head = try git(["rev-parse", "HEAD"], in: checkout)
            guard head == expected else { return false }
            let result = try run(
                ["-c", "core.hooksPath=/dev/null", "merge", "-q", "--ff-only", commit], in: checkout)
            guard result.status == 0 else { throw .checkoutDirty(branch: integrationBranch, path: checkout) }
            return true
        }
        let result = try run(["update-ref", ref, commit, expected])
        return result.status == 0
    }

    private func resolveIntegrationTip() throws(MergeError) -> String {
        guard let tip = resolve("refs/heads/" + integrationBranch) else {
            throw .noIntegrationBranch(integrationBranch)
        }
        return tip
    }

    private func isAncestor(_ commit: String, of tip: String) throws(MergeError) -> Bool {
        try run(["merge-base", "--is-ancestor", commit, tip]).status == 0
    }

    /// The worktree (operator's or another) that has the integration branch checked out,
    /// read from git's files.
    private func checkedOutWorktree() -> String? {
        worktrees.checkedOutRefs()["refs/heads/" + integrationBranch]
    }

    private func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:])
        throws(MergeError) -> GitRunner.Output
    {
        do {
            return try worktrees.runGit(arguments, in: directory, environment: environment)
        } catch {
            throw .workspace(error)
        }
    }

    @discardableResult
    private func git(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:])
        throws(MergeError) -> String
    {
        let result = try run(arguments, in: directory, environment: environment)
        guard result.status == 0 else {
            throw .git(.failed(arguments: arguments, status: result.status, message: result.errorText))
        }
        return result.text
    }
}

/// Why a merge or rollback did not happen.
public enum MergeError: Error, Equatable, Sendable, CustomStringConvertible {
    case conflict(branch: String, files: [String])
    case patchDoesNotApply(String)
    case noIntegrationBranch(String)
    case checkedOut(branch: String, path: String, commit: String)
    case checkoutDirty(branch: String, path: String)
    case busy(branch: String)
    case notMerged(JobID)
    case notOnBranch(JobID, branch: String)
    case revertConflict(JobID, files: [String])
    case git(GitError)
    case workspace(WorkspaceError)
    case io(String)
    /// The shared remote (`[merge_queue] remote`) could not be fetched from or pushed to, for a
    /// reason other than a lost race: nothing was published; approved jobs wait and are retried.
    case remote(String, operation: String, message: String)
    /// `[merge_queue] remote` names no remote of this clone.
    case remoteNotConfigured(String, repository: String)

    public var description: String {
        switch self {
        case .conflict(let branch, let files):
            "the change conflicts with \(branch) in \(files.isEmpty ? "some files" : files.joined(separator: ", ")); the job needs a rebase"
        case .patchDoesNotApply(let message): "the approved patch does not apply to its base: \(message)"
        case .noIntegrationBranch(let branch):
            "the integration branch '\(branch)' does not exist; create it or set [workspace] integration_branch"
        case .checkedOut(let branch, let path, let commit):
            "'\(branch)' is checked out in \(path), and Pilothouse does not change a checked-out tree unless [workspace] allow_checked_out_merge = true; the merge is ready as \(commit.prefix(12)) (`git merge --ff-only \(commit.prefix(12))` there applies it)"
        case .checkoutDirty(let branch, let path):
            "'\(branch)' is checked out in \(path) with uncommitted changes; commit or stash them, then retry the merge"
        case .busy(let branch): "'\(branch)' kept moving during the merge; retry"
        case .notMerged(let job): "job \(job.short) has no recorded merge to roll back"
        case .notOnBranch(let job, let branch):
            "the merge of job \(job.short) is not on '\(branch)' (was it reset?); nothing to roll back there"
        case .revertConflict(let job, let files):
            "reverting job \(job.short) conflicts with later changes in \(files.joined(separator: ", ")); revert it by hand"
        case .git(let error): error.description
        case .workspace(let error): error.description
        case .io(let detail): detail
        case .remote(let name, let operation, let message):
            "git \(operation) \(operation == "push" ? "to" : "from") the shared remote '\(name)' failed: \(message.isEmpty ? "(git said nothing)" : message); nothing was merged, the approved jobs wait in the merge queue and it tries again (check `git remote get-url \(name)` and that `git fetch \(name)` works in this clone)"
        case .remoteNotConfigured(let name, let repository):
            "[merge_queue] remote = \"\(name)\" is not a remote of \(repository) (`git remote -v` lists them); add it with `git remote add \(name) URL`, or fix the setting in .pilothouse/pilothouse.toml"
        }
    }
}
