import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// `pilothouse gc`: what finished jobs leave behind goes once their last event is old enough;
/// nothing of an active or held job ever goes, and two collectors at once do no harm.
@Suite struct GarbageCollectorTests {
    static let day: TimeInterval = 86_400

    struct Fixture {
        let sandbox: GitSandbox
        let store: SQLiteStore
        let collector: GarbageCollector

        init() throws {
            sandbox = try GitSandbox()
            try FileManager.default.createDirectory(
                atPath: sandbox.repository.homeDirectory, withIntermediateDirectories: true)
            store = try SQLiteStore.openOrCreate(path: sandbox.repository.databasePath)
            collector = GarbageCollector(store: store, worktrees: sandbox.worktrees)
        }

        /// A job in `state` with a worktree holding a file, its branch, and a transcript.
        func job(_ state: JobState) throws -> (Job, Worktree) {
            let job = try store.enqueue(Job(title: "job \(state)", goal: "Fix: something"))
            let path: [JobState] =
                switch state {
                case .queued: []
                case .running: [.running]
                case .awaitingApproval: [.running, .awaitingApproval]
                case .quarantined: [.quarantined]
                case .failed: [.running, .failed]
                case .rejected: [.running, .awaitingApproval, .rejected]
                case .merged: [.running, .awaitingApproval, .merging, .merged]
                case .paused: [.paused]
                default: [.cancelled]
                }
            for next in path { _ = try store.transition(job.id, to: next) }
            let worktree = try sandbox.worktrees.prepare(job: job.id, base: "main")
            try sandbox.write("work.txt", "work of \(state)\n", in: worktree.path)
            try sandbox.git("branch", WorktreeManager.branch(for: job.id), "main")
            try store.appendTranscript(
                callID: nil, jobID: job.id, stage: .implement, model: "sim", prompt: "p", response: "r")
            return (job, worktree)
        }

        func exists(_ worktree: Worktree) -> Bool { FileManager.default.fileExists(atPath: worktree.path) }

        func branchExists(_ job: Job) throws -> Bool {
            try !sandbox.gitArgs(["branch", "--list", WorktreeManager.branch(for: job.id)]).isEmpty
        }
    }

    /// A merge queue keeps its candidate checkout between batches; one left by an engine that is
    /// gone goes with the next gc, and a live engine's stays.
    @Test func candidateCheckoutsOfGoneEnginesGoAndALiveOnesStays() throws {
        let fixture = try Fixture()
        // A pid that is not running here: a child that has already exited.
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        let gone = "merge-queue-\(exited.processIdentifier)-deadbeef"
        let live = "merge-queue-\(ProcessInfo.processInfo.processIdentifier)-0badcafe"
        let gonePath = try fixture.sandbox.worktrees.scratch(named: gone, at: "main")
        let livePath = try fixture.sandbox.worktrees.scratch(named: live, at: "main")
        let dry = try fixture.collector.collect(olderThan: 0, dryRun: true)
        #expect(dry.staleCheckouts.isEmpty)
        #expect(FileManager.default.fileExists(atPath: gonePath))
        let report = try fixture.collector.collect(olderThan: 0, dryRun: false)
        #expect(report.staleCheckouts == [gone])
        #expect(!FileManager.default.fileExists(atPath: gonePath))
        #expect(FileManager.default.fileExists(atPath: livePath))
        let listed = try fixture.sandbox.gitArgs(["worktree", "list", "--porcelain"])
        // Given back to the pool for the next job (a clean worktree is worth keeping), not left
        // under its dead engine's name.
        #expect(!listed.contains("worktrees/" + gone), "\(listed)")
    }

