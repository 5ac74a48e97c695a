import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// The worktree pool: merged jobs' worktrees are reused, never showing one job another's
/// files, whatever state a crash left, and with the number of git processes the throughput
/// budget allows.
@Suite struct WorktreePoolTests {
    /// A git that logs each invocation (one line of arguments) before running the real one, so
    /// a test can count the git processes an operation starts.
    struct CountingGit {
        let log: String
        let runner: GitRunner

        init(in sandbox: GitSandbox) throws {
            let directory = sandbox.outside
            log = directory + "/git-calls.log"
            let script = directory + "/git"
            let real = try #require(GitRunner.pathGit)
            // Written through a close-on-exec descriptor: a process another test spawns
            // meanwhile must not inherit it open for writing, or starting the script fails
            // with "Text file busy".
            let text = Array("#!/bin/sh\necho \"$*\" >> '\(log)'\nexec '\(real)' \"$@\"\n".utf8)
            let descriptor = open(script, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
            #expect(descriptor >= 0)
            #expect(write(descriptor, text, text.count) == text.count)
            close(descriptor)
            runner = GitRunner(executable: script)
            // A child forked before its exec still holds the descriptor for a moment.
            var attempts = 0
            while (try? runner.run(["--version"], in: directory))?.status != 0, attempts < 100 {
                attempts += 1
                usleep(20_000)
            }
            try? FileManager.default.removeItem(atPath: log)
        }

        /// The git subcommands started since the last look, and forgets them.
        func subcommands() -> [String] {
            calls().map { call in
                var words = call.split(separator: " ").map(String.init)[...]
                while words.first == "-c" { words = words.dropFirst(2) }
                return words.first ?? ""
            }
        }

        /// The calls logged since the last look, and forgets them.
        func calls() -> [String] {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: log)
            return text.split(separator: "\n").map(String.init)
        }
    }

    func registeredWorktrees(_ sandbox: GitSandbox) throws -> [String] {
        try sandbox.git("worktree", "list", "--porcelain").split(separator: "\n")
            .filter { $0.hasPrefix("worktree ") }.map { String($0.dropFirst("worktree ".count)) }.dropFirst()
            .map { $0 }
    }

    /// Leaves in `path` every kind of file a job can leave behind.
    func litter(_ sandbox: GitSandbox, in path: String) throws {
        try sandbox.write("README.md", "changed by the first job\n", in: path)
        try sandbox.write("secret-notes.txt", "first job's untracked file\n", in: path)
        try sandbox.write("build/output.o", "first job's ignored build output\n", in: path)
        try sandbox.write(".gitignore", "/.pilothouse/\nbuild/\n", in: path)
        try sandbox.git("add", "--intent-to-add", "secret-notes.txt", in: path)
        try sandbox.write("nested/inner.txt", "inside a nested repository\n", in: path)
        try sandbox.git("init", "-q", in: path + "/nested")
    }

