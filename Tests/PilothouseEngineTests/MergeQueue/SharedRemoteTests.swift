import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// A bare remote whose `integration` branch is the fleet's, clones of it that merge through it
/// (`[merge_queue] remote = "origin"`), and one store they share, as a fleet shares PostgreSQL:
/// real git, real SQLite, real test processes.
final class FleetFixture: @unchecked Sendable {
    /// The repository the remote is cloned from, with the merge queue tests' store, test script
    /// (a file `slow` holds a candidate under test until `releaseFile` exists) and `integration`.
    let origin: QueueFixture
    var seed: GitSandbox { origin.sandbox }
    var store: SQLiteStore { origin.store }
    var remotePath: String { seed.outside + "/remote.git" }
    var releaseFile: String { origin.releaseFile }
    var testRuns: Int { origin.testRuns }

    init() throws {
        origin = try QueueFixture()
        try seed.gitArgs(["clone", "-q", "--bare", seed.root, remotePath], in: seed.outside)
    }

    /// A fresh clone of the remote, merging through it.
    func clone(_ name: String) throws -> RemoteClone { try RemoteClone(self, name: name) }

    /// A stored job in `merging`, as the merge stage hands it to the queue.
    func approvedJob(_ title: String) throws -> Job {
        let job = try store.enqueue(Job(title: title, goal: "g"))
        try store.transition(job.id, to: .running)
        try store.transition(job.id, to: .merging)
        return job
    }

    /// `git` in the bare remote.
    @discardableResult
    func remote(_ arguments: String...) throws -> String { try seed.gitArgs(arguments, in: remotePath) }

    /// The jobs merged on the remote's integration branch, one entry per merge commit.
    func mergesOnRemote() throws -> [String] {
        try remote("log", "--merges", "--format=%(trailers:key=Pilothouse-Job,valueonly)", "integration")
            .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

}

/// One engine's clone: its merger and queue work against `origin`, the fixture's remote.
final class RemoteClone: @unchecked Sendable {
    let fixture: FleetFixture
    let root: String
    let merger: IntegrationMerger
    let recorder = StageRecorder()
    let notices = NoticeLog()

    init(_ fixture: FleetFixture, name: String) throws {
        self.fixture = fixture
        root = fixture.seed.outside + "/" + name
        try fixture.seed.gitArgs(["clone", "-q", fixture.remotePath, root], in: fixture.seed.outside)
        try fixture.seed.gitArgs(["branch", "integration", "origin/integration"], in: root)
        let worktrees = WorktreeManager(repository: Repository(root: root))
        merger = IntegrationMerger(
            worktrees: worktrees, integrationBranch: "integration",
            remote: try SharedRemote(name: "origin", branch: "integration", worktrees: worktrees))
    }

    @discardableResult
    func git(_ arguments: String...) throws -> String { try fixture.seed.gitArgs(arguments, in: root) }

    func queue(tested: Bool = false, batchSize: Int = 8) -> MergeQueue {
        var settings = TestSection()
        settings.command = ["sh", "test.sh"]
        return MergeQueue(
            merger: merger, settings: MergeQueueSection(batchSize: batchSize, remote: "origin"),
            tests: tested ? TestRunner(settings: settings) : nil, store: fixture.store,
            notify: { [notices] text in await notices.add(text) })
    }

    /// A job commit of `job` in this clone that writes `files` on `base` (default: this clone's
    /// integration tip, which may be behind the remote's).
    func jobCommit(_ job: Job, _ files: [String: String], on base: String = "integration") throws -> String {
        let base = try git("rev-parse", base)
        let scratch = fixture.seed.outside + "/scratch-" + UUID().uuidString
        try git("worktree", "add", "-q", "--detach", scratch, base)
        defer { _ = try? git("worktree", "remove", "--force", scratch) }
        for (path, text) in files { try fixture.seed.write(path, text, in: scratch) }
        try fixture.seed.gitArgs(["add", "-A"], in: scratch)
        try fixture.seed.gitArgs(["commit", "-q", "-m", job.title], in: scratch)
        return try fixture.seed.gitArgs(["rev-parse", "HEAD"], in: scratch)
    }