    @Test func finishedJobsGoOnceOldActiveAndHeldJobsNever() throws {
        let fixture = try Fixture()
        let finished = try [JobState.quarantined, .failed, .rejected, .cancelled].map { try fixture.job($0) }
        let live = try [JobState.queued, .running, .awaitingApproval, .paused].map { try fixture.job($0) }
        try fixture.store.cacheStore(
            key: "k", stage: .review, model: "sim", payload: Data("x".utf8), maxBytes: 1 << 20)

        // Everything happened just now: nothing is 14 days old.
        let early = try fixture.collector.collect(olderThan: 14 * Self.day, dryRun: false)
        #expect(early.jobs.isEmpty)
        #expect(early.keptRecent == 4)
        #expect(early.keptActive == 4)
        #expect(finished.allSatisfy { fixture.exists($0.1) })

        // Thirty days on, a dry run reports and removes nothing.
        let later = Date().addingTimeInterval(30 * Self.day)
        let dry = try fixture.collector.collect(olderThan: 14 * Self.day, dryRun: true, now: later)
        #expect(Set(dry.jobs.map(\.job)) == Set(finished.map(\.0.id.rawValue)))
        #expect(dry.bytesFreed > 0)
        #expect(dry.transcriptsDeleted == 4)
        #expect(dry.cacheEntriesDeleted == 1)
        #expect(finished.allSatisfy { fixture.exists($0.1) })
        #expect(try fixture.store.transcripts().count == 8)

        let report = try fixture.collector.collect(olderThan: 14 * Self.day, dryRun: false, now: later)
        #expect(Set(report.jobs.map(\.job)) == Set(finished.map(\.0.id.rawValue)))
        #expect(report.jobs.allSatisfy { $0.worktree && $0.refs.count == 1 })
        #expect(report.keptActive == 4)
        for (job, worktree) in finished {
            #expect(!fixture.exists(worktree))
            #expect(try !fixture.branchExists(job))
            #expect(try fixture.store.transcripts(jobID: job.id).isEmpty)
        }
        // The live jobs keep their worktrees, files, branches and transcripts, however old.
        for (job, worktree) in live {
            #expect(fixture.sandbox.read("work.txt", in: worktree.path) != nil)
            #expect(try fixture.sandbox.worktrees.existing(job: job.id) == worktree)
            #expect(try fixture.branchExists(job))
            #expect(try fixture.store.transcripts(jobID: job.id).count == 1)
        }
        #expect(try fixture.store.cacheStatistics().remainingEntries == 0)
        // Git forgot the removed worktrees; the integration branch and main are untouched.
        let listed = try fixture.sandbox.git("worktree", "list", "--porcelain")
        #expect(listed.components(separatedBy: "\nworktree ").count - 1 == live.count)
        #expect(try fixture.sandbox.git("rev-parse", "--verify", "main").count == 40)
    }

