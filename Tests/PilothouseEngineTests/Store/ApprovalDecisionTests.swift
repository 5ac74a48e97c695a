import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// The operator's decisions on a waiting patch, as the console (through the engine) and the
/// command line both make them through the store. Approving some hunks is checked against
/// the job's patch when the operator decides, not when the merge runs: a selection that names
/// no real hunk is refused and changes nothing.
@Suite struct ApprovalDecisionTests {
    let directory = TemporaryDirectory()

    static let twoHunks = """
        diff --git a/a.txt b/a.txt
        --- a/a.txt
        +++ b/a.txt
        @@ -1,1 +1,1 @@
        -one
        +ONE
        @@ -10,1 +10,1 @@
        -ten
        +TEN

        """

    static let binary = """
        diff --git a/logo.png b/logo.png
        index 1111111..2222222 100644
        Binary files a/logo.png and b/logo.png differ

        """

    /// A job waiting at the gate with `diff` as its patch.
    private func waitingJob(diff: String) throws -> (SQLiteStore, Job) {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        try store.transition(job.id, to: .running, stage: .implement)
        try store.savePatch(Patch(jobID: job.id, attempt: 0, baseCommit: "base", diff: Data(diff.utf8)))
        try store.finishRun(job.id, to: .awaitingApproval, message: "waiting")
        return (store, try #require(try store.job(job.id)))
    }

    private func approve(_ store: SQLiteStore, _ job: Job, _ hunks: [Int]?) throws {
        try store.approve(job.id, stage: .approve, attempt: job.attempts, by: "operator", hunks: hunks)
    }

    @Test func aHunkPastTheEndIsRefusedAndNothingChanges() throws {
        let (store, job) = try waitingJob(diff: Self.twoHunks)
        let beads = try store.beads().count
        #expect(throws: HunkSelectionError.outOfRange([2, 99], hunkCount: 2)) {
            try approve(store, job, [0, 99, 2])
        }
        #expect(throws: HunkSelectionError.empty) { try approve(store, job, []) }
        #expect(throws: HunkSelectionError.outOfRange([-1], hunkCount: 2)) { try approve(store, job, [-1]) }
        #expect(try store.job(job.id)?.state == .awaitingApproval)
        #expect(try store.beads().count == beads)
        #expect(try store.approvedHunks(job.id) == nil)
    }

    @Test func aValidSelectionIsRecordedOnceEach() throws {
        let (store, job) = try waitingJob(diff: Self.twoHunks)
        try approve(store, job, [1, 1, 0])
        #expect(try store.approvedHunks(job.id) == [0, 1])
        #expect(try store.job(job.id)?.state == .merging)
    }

    @Test func aBinaryPatchCanOnlyBeApprovedWhole() throws {
        let (store, job) = try waitingJob(diff: Self.binary)
        #expect(throws: HunkSelectionError.patchHasNoHunks) { try approve(store, job, [0]) }
        #expect(try store.job(job.id)?.state == .awaitingApproval)
        try approve(store, job, nil)
        #expect(try store.job(job.id)?.state == .merging)
    }

    @Test func rejectionFollowsThePolicyInOnePlace() throws {
        let (store, job) = try waitingJob(diff: Self.twoHunks)
        #expect(try store.reject(job.id, reason: "  use the helper  ", policy: .retryWithFeedback))
        #expect(try store.job(job.id)?.state == .queued)
        #expect(try store.feedback(job.id) == "use the helper")

        let (ending, other) = try waitingJob(diff: Self.twoHunks)
        #expect(try !ending.reject(other.id, reason: "no", policy: .end))
        #expect(try ending.job(other.id)?.state == .rejected)
    }

    @Test func aBlankReasonEndsTheJobWithADefaultMessage() throws {
        let (store, job) = try waitingJob(diff: Self.twoHunks)
        #expect(try !store.reject(job.id, reason: " \n", policy: .retryWithFeedback))
        #expect(try store.job(job.id)?.state == .rejected)
        #expect(
            try store.beads(jobID: job.id).last { $0.kind == .patchRejected }?.message
                == "rejected by operator")
    }

    @Test func theMessageSaysWhatExists() {
        let error = HunkSelectionError.outOfRange([99], hunkCount: 2)
        #expect(error.description.hasPrefix("hunk 99 does not exist; the patch has 2 hunks, numbered 0–1"))
    }
}