    func expectPristine(_ sandbox: GitSandbox, _ worktree: Worktree) throws {
        #expect(sandbox.read("README.md", in: worktree.path) == Array("hello\n".utf8))
        for leftover in ["secret-notes.txt", "build/output.o", "nested/inner.txt", "nested"] {
            #expect(
                !FileManager.default.fileExists(atPath: worktree.path + "/" + leftover),
                "\(leftover) of another job is visible")
        }
        #expect(try sandbox.git("status", "--porcelain", "--ignored", in: worktree.path).isEmpty)
        #expect(try sandbox.git("rev-parse", "HEAD", in: worktree.path) == worktree.baseCommit)
    }

    @Test func aMergedJobsWorktreeIsReusedCleanWithOneGitProcess() throws {
        let sandbox = try GitSandbox()
        let counting = try CountingGit(in: sandbox)
        let manager = WorktreeManager(repository: sandbox.repository, git: counting.runner, poolCapacity: 2)
        let first = JobID()
        let a = try manager.prepare(job: first, base: "main")
        #expect(counting.subcommands() == ["worktree"])
        try litter(sandbox, in: a.path)
        try sandbox.git("branch", "pilothouse/" + first.rawValue, "main")
        _ = counting.calls()

        try manager.finish(job: first, merged: true, retention: .remove)
        #expect(counting.calls() == ["update-ref --stdin"])
        #expect(!FileManager.default.fileExists(atPath: a.path))
        #expect(try manager.existing(job: first) == nil)
        #expect(try sandbox.gitArgs(["branch", "--list", "pilothouse/*"]).isEmpty)

        let second = JobID()
        let b = try manager.prepare(job: second, base: "main")
        #expect(counting.subcommands() == ["checkout"])
        try expectPristine(sandbox, b)
        #expect(try registeredWorktrees(sandbox) == [WorktreeRegistration.realPath(b.path)])
        #expect(try manager.existing(job: second) == b)
        #expect(counting.calls().isEmpty, "finding a worktree starts no git process")
    }

    @Test func aFullPoolRemovesTheWorktreeAndGitForgetsIt() throws {
        let sandbox = try GitSandbox()
        let manager = WorktreeManager(repository: sandbox.repository, poolCapacity: 0)
        let job = JobID()
        let worktree = try manager.prepare(job: job, base: "main")
        try manager.finish(job: job, merged: true, retention: .remove)
        #expect(!FileManager.default.fileExists(atPath: worktree.path))
        #expect(try registeredWorktrees(sandbox).isEmpty)
        #expect(try sandbox.git("worktree", "prune", "--dry-run", "-v").isEmpty)
    }

    /// The worktree given back last is taken first: it is the closest to the integration tip,
    /// so its reset rewrites the fewest files.
    @Test func theMostRecentlyGivenBackWorktreeIsTakenFirst() throws {
        let sandbox = try GitSandbox()
        let manager = WorktreeManager(repository: sandbox.repository, poolCapacity: 4)
        let jobs = [JobID(), JobID(), JobID()]
        var admins: [JobID: String] = [:]
        for job in jobs {
            let worktree = try manager.prepare(job: job, base: "main")
            admins[job] = try #require(
                WorktreeRegistration.find(
                    at: worktree.path, commonDirectory: sandbox.repository.commonGitDirectory)
            ).adminDirectory
        }
        // Given back in the order 2, 0, 1: 1 is the newest, then 0.
        for index in [2, 0, 1] {
            try manager.finish(job: jobs[index], merged: true, retention: .remove)
            usleep(20_000)
        }
        for expected in [1, 0, 2] {
            let next = try manager.prepare(job: JobID(), base: "main")
            let admin = WorktreeRegistration.find(
                at: next.path, commonDirectory: sandbox.repository.commonGitDirectory)?.adminDirectory
            #expect(admin == admins[jobs[expected]])
        }
    }

    /// Every state a kill -9 can leave between giving a worktree back and the next job
    /// recording it as its own: no stage finds it as the new job's, and preparing it cleans it.
    @Test func noCrashPointLetsAJobSeeAnothersFiles() throws {
        let sandbox = try GitSandbox()
        let manager = sandbox.worktrees
        let first = JobID()
        let a = try manager.prepare(job: first, base: "main")
        try litter(sandbox, in: a.path)
        let registration = try #require(
            WorktreeRegistration.find(at: a.path, commonDirectory: sandbox.repository.commonGitDirectory))

        // 1. Killed after the worktree moved to the next job's name but before it was relinked,
        //    reset or recorded (the first job's record still in place).
        let second = JobID()
        #expect(rename(a.path, manager.path(for: second)) == 0)
        #expect(try manager.existing(job: second) == nil)
        #expect(try manager.existing(job: first) == nil)
        // 2. ... and after it was relinked too.
        _ = try registration.relinked(to: manager.path(for: second))
        #expect(try manager.existing(job: second) == nil, "the record names the first job")
        let b = try manager.prepare(job: second, base: "main")
        try expectPristine(sandbox, b)

        // 3. Killed in the middle of a reset of the same job's own worktree: the record was
        //    cleared first, so the half-reset worktree is not taken as prepared.
        try litter(sandbox, in: b.path)
        let secondRegistration = try #require(
            WorktreeRegistration.find(at: b.path, commonDirectory: sandbox.repository.commonGitDirectory))
        try secondRegistration.clearBase()
        #expect(try manager.existing(job: second) == nil)
        try expectPristine(sandbox, try manager.prepare(job: second, base: "main"))

        // 4. Killed while giving it back, after the record was cleared and it moved to the
        //    pool, before git was told: the next taker relinks and cleans it.
        try litter(sandbox, in: b.path)
        try secondRegistration.clearBase()
        let slot =
            sandbox.repository.worktreesDirectory + "/.pool/"
            + (secondRegistration.adminDirectory as NSString).lastPathComponent
        try FileManager.default.createDirectory(
            atPath: sandbox.repository.worktreesDirectory + "/.pool", withIntermediateDirectories: true)
        #expect(rename(b.path, slot) == 0)
        let third = JobID()
        let c = try manager.prepare(job: third, base: "main")
        try expectPristine(sandbox, c)
        #expect(try registeredWorktrees(sandbox) == [WorktreeRegistration.realPath(c.path)])
    }

    /// A CLI agent can rewrite anything in its worktree, `.git` included, and plant symlinks
    /// beside it: nothing of that is followed or written through.
    @Test func aTamperedWorktreeIsReplacedNotFollowed() throws {
        let sandbox = try GitSandbox()
        let manager = sandbox.worktrees
        let victim = JobID()
        let v = try manager.prepare(job: victim, base: "main")
        try sandbox.write("victim.txt", "another job's work\n", in: v.path)
        let victimAdmin = try #require(
            WorktreeRegistration.find(at: v.path, commonDirectory: sandbox.repository.commonGitDirectory)
        )
        .adminDirectory

        // An agent points its `.git` at the victim's registration.
        let hostile = JobID()
        let h = try manager.prepare(job: hostile, base: "main")
        try sandbox.write(".git", "gitdir: \(victimAdmin)\n", in: h.path)
        #expect(try manager.existing(job: hostile) == nil)
        let again = try manager.prepare(job: hostile, base: "main")
        #expect(sandbox.read("victim.txt", in: again.path) == nil)
        #expect(sandbox.read("victim.txt", in: v.path) == Array("another job's work\n".utf8))
        #expect(try manager.existing(job: victim) == v)

        // ... or outside the repository altogether.
        try sandbox.write(".git", "gitdir: \(sandbox.outside)\n", in: again.path)
        #expect(try manager.existing(job: hostile) == nil)
        _ = try manager.prepare(job: hostile, base: "main")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.outside).isEmpty)

        // A symlink planted in the pool, to another job's worktree, is thrown away, not taken.
        let pool = sandbox.repository.worktreesDirectory + "/.pool"
        try FileManager.default.createDirectory(atPath: pool, withIntermediateDirectories: true)
        #expect(symlink(v.path, pool + "/" + (victimAdmin as NSString).lastPathComponent) == 0)
        let next = try manager.prepare(job: JobID(), base: "main")
        #expect(sandbox.read("victim.txt", in: v.path) == Array("another job's work\n".utf8))
        #expect(try manager.existing(job: victim) == v)
        #expect(WorktreeRegistration.isPlainDirectory(next.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: pool).isEmpty)

        // A symlink where a job's worktree belongs is removed, never followed.
        try sandbox.write("keep.txt", "outside\n", in: sandbox.outside)
        let planted = JobID()
        #expect(symlink(sandbox.outside, manager.path(for: planted)) == 0)
        #expect(try manager.existing(job: planted) == nil)
        let p = try manager.prepare(job: planted, base: "main")
        #expect(sandbox.read("keep.txt", in: sandbox.outside) == Array("outside\n".utf8))
        try expectPristine(sandbox, p)
    }

    /// Eight jobs prepared at once against four idle worktrees: each gets its own.
    @Test func concurrentJobsNeverShareAWorktree() async throws {
        let sandbox = try GitSandbox()
        let manager = WorktreeManager(repository: sandbox.repository, poolCapacity: 8)
        for _ in 0..<4 {
            let job = JobID()
            let worktree = try manager.prepare(job: job, base: "main")
            try litter(sandbox, in: worktree.path)
            try manager.finish(job: job, merged: true, retention: .remove)
        }
        let jobs = (0..<8).map { _ in JobID() }
        let prepared = try await onOwnThreads(jobs.count) { try manager.prepare(job: jobs[$0], base: "main") }
        #expect(Set(prepared.map(\.jobID)) == Set(jobs))
        let admins = prepared.compactMap {
            WorktreeRegistration.find(at: $0.path, commonDirectory: sandbox.repository.commonGitDirectory)?
                .adminDirectory
        }
        #expect(Set(admins).count == 8)
        for worktree in prepared { try expectPristine(sandbox, worktree) }
        #expect(try registeredWorktrees(sandbox).count == 8)
    }

    /// A swarm starting: every job creates a worktree at once. Concurrent `git worktree add`s
    /// trip over each other's half-made registrations ("failed to read .git/worktrees/X/
    /// commondir"), so creating is serialised in the process and retried across processes.
    @Test func aSwarmStartingAtOnceGetsAllItsWorktrees() async throws {
        for _ in 0..<3 {
            let sandbox = try GitSandbox()
            let manager = sandbox.worktrees
            let jobs = (0..<12).map { _ in JobID() }
            let prepared = try await onOwnThreads(jobs.count) {
                try manager.prepare(job: jobs[$0], base: "main")
            }
            #expect(Set(prepared.map(\.jobID)) == Set(jobs))
            #expect(try registeredWorktrees(sandbox).count == jobs.count)
        }
    }

    /// Jobs finishing while others start, as a swarm does: a worktree handed back is never
    /// taken by the next job half-moved (found by `pilothouse bench`: a job's test stage once
    /// found no worktree, because the giver relinked the worktree after a taker had).
    @Test func handingBackWhileOthersTakeNeverLosesAWorktree() async throws {
        let sandbox = try GitSandbox()
        let manager = WorktreeManager(repository: sandbox.repository, poolCapacity: 4)
        let lost = try await onOwnThreads(6) { _ in
            var lost = 0
            for _ in 0..<40 {
                let job = JobID()
                let worktree = try manager.prepare(job: job, base: "main")
                for _ in 0..<20 where try manager.existing(job: job) != worktree { lost += 1 }
                try manager.finish(job: job, merged: true, retention: .remove)
            }
            return lost
        }.reduce(0, +)
        #expect(lost == 0, "a job's worktree went missing \(lost) times")
        #expect(try registeredWorktrees(sandbox).count <= 6)
    }

    /// The merge queue's candidate checkouts come from the same pool: a scratch worktree of a
    /// commit, clean, handed back after the test, never taken for a job's.
    @Test func scratchWorktreesShareThePool() throws {
        let sandbox = try GitSandbox()
        let counting = try CountingGit(in: sandbox)
        let manager = WorktreeManager(repository: sandbox.repository, git: counting.runner, poolCapacity: 2)
        let job = JobID()
        let worktree = try manager.prepare(job: job, base: "main")
        try litter(sandbox, in: worktree.path)
        try manager.finish(job: job, merged: true, retention: .remove)
        _ = counting.calls()

        let candidate = try manager.scratch(named: "merge-queue-1-abc", at: worktree.baseCommit)
        #expect(counting.subcommands() == ["checkout"])
        #expect(sandbox.read("secret-notes.txt", in: candidate) == nil)
        #expect(try sandbox.git("status", "--porcelain", "--ignored", in: candidate).isEmpty)
        #expect(try sandbox.git("rev-parse", "HEAD", in: candidate) == worktree.baseCommit)
        try sandbox.write("test-output.log", "written by the candidate's tests\n", in: candidate)
        try manager.release(scratch: candidate)
        #expect(!FileManager.default.fileExists(atPath: candidate))
        #expect(counting.calls().isEmpty)

        let next = try manager.prepare(job: JobID(), base: "main")
        #expect(sandbox.read("test-output.log", in: next.path) == nil)
        #expect(throws: WorkspaceError.self) { try manager.scratch(named: job.rawValue, at: "main") }
        #expect(throws: WorkspaceError.self) { try manager.scratch(named: "../outside", at: "main") }
    }

    /// Which branch is checked out where, read from git's files, says what `git worktree list`
    /// says (the merge stage asks it before moving the integration branch).
    @Test func checkedOutRefsMatchGitsOwnList() throws {
        let sandbox = try GitSandbox()
        let feature = sandbox.outside + "/feature"
        try sandbox.git("worktree", "add", "-q", "-b", "feature", feature, "main")
        _ = try sandbox.worktrees.prepare(job: JobID(), base: "main")
        var listed: [String: String] = [:]
        var current = ""
        for line in try sandbox.git("worktree", "list", "--porcelain").split(separator: "\n") {
            if line.hasPrefix("worktree ") { current = String(line.dropFirst("worktree ".count)) }
            if line.hasPrefix("branch ") { listed[String(line.dropFirst("branch ".count))] = current }
        }
        #expect(listed.count == 2)
        #expect(sandbox.worktrees.checkedOutRefs() == listed)
    }

    /// A job that was mid-pipeline when Pilothouse was upgraded keeps its worktree: on its job
    /// branch, with the base in `refs/pilothouse/base/<job>`.
    @Test func aWorktreeOfTheEarlierLayoutIsStillFound() throws {
        let sandbox = try GitSandbox()
        let job = JobID()
        let path = sandbox.repository.worktreesDirectory + "/" + job.rawValue
        try sandbox.git("worktree", "add", "-q", "-B", "pilothouse/" + job.rawValue, path, "main")
        let base = try sandbox.git("rev-parse", "main")
        try sandbox.git("update-ref", "refs/pilothouse/base/" + job.rawValue, base)
        let found = try #require(try sandbox.worktrees.existing(job: job))
        #expect(found.baseCommit == base)
        try sandbox.worktrees.finish(job: job, merged: true, retention: .remove)
        #expect(try sandbox.gitArgs(["for-each-ref", "refs/pilothouse/", "refs/heads/pilothouse/"]).isEmpty)
    }
}