    /// Age is the job's last event, not a file's modification time.
    @Test func ageCountsFromTheLastEventNotFileTimes() throws {
        let fixture = try Fixture()
        let (job, worktree) = try fixture.job(.quarantined)
        let longAgo = timespec(tv_sec: 946_684_800, tv_nsec: 0)
        for file in [worktree.path, worktree.path + "/work.txt", worktree.path + "/README.md"] {
            _ = [longAgo, longAgo].withUnsafeBufferPointer { utimensat(AT_FDCWD, file, $0.baseAddress, 0) }
        }
        let report = try fixture.collector.collect(olderThan: Self.day, dryRun: false)
        #expect(report.jobs.isEmpty)
        #expect(fixture.exists(worktree))

        // Ten days later a bead (an operator looking at it, say) makes the job recent again.
        let tenDays = Date().addingTimeInterval(10 * Self.day)
        _ = try fixture.store.appendBead(jobID: job.id, kind: "note", message: "inspected")
        #expect(
            try fixture.collector.collect(olderThan: 14 * Self.day, dryRun: false, now: tenDays).jobs.isEmpty)
        #expect(
            try fixture.collector.collect(
                olderThan: 14 * Self.day, dryRun: false, now: tenDays + 5 * Self.day
            )
            .jobs.map(\.job) == [job.id.rawValue])
    }

    /// A worktree or branch whose job the store does not know, a branch an operator has
    /// checked out, and the integration branch.
    @Test func orphansGoCheckedOutAndIntegrationBranchesStay() throws {
        let fixture = try Fixture()
        let orphan = JobID()
        let orphanWorktree = try fixture.sandbox.worktrees.prepare(job: orphan, base: "main")
        try fixture.sandbox.git("branch", WorktreeManager.branch(for: orphan), "main")
        try fixture.sandbox.git("branch", "pilothouse/integration", "main")
        let (inspected, _) = try fixture.job(.failed)
        let inspection = fixture.sandbox.outside + "/inspect"
        try fixture.sandbox.git(
            "worktree", "add", "-q", inspection, WorktreeManager.branch(for: inspected.id))

        let report = try fixture.collector.collect(
            olderThan: Self.day, dryRun: false, now: Date().addingTimeInterval(2 * Self.day))
        let orphanEntry = try #require(report.jobs.first { $0.job == orphan.rawValue })
        #expect(orphanEntry.state == "unknown")
        #expect(!fixture.exists(orphanWorktree))
        #expect(
            try fixture.sandbox.gitArgs(["branch", "--list", WorktreeManager.branch(for: orphan)]).isEmpty)
        #expect(try fixture.branchExists(inspected), "a checked-out branch is left alone")
        #expect(try fixture.sandbox.git("rev-parse", "--verify", "pilothouse/integration").count == 40)
        #expect(FileManager.default.fileExists(atPath: inspection + "/README.md"))
    }

    /// Two collectors at once (as two `pilothouse gc` processes, each with its own lock file
    /// descriptor) remove each job once and both succeed.
    @Test func twoCollectorsAtOnceBothSucceed() async throws {
        let fixture = try Fixture()
        let jobs = try (0..<6).map { _ in try fixture.job(.failed) }
        let later = Date().addingTimeInterval(30 * Self.day)
        let second = GarbageCollector(
            store: try SQLiteStore.open(path: fixture.sandbox.repository.databasePath),
            worktrees: WorktreeManager(repository: fixture.sandbox.repository))
        let reports = try await onOwnThreads(2) { index in
            try (index == 0 ? fixture.collector : second).collect(
                olderThan: Self.day, dryRun: false, now: later)
        }
        let (first, other) = (reports[0], reports[1])
        let removed = first.jobs.filter(\.worktree).map(\.job) + other.jobs.filter(\.worktree).map(\.job)
        #expect(removed.sorted() == jobs.map(\.0.id.rawValue).sorted(), "each worktree removed exactly once")
        for (job, worktree) in jobs {
            #expect(!fixture.exists(worktree))
            #expect(try !fixture.branchExists(job))
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: fixture.sandbox.repository.worktreesDirectory)
                .filter { !$0.hasPrefix(".") }.isEmpty)
    }

    /// A job revived (retried) after gc listed it but before gc took the lock for it keeps its
    /// worktree: gc reads the state again under the lock.
    @Test func aJobRevivedBetweenListingAndLockIsKept() async throws {
        let fixture = try Fixture()
        let (job, worktree) = try fixture.job(.failed)
        let later = Date().addingTimeInterval(30 * Self.day)
        let lockFile = fixture.sandbox.repository.worktreesDirectory + "/.lock"
        var info = stat()
        #expect(lstat(lockFile, &info) == 0)
        let inode = info.st_ino
        // Another holder (an engine preparing a worktree) has the lock while gc lists.
        let blocker = open(lockFile, O_RDWR | O_CLOEXEC)
        #expect(flock(blocker, LOCK_SH) == 0)
        // On a thread of its own: blocked on the lock, it must not hold a cooperative thread.
        let collection = Task {
            try await onOwnThreads(1) { _ in
                try fixture.collector.collect(olderThan: Self.day, dryRun: false, now: later)
            }[0]
        }
        // Wait (at most 60 s) until gc has listed and is blocked on the lock: /proc/locks
        // shows a waiter ("->") on the lock file's inode.
        let deadline = Date().addingTimeInterval(60)
        var blocked = false
        while !blocked && Date() < deadline {
            let locks = (try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) ?? ""
            blocked = locks.split(separator: "\n").contains { $0.contains("->") && $0.contains(":\(inode) ") }
            if !blocked { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(blocked, "gc never waited for the lock")
        _ = try fixture.store.transition(job.id, to: .queued)  // the operator retries
        close(blocker)
        let report = try await collection.value
        #expect(report.jobs.isEmpty)
        #expect(report.keptActive == 1)
        #expect(fixture.exists(worktree))
        #expect(try fixture.sandbox.worktrees.existing(job: job.id) == worktree)
        #expect(try fixture.branchExists(job))
    }
}

/// `[retention]` in a running engine: the disk is measured for the gauges and old jobs'
/// leftovers are collected without anyone running `pilothouse gc`.
@Suite struct WorkspaceMaintenanceTests {
    @Test func aRunningEngineCollectsByItselfAndMeasuresTheDisk() async throws {
        let fixture = try GarbageCollectorTests.Fixture()
        let (_, failed) = try fixture.job(.failed)
        let (_, held) = try fixture.job(.awaitingApproval)
        var settings = RetentionSettings()
        settings.gcOlderThan = 0
        let maintenance = WorkspaceMaintenance(
            homeDirectory: fixture.sandbox.repository.homeDirectory, collector: fixture.collector,
            settings: settings, measureInterval: .milliseconds(20))
        #expect(maintenance.diskUsedBytes == nil)
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        let running = Task { await maintenance.run(notify: { continuation.yield($0) }) }
        defer { running.cancel() }
        let first = await withTaskGroup(of: String?.self) { group in
            group.addTask { await lines.first { _ in true } }
            group.addTask {
                try? await Task.sleep(for: .seconds(20))
                return nil
            }
            let line = await group.next() ?? nil
            group.cancelAll()
            return line
        }
        let line = try #require(first, "no retention notice within 20 s")
        #expect(line.hasPrefix("retention: removed the worktrees and branches of 1 job(s)"))
        #expect(!fixture.exists(failed))
        #expect(fixture.exists(held))
        #expect((maintenance.diskUsedBytes ?? 0) > 0)
    }

    @Test func aFailedCollectionIsANoticeSayingWhatToDo() throws {
        let fixture = try GarbageCollectorTests.Fixture()
        _ = try fixture.job(.failed)
        // A git that cannot start: listing refs fails.
        let broken = GarbageCollector(
            store: fixture.store,
            worktrees: WorktreeManager(
                repository: fixture.sandbox.repository, git: GitRunner(executable: "/nonexistent/git")))
        var settings = RetentionSettings()
        settings.gcOlderThan = 0
        let maintenance = WorkspaceMaintenance(
            homeDirectory: fixture.sandbox.repository.homeDirectory, collector: broken, settings: settings)
        let line = try #require(maintenance.collect(olderThan: 0))
        #expect(line.hasPrefix("retention: automatic gc failed (could not start git"))
        #expect(line.hasSuffix("run `pilothouse gc --dry-run` to see what it would remove"))
    }
}
