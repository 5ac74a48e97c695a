import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// The job commit is built on the index the job's worktree had at its base, kept when the
/// worktree was reset, so git does not read the base tree again; the commit is the same one
/// the `read-tree` way builds, whatever happened in the worktree since.
@Suite(.serialized) struct JobCommitTests {
    typealias CountingGit = WorktreePoolTests.CountingGit

    /// A sandbox, a counting manager, and a job whose worktree changed two files and made one.
    func preparedJob() throws -> (GitSandbox, CountingGit, WorktreeManager, Job, Worktree, Data) {
        let sandbox = try GitSandbox(files: ["a.txt": Array("a\n".utf8), "lib/b.txt": Array("b\n".utf8)])
        let counting = try CountingGit(in: sandbox)
        let manager = WorktreeManager(repository: sandbox.repository, git: counting.runner)
        let job = Job(title: "edit", goal: "g")
        try sandbox.git("branch", "integration")
        let worktree = try manager.prepare(job: job.id, base: "integration")
        try sandbox.write("a.txt", "a changed\n", in: worktree.path)
        try sandbox.write("lib/b.txt", "b changed\n", in: worktree.path)
        try sandbox.write("lib/new.txt", "new\n", in: worktree.path)
        let diff = try manager.canonicalDiff(worktree)
        return (sandbox, counting, manager, job, worktree, diff)
    }

    @Test func twoGitProcessesAndTheSameCommitAsTheReadTreeWay() async throws {
        // Git-heavy: on a thread of its own, not one of the two the cooperative pool has.
        _ = try await onOwnThreads(1) { _ in
            let (sandbox, counting, manager, job, worktree, diff) = try preparedJob()
            // The test stage may stage anything in the job's own index: the kept copy is not it.
            try sandbox.write("junk.txt", "staged by a test\n", in: worktree.path)
            try sandbox.git("add", "-A", in: worktree.path)
            let merger = IntegrationMerger(worktrees: manager, integrationBranch: "integration")
            _ = counting.calls()

            let fast = try merger.commitJob(job, diff: diff, base: worktree.baseCommit, trailers: [])
            #expect(counting.subcommands() == ["apply", "commit"])
            #expect(try sandbox.git("rev-parse", fast.commit + "^{tree}") == fast.tree)
            #expect(
                try sandbox.git("rev-list", "--parents", "-n", "1", fast.commit) == fast.commit + " "
                    + worktree.baseCommit)
            #expect(sandbox.read("junk.txt", in: worktree.path) != nil, "the worktree's files are left alone")

            // The same job without its worktree: git reads the base tree, and the commit is equal.
            try manager.remove(job: job.id, deleteBranch: false)
            _ = counting.calls()
            let read = try merger.commitJob(job, diff: diff, base: worktree.baseCommit, trailers: [])
            #expect(counting.subcommands() == ["read-tree", "apply", "write-tree", "commit-tree"])
            #expect(read == fast)
            let files = try sandbox.git("ls-tree", "-r", "--name-only", fast.tree)
            #expect(files.split(separator: "\n") == [".gitignore", "a.txt", "lib/b.txt", "lib/new.txt"])
            #expect(try sandbox.git("show", fast.commit + ":lib/b.txt") == "b changed")
        }
    }

    /// A rerun after a crash finds HEAD already on the job commit, and a test may have left a
    /// merge in progress: neither is committed onto; the commit is built as before.
    @Test func aMovedHeadOrAMergeInProgressIsNotCommittedOnto() async throws {
        // Git-heavy: on a thread of its own, not one of the two the cooperative pool has.
        _ = try await onOwnThreads(1) { _ in
            let (sandbox, counting, manager, job, worktree, diff) = try preparedJob()
            let merger = IntegrationMerger(worktrees: manager, integrationBranch: "integration")
            let first = try merger.commitJob(job, diff: diff, base: worktree.baseCommit, trailers: [])
            _ = counting.calls()
            let again = try merger.commitJob(job, diff: diff, base: worktree.baseCommit, trailers: [])
            #expect(counting.subcommands() == ["apply", "write-tree", "commit-tree"])
            #expect(again == first)

            let other = Job(title: "other", goal: "g")
            let otherTree = try manager.prepare(job: other.id, base: "integration")
            try sandbox.write("a.txt", "other\n", in: otherTree.path)
            let otherDiff = try manager.canonicalDiff(otherTree, markingNewFiles: false)
            let admin = try #require(
                WorktreeRegistration.find(
                    at: otherTree.path, commonDirectory: sandbox.repository.commonGitDirectory)
            ).adminDirectory
            try Data((first.commit + "\n").utf8).write(to: URL(fileURLWithPath: admin + "/MERGE_HEAD"))
            _ = counting.calls()
            let merged = try merger.commitJob(
                other, diff: otherDiff, base: otherTree.baseCommit, trailers: [])
            #expect(counting.subcommands() == ["apply", "write-tree", "commit-tree"])
            #expect(
                try sandbox.git("rev-list", "--parents", "-n", "1", merged.commit)
                    == merged.commit + " " + otherTree.baseCommit)
        }
    }

    @Test func aWorktreeResetToAnotherBaseIsNotUsedForTheOldOne() async throws {
        // Git-heavy: on a thread of its own, not one of the two the cooperative pool has.
        _ = try await onOwnThreads(1) { _ in
            let (sandbox, counting, manager, job, worktree, diff) = try preparedJob()
            let merger = IntegrationMerger(worktrees: manager, integrationBranch: "integration")
            try sandbox.commitFile("c.txt", "c\n", branch: "integration")
            let moved = try manager.prepare(job: job.id, base: "integration")
            #expect(moved.baseCommit != worktree.baseCommit)
            _ = counting.calls()

            let commit = try merger.commitJob(job, diff: diff, base: worktree.baseCommit, trailers: [])
            #expect(counting.subcommands() == ["read-tree", "apply", "write-tree", "commit-tree"])
            #expect(!(try sandbox.git("ls-tree", "--name-only", commit.tree)).contains("c.txt"))
            #expect(try sandbox.git("rev-parse", commit.commit + "^1") == worktree.baseCommit)
        }
    }
}