    /// The merge commit of `job` (writing `files`) on this clone's integration tip, built as the
    /// queue builds a candidate but not landed; and that tip.
    func candidate(_ job: Job, _ files: [String: String]) throws -> (tip: String, mergeCommit: String) {
        let commit = try jobCommit(job, files)
        let tip = try git("rev-parse", "integration")
        let built = try merger.candidateMerge(
            job, jobCommit: commit, onto: tip, trailers: [("Pilothouse-Job", job.id.rawValue)])
        guard case .merged(let mergeCommit, _) = built else {
            throw GitSandbox.Failed(description: "expected a clean candidate, got \(built)")
        }
        return (tip, mergeCommit)
    }

    func request(_ job: Job, _ commit: String) -> MergeRequest {
        MergeRequest(
            job: job, attempt: 1, jobCommit: commit, testedTree: nil,
            trailers: [("Pilothouse-Job", job.id.rawValue)],
            recordBead: { [recorder] kind, message, metadata in await recorder.record(kind, message, metadata)
            })
    }

    /// Queues `request` on `queue` in a task of its own; its verdict is read once `done` is set.
    func merging(_ request: MergeRequest, on queue: MergeQueue) -> (Task<MergeVerdict, Never>, Flag) {
        let done = Flag()
        let task = Task {
            let verdict = await queue.merge(request)
            await done.set()
            return verdict
        }
        return (task, done)
    }
}

/// The operator notices a queue gave, in order.
actor NoticeLog {
    private(set) var lines: [String] = []
    func add(_ line: String) { lines.append(line) }
}

/// Serialized: each test runs several clones' git at once already; in parallel with each other
/// they would hold every thread of the cooperative pool on a 2-core machine.
@Suite(.serialized) struct SharedRemoteTests {
    /// Two engines in two clones land at once, each batch by batch: every merge ends on the
    /// remote's branch exactly once, and neither clone's push ever replaced the other's.
    @Test func twoClonesLandingAtOnceNeverOverwriteEachOther() async throws {
        let fixture = try FleetFixture()
        let clones = [try fixture.clone("a"), try fixture.clone("b")]
        let queues = clones.map { $0.queue(batchSize: 1) }
        var requests: [(clone: Int, request: MergeRequest)] = []
        for (index, clone) in clones.enumerated() {
            for number in 1...3 {
                let job = try fixture.approvedJob("clone \(index) job \(number)")
                let commit = try clone.jobCommit(job, ["file-\(index)-\(number).txt": "\(number)\n"])
                requests.append((index, clone.request(job, commit)))
            }
        }
        let verdicts = await withTaskGroup(of: (JobID, MergeVerdict).self) { group in
            for (index, request) in requests {
                group.addTask { (request.job.id, await queues[index].merge(request)) }
            }
            var all: [JobID: MergeVerdict] = [:]
            for await (id, verdict) in group { all[id] = verdict }
            return all
        }
        let ids = requests.map(\.request.job.id)
        for id in ids {
            guard case .merged(let landing) = verdicts[id] else {
                Issue.record("\(id.short) did not merge: \(String(describing: verdicts[id]))")
                continue
            }
            #expect(try fixture.store.mergeRecord(id) == landing.mergeCommit)
            #expect(
                try fixture.remote("merge-base", "--is-ancestor", landing.mergeCommit, "integration") == "")
            #expect(
                try fixture.remote("rev-parse", "refs/pilothouse/merges/" + id.rawValue)
                    == landing.mergeCommit)
        }
        let merged = try fixture.mergesOnRemote()
        #expect(merged.sorted() == ids.map(\.rawValue).sorted())
        // The branch is one line of merges: each merge's first parent is the merge before it.
        #expect(try fixture.remote("rev-list", "--first-parent", "--merges", "--count", "integration") == "6")
    }

    /// A clone whose candidate was under test while another clone landed loses the push's
    /// lease, says so in a bead, fetches the winner's tip and lands on it; it never overwrites.
    @Test func aLostRaceIsMergedAgainOnTheWinnersTip() async throws {
        let fixture = try FleetFixture()
        let (slow, fast) = (try fixture.clone("slow"), try fixture.clone("fast"))
        let held = try fixture.approvedJob("held under test")
        let heldCommit = try slow.jobCommit(held, ["slow": "wait\n", "held.txt": "held\n"])
        let (merge, done) = slow.merging(slow.request(held, heldCommit), on: slow.queue(tested: true))
        try #require(await eventually("the slow clone's candidate under test") { fixture.testRuns >= 1 })
        let start = try fixture.remote("rev-parse", "integration")

        let winner = try fixture.approvedJob("lands first")
        let winnerCommit = try fast.jobCommit(winner, ["winner.txt": "first\n"])
        guard case .merged(let won) = await fast.queue().merge(fast.request(winner, winnerCommit)) else {
            Issue.record("the fast clone's job should land")
            return
        }
        #expect(won.previousTip == start)
        try Data().write(to: URL(fileURLWithPath: fixture.releaseFile))
        try #require(await eventually("the held job's verdict") { await done.value })
        guard case .merged(let landing) = await merge.value else {
            Issue.record("the job that lost the race should merge on the new tip, got \(await merge.value)")
            return
        }
        #expect(landing.previousTip == won.newTip)
        #expect(try fixture.mergesOnRemote() == [held.id.rawValue, winner.id.rawValue])
        #expect(try fixture.remote("rev-parse", "integration^1") == won.newTip)
        let lost = await slow.recorder.beads.filter { $0.0.rawValue == "queue_race_lost" }
        #expect(lost.count == 1)
        #expect(lost.first?.2["reason"]?.contains("stale info") == true)
        #expect(lost.first?.2["tip"] == start)
        #expect(try fixture.store.mergeRecord(held.id) == landing.mergeCommit)
    }

    /// The lease itself: a push built on a tip the remote no longer has writes nothing there and
    /// moves nothing here, not even the job's merge ref.
    @Test func aStaleLeaseWritesNothingOnEitherSide() async throws {
        let fixture = try FleetFixture()
        let (a, b) = (try fixture.clone("a"), try fixture.clone("b"))
        let job = try fixture.approvedJob("stale")
        let (stale, mergeCommit) = try a.candidate(job, ["stale.txt": "x\n"])
        let other = try fixture.approvedJob("other")
        guard case .merged = await b.queue().merge(b.request(other, try b.jobCommit(other, ["o.txt": "o\n"])))
        else {
            Issue.record("the other clone's job should land")
            return
        }
        let remoteTip = try fixture.remote("rev-parse", "integration")
        let result = try a.merger.land([(job: job.id, commit: mergeCommit)], expecting: stale)
        guard case .branchMoved(let reason) = result else {
            Issue.record("a stale lease must not land, got \(result)")
            return
        }
        #expect(reason?.contains("stale info") == true)
        #expect(try fixture.remote("rev-parse", "integration") == remoteTip)
        #expect(try fixture.remote("for-each-ref", "refs/pilothouse/merges/" + job.id.rawValue) == "")
        #expect(try a.git("rev-parse", "integration") == stale)
        #expect(try a.git("for-each-ref", "refs/pilothouse/merges/" + job.id.rawValue) == "")
    }

    /// A remote that cannot be reached publishes nothing and loses nothing: the job stays
    /// approved in the queue, the operator reads git's reason once, and it lands once the remote
    /// is back.
    @Test func anUnreachableRemoteKeepsTheJobApprovedUntilItIsBack() async throws {
        let fixture = try FleetFixture()
        let clone = try fixture.clone("a")
        try clone.git("remote", "set-url", "origin", fixture.seed.outside + "/moved.git")
        let job = try fixture.approvedJob("waits for the remote")
        let queue = clone.queue()
        let (merge, done) = clone.merging(
            clone.request(job, try clone.jobCommit(job, ["w.txt": "w\n"])), on: queue)
        try #require(await eventually("the operator told") { await !clone.notices.lines.isEmpty })
        let notice = try #require(await clone.notices.lines.first)
        #expect(notice.contains("fetch from the shared remote 'origin' failed"))
        #expect(notice.contains("does not appear to be a git repository"))
        #expect(notice.contains("1 approved job"))
        let beads = await clone.recorder.beads.filter { $0.0.rawValue == "queue_remote_failed" }
        #expect(beads.count == 1)
        // Still approved, still queued, nothing recorded or merged.
        #expect(!(await done.value))
        #expect(await queue.status().entries.map(\.jobID) == [job.id])
        #expect(try fixture.store.job(job.id)?.state == .merging)
        #expect(try fixture.store.mergeRecord(job.id) == nil)
        #expect(try fixture.mergesOnRemote().isEmpty)

        try FileManager.default.moveItem(
            atPath: fixture.remotePath, toPath: fixture.seed.outside + "/moved.git")
        try #require(await eventually("the job merged once the remote is back") { await done.value })
        guard case .merged(let landing) = await merge.value else {
            Issue.record("expected the job to merge, got \(await merge.value)")
            return
        }
        #expect(
            try fixture.seed.gitArgs(["rev-parse", "integration"], in: fixture.seed.outside + "/moved.git")
                == landing.newTip)
        #expect(try fixture.store.mergeRecord(job.id) == landing.mergeCommit)
        #expect(await clone.notices.lines.last?.contains("works again") == true)
        #expect(await clone.recorder.beads.filter { $0.0.rawValue == "queue_remote_failed" }.count == 1)
    }

    /// A push the remote refuses for another reason than a moved branch (here a hook) is no lost
    /// race: nothing moves on either side, the reason reaches the operator, and the job lands
    /// once the remote accepts it.
    @Test func aPushTheRemoteRefusesIsReportedAndRetried() async throws {
        let fixture = try FleetFixture()
        let clone = try fixture.clone("a")
        let hook = fixture.remotePath + "/hooks/pre-receive"
        try "#!/bin/sh\necho 'pushes are frozen for the release' >&2\nexit 1\n".write(
            toFile: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        let job = try fixture.approvedJob("refused")
        let localTip = try clone.git("rev-parse", "integration")
        let queue = clone.queue()
        let (merge, done) = clone.merging(
            clone.request(job, try clone.jobCommit(job, ["r.txt": "r\n"])), on: queue)
        try #require(await eventually("the operator told") { await !clone.notices.lines.isEmpty })
        let notice = try #require(await clone.notices.lines.first)
        #expect(notice.contains("push to the shared remote 'origin' failed"))
        #expect(notice.contains("pushes are frozen for the release"))
        #expect(!(await done.value))
        #expect(try clone.git("rev-parse", "integration") == localTip)
        #expect(try clone.git("for-each-ref", "refs/pilothouse/merges/") == "")
        #expect(try fixture.store.mergeRecord(job.id) == nil)
        #expect(try fixture.mergesOnRemote().isEmpty)

        try FileManager.default.removeItem(atPath: hook)
        try #require(await eventually("the job merged once the hook is gone") { await done.value })
        guard case .merged = await merge.value else {
            Issue.record("expected the job to merge, got \(await merge.value)")
            return
        }
        #expect(try fixture.mergesOnRemote() == [job.id.rawValue])
    }

    /// An engine killed after its push and before the store recorded the merge: another clone's
    /// queue finds the merge on the remote and records it, and a third clone's merge stage sees
    /// it as done; the job is merged once.
    @Test func aMergePushedBeforeACrashIsFoundFromAnotherClone() async throws {
        let fixture = try FleetFixture()
        let (crashed, survivor, third) = (
            try fixture.clone("a"), try fixture.clone("b"), try fixture.clone("c")
        )
        let job = try fixture.approvedJob("pushed, then killed")
        let (tip, mergeCommit) = try crashed.candidate(job, ["k.txt": "k\n"])
        #expect(try crashed.merger.land([(job: job.id, commit: mergeCommit)], expecting: tip) == .landed)
        #expect(try fixture.store.mergeRecord(job.id) == nil)

        // The job is taken over by an engine in another clone, which never fetched since.
        #expect(try survivor.merger.existingMerge(of: job.id) == nil)
        let verdict = await survivor.queue().merge(
            survivor.request(job, try survivor.jobCommit(job, ["k.txt": "k\n"])))
        guard case .merged(let landing) = verdict else {
            Issue.record("expected the recovered merge, got \(verdict)")
            return
        }
        #expect(landing.mergeCommit == mergeCommit)
        #expect(landing.batchSize == 0)
        #expect(try fixture.store.mergeRecord(job.id) == mergeCommit)
        #expect(try fixture.mergesOnRemote() == [job.id.rawValue])
        // The merge stage of a restarted attempt asks the same question first.
        #expect(try third.merger.existingMerge(of: job.id) == nil)
        #expect(try third.merger.existingMergeAnywhere(of: job.id) == mergeCommit)
    }

    /// A job implemented in another clone has a base this clone may not have: it is fetched; a
    /// base the remote does not have either is replaced by the integration tip, on which the
    /// stored patch is committed.
    @Test func aJobWhoseBaseThisCloneNeverSawStillCommits() async throws {
        let fixture = try FleetFixture()
        let (a, b) = (try fixture.clone("a"), try fixture.clone("b"))
        let first = try fixture.approvedJob("moves the tip")
        guard
            case .merged(let moved) = await a.queue().merge(
                a.request(first, try a.jobCommit(first, ["m.txt": "m\n"])))
        else {
            Issue.record("the first job should land")
            return
        }
        let job = try fixture.approvedJob("based on the new tip")
        let commit = try a.jobCommit(job, ["n.txt": "n\n"], on: moved.newTip)
        let patch = fixture.seed.outside + "/job.diff"
        try a.git("diff", "--binary", "--output=" + patch, moved.newTip, commit)
        let diff = try Data(contentsOf: URL(fileURLWithPath: patch))
        #expect(try GitRunner().run(["cat-file", "-e", moved.newTip], in: b.root).status != 0)
        let (built, _) = try b.merger.commitJob(job, diff: diff, base: moved.newTip, trailers: [])
        #expect(try b.git("rev-parse", built + "^") == moved.newTip)
        #expect(try b.git("show", built + ":n.txt") == "n")

        // A base only clone a ever had (never pushed): rebuilt on the integration tip.
        let unpushed = try a.jobCommit(job, ["private.txt": "p\n"], on: moved.newTip)
        let other = try fixture.approvedJob("on an unpushed base")
        let onUnpushed = try a.jobCommit(other, ["o.txt": "o\n"], on: unpushed)
        try a.git("diff", "--binary", "--output=" + patch, unpushed, onUnpushed)
        let rebuilt = try b.merger.commitJob(
            other, diff: try Data(contentsOf: URL(fileURLWithPath: patch)), base: unpushed, trailers: [])
        #expect(try b.git("rev-parse", rebuilt.commit + "^") == moved.newTip)
        #expect(try b.git("show", rebuilt.commit + ":o.txt") == "o")
    }

    /// `[merge_queue] remote` must name a remote of the clone, and never an option.
    @Test func theRemoteSettingIsChecked() throws {
        let fixture = try FleetFixture()
        let clone = try fixture.clone("a")
        let worktrees = WorktreeManager(repository: Repository(root: clone.root))
        #expect(throws: MergeError.remoteNotConfigured("upstream", repository: clone.root)) {
            try SharedRemote(name: "upstream", branch: "integration", worktrees: worktrees)
        }
        let message = MergeError.remoteNotConfigured("upstream", repository: clone.root).description
        #expect(message.contains("git remote add upstream URL"))
        let config = try PilothouseConfig.parse("[merge_queue]\nremote = \"origin\"\n", path: "p.toml")
        #expect(config.mergeQueue.remote == "origin")
        for hostile in ["--upload-pack=touch /tmp/x", "", "a b", "ori\\u001B[2Jgin"] {
            #expect(throws: ConfigError.self) {
                try PilothouseConfig.parse("[merge_queue]\nremote = \"\(hostile)\"\n", path: "p.toml")
            }
        }
        // Git's words reach the operator without a URL's password or terminal control bytes.
        let shown = RemoteMessage.shown(
            "fatal: unable to access 'https://bot:s3cret@example.com/r.git/':\u{1B}[31m 403\n")
        #expect(
            !shown.contains("s3cret") && !shown.contains("\u{1B}")
                && shown.contains("https://***@example.com"))
        // A password written with an unencoded `@`: nothing of it shows, not even its tail.
        let tail = RemoteMessage.shown("fatal: unable to access 'https://bot:s3c@ret@example.com/r.git/'")
        #expect(!tail.contains("s3c") && !tail.contains("ret@") && tail.contains("https://***@example.com"))
    }
}
