import Foundation
import PilothouseCore

/// The git remote whose integration branch is the one true integration branch of a fleet
/// (`[merge_queue] remote`): engines working from separate clones of a repository all merge
/// there, by compare-and-swap, as engines sharing one clone do with `update-ref`.
///
/// Before the merge queue builds a candidate it fetches the remote's branch and every
/// `refs/pilothouse/merges/*` ref, forced into the local refs of the same names (the local
/// branch is a copy of the remote's, never ahead of it). A batch lands with one
/// `git push --atomic` that moves the remote branch only if it still is the tip the candidate
/// was built on (`--force-with-lease`) and writes each job's merge ref with it: all or
/// nothing, so another clone that fetches sees a merge exactly when it is on the branch.
/// Only after that push does the clone move its own refs and the store record the merge; an
/// engine killed in between is recovered by whoever fetches next (`existingMerge`).
public struct SharedRemote: Sendable {
    /// The remote's name in this clone (`git remote`), e.g. "origin".
    public let name: String
    public let branch: String
    let repositoryRoot: String
    /// Network operations get longer than local git's minute: a slow link is not a failure.
    let git: GitRunner

    /// The remote `name` of the repository at `worktrees`, checked to be one this clone has:
    /// a name git does not know is refused here, with what to do, not at the first merge.
    public init(name: String, branch: String, worktrees: WorktreeManager) throws(MergeError) {
        self.name = name
        self.branch = branch
        self.repositoryRoot = worktrees.repository.root
        self.git = GitRunner(executable: worktrees.git.executable, timeout: .seconds(120))
        guard Self.isValidName(name) else { throw .remoteNotConfigured(name, repository: repositoryRoot) }
        let known: GitRunner.Output
        do {
            known = try git.run(["remote", "get-url", "--", name], in: repositoryRoot)
        } catch {
            throw .git(error)
        }
        guard known.status == 0 else { throw .remoteNotConfigured(name, repository: repositoryRoot) }
    }

    /// A remote name git accepts and no option: not empty, no leading '-', no whitespace or
    /// control characters (a name reaches git as one argument, but a URL-looking or option-looking
    /// one is never meant).
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("-") && name.utf8.count <= 200
            && !name.unicodeScalars.contains {
                $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F
            }
    }

    var branchRef: String { "refs/heads/" + branch }

    /// Brings the remote's integration branch and merge refs into this clone (one fetch, forced:
    /// the local branch follows the remote wherever it went). A remote that has no integration
    /// branch yet gets this clone's, by compare-and-swap against its absence, so engines starting
    /// together agree on one. Throws `.remote` with git's message when the remote cannot be
    /// reached or refuses.
    public func fetch() throws(MergeError) {
        var lastError = ""
        for _ in 0..<3 {
            let fetched = try run([
                "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--", name,
                "+\(branchRef):\(branchRef)", "+refs/pilothouse/merges/*:refs/pilothouse/merges/*",
            ])
            if fetched.status == 0 { return }
            if ["cannot lock ref", "unable to update local ref"].contains(where: {
                fetched.errorText.contains($0)
            }) {
                // Another engine of this clone is fetching the same refs right now (or a ref in
                // the way, which the last message will say).
                lastError = fetched.errorText
                usleep(50_000)
                continue
            }
            guard fetched.errorText.contains("couldn't find remote ref \(branchRef)") else {
                throw .remote(name, operation: "fetch", message: RemoteMessage.shown(fetched.errorText))
            }
            // First engine of the fleet: publish the local branch where none is yet. Losing this
            // race is fine; the next fetch brings the winner's.
            let seeded = try run([
                "push", "--quiet", "--porcelain", "--force-with-lease=\(branchRef):", "--", name,
                "\(branchRef):\(branchRef)",
            ])
            if seeded.status != 0, lostRace(seeded) == nil { throw pushFailure(seeded) }
        }
        throw .remote(
            name, operation: "fetch",
            message: RemoteMessage.shown(
                "\(branchRef) could not be brought in from \(name) in three tries: "
                    + (lastError.isEmpty ? "it kept appearing and disappearing there" : lastError)))
    }

    /// What a landing push did.
    public enum PushOutcome: Sendable, Equatable {
        case pushed
        /// The remote branch is no longer `expected`: another engine merged first. Nothing was
        /// written on the remote. Git's line for the branch, for the bead.
        case lostRace(String)
    }

    /// Moves the remote branch from `expected` to `tip` and writes each job's merge ref there, in
    /// one atomic push. A lease the remote refuses is a lost race; any other refusal (unreachable,
    /// a hook, permissions) is `.remote` with git's message, and nothing was written.
    public func push(
        _ merges: [(job: JobID, commit: String)], tip: String, expecting expected: String
    ) throws(MergeError) -> PushOutcome {
        let refspecs =
            ["\(tip):\(branchRef)"]
            + merges.map { "+\($0.commit):\(IntegrationMerger.mergeRef(for: $0.job))" }
        let pushed = try run(
            ["push", "--atomic", "--porcelain", "--force-with-lease=\(branchRef):\(expected)", "--", name]
                + refspecs)
        if pushed.status == 0 { return .pushed }
        if let reason = lostRace(pushed) { return .lostRace(reason) }
        throw pushFailure(pushed)
    }

    /// Git's reason when a failed push refused the branch because it moved; nil for any other
    /// failure.
    private func lostRace(_ pushed: GitRunner.Output) -> String? {
        guard let line = Self.rejectedLines(pushed.text).first(where: { $0.ref == branchRef }),
            Self.isLostRace(line.reason)
        else { return nil }
        return RemoteMessage.shown(line.reason)
    }

    /// A failed push as the operator reads it: git's messages and each refused ref's reason.
    private func pushFailure(_ pushed: GitRunner.Output) -> MergeError {
        let detail = ([pushed.errorText] + Self.rejectedLines(pushed.text).map { "\($0.ref): \($0.reason)" })
            .filter { !$0.isEmpty }.joined(separator: "; ")
        return .remote(name, operation: "push", message: RemoteMessage.shown(detail))
    }

    /// The refs `git push --porcelain` reports as not pushed (flag `!`), with git's reason.
    static func rejectedLines(_ porcelain: String) -> [(ref: String, reason: String)] {
        porcelain.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 3, fields[0] == "!" else { return nil }
            let destination = fields[1].split(separator: ":").last.map(String.init) ?? ""
            return (destination, String(fields[2]))
        }
    }

    /// Whether git's reason for refusing the branch means it moved under us: the lease's check on
    /// this side ("stale info"), or the remote's own compare-and-swap when another push landed
    /// between our check and our update ("… but expected …", a ref lock held by that push).
    static func isLostRace(_ reason: String) -> Bool {
        ["stale info", "fetch first", "non-fast-forward", "but expected", "cannot lock ref"].contains {
            reason.contains($0)
        }
    }

    /// Whether this clone has `commit` (a job's base another engine chose may not be here yet).
    public func hasCommit(_ commit: String) -> Bool {
        (try? git.run(["cat-file", "-e", "--end-of-options", commit + "^{commit}"], in: repositoryRoot))?
            .status == 0
    }

    private func run(_ arguments: [String]) throws(MergeError) -> GitRunner.Output {
        do {
            return try git.run(arguments, in: repositoryRoot)
        } catch {
            if case .timedOut = error {
                throw .remote(name, operation: arguments[0], message: RemoteMessage.shown(error.description))
            }
            throw .git(error)
        }
    }
}
