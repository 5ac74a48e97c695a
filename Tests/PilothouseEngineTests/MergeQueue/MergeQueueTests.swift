import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// A repository with an `integration` branch, a store and a test script, for driving the merge
/// queue with real git, real SQLite and real test processes.
final class QueueFixture: @unchecked Sendable {
    let sandbox: GitSandbox
    let directory = TemporaryDirectory()
    let store: SQLiteStore
    let merger: IntegrationMerger
    let recorder = StageRecorder()
    /// Every run of the test script appends a line here (outside the repository).
    var runsFile: String { sandbox.outside + "/runs" }
    var releaseFile: String { sandbox.outside + "/release" }

    /// `test.sh` sources `lib.sh` and `calls.sh` under `set -e`, so a call of a function that no
    /// longer exists fails it; with a file `slow` in the tree it waits for `releaseFile` (at most
    /// 20 s), so a test can hold a candidate under test.
    init() throws {
        sandbox = try GitSandbox(files: [
            "lib.sh": Array("greet() { echo hi; }\n".utf8),
            "calls.sh": Array("true\n".utf8),
            "notes.txt": Array((1...30).map { "note \($0)\n" }.joined().utf8),
        ])
        store = try SQLiteStore.openOrCreate(path: directory.file("pilothouse.db"))
        merger = IntegrationMerger(worktrees: sandbox.worktrees, integrationBranch: "integration")
        let script = """
            #!/bin/sh
            set -e
            echo run >> '\(sandbox.outside)/runs'
            if [ -f slow ]; then
                i=0
                while [ ! -f '\(sandbox.outside)/release' ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done
            fi
            . ./lib.sh
            . ./calls.sh
            echo "all good"
            """
        try sandbox.write("test.sh", script + "\n")
        try sandbox.git("add", "test.sh")
        try sandbox.git("commit", "-q", "-m", "tests")
        try sandbox.git("branch", "integration")
    }

    func queue(batchSize: Int = 8, tested: Bool = true) -> MergeQueue {
        var settings = TestSection()
        settings.command = ["sh", "test.sh"]
        return MergeQueue(
            merger: merger, settings: MergeQueueSection(batchSize: batchSize),
            tests: tested ? TestRunner(settings: settings) : nil, store: store)
    }

    /// A job (stored, `merging`) whose job commit changes `files` on the current integration tip.
    func job(_ title: String, priority: Priority = .p2, _ files: [String: String]) throws -> (Job, String) {
        let job = try store.enqueue(Job(title: title, goal: "g", priority: priority))
        try store.transition(job.id, to: .running)
        try store.transition(job.id, to: .merging)
        let branch = "job-" + job.id.rawValue
        try sandbox.git("branch", branch, "integration")
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            try sandbox.commitFile(path, text, branch: branch, message: title)
        }
        // One commit on the base, as the merge stage makes it.
        let base = try sandbox.git("rev-parse", "integration")
        let tree = try sandbox.git("rev-parse", branch + "^{tree}")
        let commit = try sandbox.git("commit-tree", tree, "-p", base, "-m", title)
        return (job, commit)
    }

    func request(_ job: Job, _ commit: String, testedTree: String? = nil) -> MergeRequest {
        MergeRequest(
            job: job, attempt: 1, jobCommit: commit, testedTree: testedTree,
            trailers: [("Pilothouse-Job", job.id.rawValue)],
            recordBead: { [recorder] kind, message, metadata in await recorder.record(kind, message, metadata)
            })
    }

    var testRuns: Int {
        (try? String(contentsOfFile: runsFile, encoding: .utf8))?.split(separator: "\n").count ?? 0
    }

    /// Runs the repository's test at `revision` in a scratch checkout; true when it passes.
    func testsPass(at revision: String) throws -> Bool {
        let scratch = sandbox.outside + "/check-" + UUID().uuidString
        try sandbox.git("worktree", "add", "-q", "--detach", scratch, revision)
        defer { _ = try? sandbox.git("worktree", "remove", "--force", scratch) }
        let result = try ProcessRunner().runBlocking(
            ProcessCommand(
                argv: ["sh", "test.sh"], directory: scratch, environment: ["PATH": "/usr/bin:/bin"]))
        return result.succeeded
    }

    func mergesOnIntegration() throws -> [String] {
        try sandbox.git("log", "--merges", "--format=%(trailers:key=Pilothouse-Job,valueonly)", "integration")
            .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }
}

@Suite struct MergeQueueTests {
    @Test func twoPatchesThatPassAloneButFailTogetherNeverBothLand() async throws {
        let fixture = try QueueFixture()
        let queue = fixture.queue()
        let (rename, renameCommit) = try fixture.job("rename greet", ["lib.sh": "hello() { echo hi; }\n"])
        let (call, callCommit) = try fixture.job("call greet", ["calls.sh": "true\ngreet\n"])
        // Each passes alone: the job commits' own trees are green.
        #expect(try fixture.testsPass(at: renameCommit))
        #expect(try fixture.testsPass(at: callCommit))
        let tip = try fixture.sandbox.git("rev-parse", "integration")

        let first = await queue.merge(fixture.request(rename, renameCommit))
        guard case .merged(let landing) = first else {
            Issue.record("the rename should merge, got \(first)")
            return
        }
        #expect(landing.previousTip == tip)
        let second = await queue.merge(fixture.request(call, callCommit))
        guard case .sentBack(let back) = second else {
            Issue.record("the call of the old name must not merge onto the rename, got \(second)")
            return
        }
        #expect(back.reason == .testsFailed)
        #expect(back.feedback.contains("greet"))
        #expect(back.feedback.contains("not found"))
        // The branch stays where the rename put it, and it is green.
        #expect(try fixture.sandbox.git("rev-parse", "integration") == landing.newTip)
        #expect(try fixture.testsPass(at: "integration"))
        #expect(try fixture.mergesOnIntegration() == [rename.id.rawValue])
        #expect(try fixture.store.mergeRecord(rename.id) == landing.mergeCommit)
        #expect(try fixture.store.mergeRecord(call.id) == nil)
        // The landed job left the stored queue with its merge record; the one sent back leaves it
        // when the engine queues it again (`sendBackFromMergeQueue`), in the same transaction.
        #expect(try fixture.store.mergeQueueStatus(batchSize: 8).entries.map(\.jobID) == [call.id])
    }

    /// Consecutive candidates are tested in one kept checkout (resetting it rewrites only what
    /// the new patches changed); once the queue is idle it goes back to the pool.
    @Test func theCandidateCheckoutIsKeptWhileBusyAndPooledWhenIdle() async throws {
        let fixture = try QueueFixture()
        let queue = fixture.queue()
        let worktrees = fixture.sandbox.repository.worktreesDirectory
        func checkouts() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: worktrees)) ?? []).filter {
                $0.hasPrefix("merge-queue-")
            }
        }
        let (first, firstCommit) = try fixture.job("first", ["notes.txt": "first\n"])
        guard case .merged = await queue.merge(fixture.request(first, firstCommit)) else {
            Issue.record("the first job did not merge")
            return
        }
        let kept = checkouts()
        #expect(kept.count == 1, "the candidate checkout is kept after its test")
        let (second, secondCommit) = try fixture.job("second", ["lib.sh": "greet() { echo hello; }\n"])
        guard case .merged = await queue.merge(fixture.request(second, secondCommit)) else {
            Issue.record("the second job did not merge")
            return
        }
        #expect(fixture.testRuns == 2)
        #expect(checkouts() == kept, "the second candidate is tested in the same checkout")

        let deadline = Date().addingTimeInterval(15)
        while !checkouts().isEmpty, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(checkouts().isEmpty, "the idle queue did not give its checkout back")
        let pooled = (try? FileManager.default.contentsOfDirectory(atPath: worktrees + "/.pool")) ?? []
        #expect(pooled.count == 1)
    }

    @Test func aFailingBatchIsBisectedAndTheRestLands() async throws {
        let fixture = try QueueFixture()
        let queue = fixture.queue()
        // The first job holds its candidate under test until released, so the next three queue up
        // behind it and are tested as one batch.
        let (slow, slowCommit) = try fixture.job("slow", ["slow": "x\n"])
        let (good, goodCommit) = try fixture.job(
            "good", priority: .p1,
            ["notes.txt": "note 1 changed\n" + (2...30).map { "note \($0)\n" }.joined()])
        let (bad, badCommit) = try fixture.job("bad", priority: .p2, ["calls.sh": "true\nmissing_function\n"])
        let (late, lateCommit) = try fixture.job("late", priority: .p3, ["other.txt": "other\n"])
        async let slowResult = queue.merge(fixture.request(slow, slowCommit))
        try #require(
            await eventually("the first candidate under test") { await queue.status().testingSince != nil })
        async let goodResult = queue.merge(fixture.request(good, goodCommit))
        async let badResult = queue.merge(fixture.request(bad, badCommit))
        async let lateResult = queue.merge(fixture.request(late, lateCommit))
        try #require(
            await eventually("three jobs waiting behind the first") {
                await queue.status().entries.count == 4
            })
        // The console's order: priority, then approval time.
        #expect(await queue.status().entries.map(\.jobID) == [good.id, slow.id, bad.id, late.id])
        #expect(await queue.status().batch.map(\.jobID) == [slow.id])
        try Data().write(to: URL(fileURLWithPath: fixture.releaseFile))
        let results = await (slowResult, goodResult, badResult, lateResult)
        guard case .merged = results.0, case .merged = results.1, case .merged = results.3 else {
            Issue.record("slow, good and late should merge: \(results)")
            return
        }
        guard case .sentBack(let back) = results.2 else {
            Issue.record("bad should be sent back: \(results.2)")
            return
        }
        #expect(back.feedback.contains("missing_function"))
        #expect(Set(try fixture.mergesOnIntegration()) == Set([slow.id, good.id, late.id].map(\.rawValue)))
        #expect(try fixture.mergesOnIntegration().count == 3)
        // slow; [good, bad, late] fails; [good] passes; [good, bad] fails: bad is the culprit and
        // good lands; then [late] on the new tip.
        #expect(fixture.testRuns == 5)
        // Every merge commit on the branch is green, not only the tip.
        for commit in try fixture.sandbox.git("rev-list", "--merges", "integration").split(separator: "\n") {
            #expect(try fixture.testsPass(at: String(commit)))
        }
        let beads = await fixture.recorder.beads
        #expect(beads.contains { $0.0 == .queueTesting && $0.2["batch_size"] == "3" })
    }

    @Test func aStaleBaseIsReappliedThreeWayAndAConflictGoesBackWithTheMergedText() async throws {
        let fixture = try QueueFixture()
        let queue = fixture.queue(tested: false)
        let lines = (1...30).map { "note \($0)\n" }
        func notes(_ changes: [Int: String]) -> String {
            lines.enumerated().map { changes[$0.offset + 1].map { $0 + "\n" } ?? $0.element }.joined()
        }
        let (top, topCommit) = try fixture.job("top", ["notes.txt": notes([1: "top edit"])])
        let (bottom, bottomCommit) = try fixture.job("bottom", ["notes.txt": notes([30: "bottom edit"])])
        let (clash, clashCommit) = try fixture.job("clash", ["notes.txt": notes([1: "clashing edit"])])
        guard case .merged = await queue.merge(fixture.request(top, topCommit)) else {
            Issue.record("top should merge")
            return
        }
        // Written on the old tip, it still merges: re-applied three-way, no new approval needed.
        guard case .merged = await queue.merge(fixture.request(bottom, bottomCommit)) else {
            Issue.record("bottom should be re-applied onto the new tip")
            return
        }
        let merged = try fixture.sandbox.git("show", "integration:notes.txt")
        #expect(merged.contains("top edit") && merged.contains("bottom edit"))
        let verdict = await queue.merge(fixture.request(clash, clashCommit))
        guard case .sentBack(let back) = verdict else {
            Issue.record("clash should go back, got \(verdict)")
            return
        }
        #expect(back.reason == .conflict)
        #expect(back.message.contains("notes.txt"))
        #expect(back.feedback.contains("<<<<<<<") && back.feedback.contains("top edit"))
        #expect(back.feedback.contains("clashing edit"))
        #expect(try fixture.mergesOnIntegration().count == 2)
    }

    @Test func aMergeThatLandedBeforeACrashIsNeverMergedAgain() async throws {
        let fixture = try QueueFixture()
        let (job, commit) = try fixture.job("crash", ["other.txt": "x\n"])
        // The engine moved the branch, then died before writing the store.
        let tip = try fixture.sandbox.git("rev-parse", "integration")
        guard
            case .merged(let mergeCommit, _) = try fixture.merger.candidateMerge(
                job, jobCommit: commit, onto: tip, trailers: [("Pilothouse-Job", job.id.rawValue)])
        else {
            Issue.record("expected a clean candidate")
            return
        }
        #expect(try fixture.merger.land([(job: job.id, commit: mergeCommit)], expecting: tip) == .landed)
        // The restarted engine's queue meets the same approved job again.
        let verdict = await fixture.queue().merge(fixture.request(job, commit))
        guard case .merged(let landing) = verdict else {
            Issue.record("expected merged, got \(verdict)")
            return
        }
        #expect(landing.mergeCommit == mergeCommit)
        #expect(try fixture.mergesOnIntegration() == [job.id.rawValue])
        #expect(try fixture.store.mergeRecord(job.id) == mergeCommit)
        #expect(fixture.testRuns == 0)
        // The store refuses a second record of the same job's merge outright.
        let again = MergeLanding(
            mergeCommit: "feed", jobCommit: commit, candidateTree: "t", previousTip: tip, newTip: "feed",
            batchSize: 1)
        #expect(throws: (any Error).self) { try fixture.store.recordLanding([(job: job.id, landing: again)]) }
        // A compare-and-swap from a stale tip publishes nothing.
        #expect(try fixture.merger.land([(job: job.id, commit: commit)], expecting: tip) == .branchMoved(nil))
        #expect(try fixture.sandbox.git("rev-parse", "integration") == mergeCommit)
    }

    /// A candidate right on the job's own base skips the three-way merge: same tree and parents
    /// as git's merge gives, and a job behind the tip still gets the real merge.
    @Test func aCandidateOnTheJobsOwnBaseIsTheJobsTree() async throws {
        let fixture = try QueueFixture()
        let (job, commit) = try fixture.job("own base", ["notes.txt": "first\n"])
        let base = try fixture.sandbox.git("rev-parse", commit + "^")
        let tree = try fixture.sandbox.git("rev-parse", commit + "^{tree}")
        let trailers = [("Pilothouse-Job", job.id.rawValue)]
        let merged = try fixture.merger.candidateMerge(job, jobCommit: commit, onto: base, trailers: trailers)
        let known = try fixture.merger.candidateMerge(
            job, jobCommit: commit, onto: base, trailers: trailers, jobBaseAndTree: (base, tree))
        guard case .merged(let viaGit, let gitTree) = merged, case .merged(let direct, let directTree) = known
        else {
            Issue.record("expected two clean candidates, got \(merged) and \(known)")
            return
        }
        #expect(directTree == gitTree && directTree == tree)
        #expect(try fixture.sandbox.git("rev-parse", direct + "^1", direct + "^2") == "\(base)\n\(commit)")
        #expect(try fixture.sandbox.git("rev-parse", viaGit + "^1", viaGit + "^2") == "\(base)\n\(commit)")

        // Once the tip moved, the known base is not the parent: git merges, a conflict is seen.
        try fixture.sandbox.commitFile("notes.txt", "other\n", branch: "integration")
        let tip = try fixture.sandbox.git("rev-parse", "integration")
        let behind = try fixture.merger.candidateMerge(
            job, jobCommit: commit, onto: tip, trailers: trailers, jobBaseAndTree: (base, tree))
        guard case .conflict(let files, _) = behind else {
            Issue.record("expected the conflict git's merge finds, got \(behind)")
            return
        }
        #expect(files == ["notes.txt"])
    }

    @Test func aTreeTestedOnceIsNotTestedAgain() async throws {
        let fixture = try QueueFixture()
        let (job, commit) = try fixture.job("bad", ["calls.sh": "true\nmissing_function\n"])
        let first = await fixture.queue().merge(fixture.request(job, commit))
        guard case .sentBack = first else {
            Issue.record("expected the failing patch to go back, got \(first)")
            return
        }
        // The candidate, and the tip once (to know the job, not the branch, is at fault).
        #expect(fixture.testRuns == 2)
        // Another engine (a new queue on the same store) meets the same candidate tree.
        let second = await fixture.queue().merge(fixture.request(job, commit))
        guard case .sentBack(let back) = second else {
            Issue.record("expected the same verdict, got \(second)")
            return
        }
        #expect(back.feedback.contains("missing_function"))
        #expect(fixture.testRuns == 2)
        // A job whose own test stage passed on exactly the candidate tree is not tested again.
        let (good, goodCommit) = try fixture.job("good", ["other.txt": "x\n"])
        let tree = try fixture.sandbox.git("rev-parse", goodCommit + "^{tree}")
        guard case .merged = await fixture.queue().merge(fixture.request(good, goodCommit, testedTree: tree))
        else {
            Issue.record("expected good to merge")
            return
        }
        #expect(fixture.testRuns == 2)
    }

    /// A job cancelled while its candidate is under test, when the tip then turns out red,
    /// leaves at once instead of being held until someone fixes the branch.
    @Test func aJobCancelledDuringTheTestIsNotHeldByARedTip() async throws {
        let fixture = try QueueFixture()
        let queue = fixture.queue()
        try fixture.sandbox.commitFile(
            "calls.sh", "true\nbroken_call\n", branch: "integration", message: "red")
        let (job, commit) = try fixture.job("slow one", ["slow": "held under test\n"])
        let finished = Flag()
        let merge = Task {
            let verdict = await queue.merge(fixture.request(job, commit))
            await finished.set()
            return verdict
        }
        try #require(await eventually("the candidate under test") { fixture.testRuns >= 1 })
        merge.cancel()
        try Data().write(to: URL(fileURLWithPath: fixture.releaseFile))
        try #require(await eventually("the cancelled job to leave the held queue") { await finished.value })
        #expect(await merge.value == .cancelled)
        #expect(await queue.status().entries.isEmpty)
    }

    @Test func aRedTipHoldsTheQueueInsteadOfBlamingTheFirstJob() async throws {
        let fixture = try QueueFixture()
        let queue = fixture.queue()
        // Someone pushed a broken change to the branch outside the queue.
        try fixture.sandbox.commitFile(
            "calls.sh", "true\nbroken_call\n", branch: "integration", message: "red")
        let (job, commit) = try fixture.job("innocent", ["other.txt": "x\n"])
        async let verdict = queue.merge(fixture.request(job, commit))
        try #require(await eventually("the red tip tested") { fixture.testRuns >= 2 })
        // Held, not sent back: it stays first in the queue while nothing is under test.
        try #require(await eventually("the job held") { await queue.status().testingSince == nil })
        #expect(await queue.status().entries.map(\.jobID) == [job.id])
        #expect(!(await fixture.recorder.beads.contains { $0.0 == .queueSentBack }))
        // The branch is fixed; the held job merges onto the fixed tip.
        try fixture.sandbox.commitFile("calls.sh", "true\n", branch: "integration", message: "fix")
        guard case .merged(let landing) = await verdict else {
            Issue.record("the held job should merge once the branch is green")
            return
        }
        #expect(try fixture.testsPass(at: landing.newTip))
    }
}

@Suite struct MergeQueueStoreTests {
    @Test func aSentBackJobIsQueuedWithFeedbackUntilItRunsOutOfAttempts() throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteStore.openOrCreate(path: directory.file("pilothouse.db"))
        var job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 2))
        for attempt in 1...2 {
            job = try #require(try store.claimNextJob(owner: "e", leaseUntil: Date().addingTimeInterval(60)))
            #expect(job.attempts == attempt)
            try store.transition(job.id, to: .merging)
            _ = try store.enterMergeQueue(job, attempt: attempt)
            #expect(try store.mergeQueueStatus(batchSize: 4).entries.map(\.jobID) == [job.id])
            let retried = try store.sendBackFromMergeQueue(
                job.id, feedback: "conflict in a.txt", message: "conflict", finalState: .needsRebase)
            #expect(retried == (attempt == 1))
            #expect(try store.mergeQueueStatus(batchSize: 4).entries.isEmpty)
            #expect(try store.feedback(job.id) == "conflict in a.txt")
        }
        #expect(try store.job(job.id)?.state == .needsRebase)
    }
}

/// Set once from a task, read by the test that waits for it.
actor Flag {
    private(set) var value = false
    func set() { value = true }
}
