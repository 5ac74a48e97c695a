import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

@Suite(.timeLimit(.minutes(3))) struct EngineGateTests {
    let directory = TemporaryDirectory()

    private func engine(
        _ store: SQLiteStore, stages: [String: any PipelineStage]? = nil, autoApprove: Bool = false
    )
        throws -> Engine
    {
        try Engine(
            store: store, template: .standard, stages: stages ?? EngineFixture.passingStages(),
            models: NoModels(),
            configuration: EngineFixture.configuration(autoApprove: autoApprove),
            repositoryRoot: directory.path)
    }

    @Test func jobWaitsForApprovalThenMergesWhenApproved() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let engine = try engine(store)
        let first = await engine.run(untilIdle: true)
        #expect(first.awaitingApproval == [job.id])
        #expect(try store.job(job.id)?.state == .awaitingApproval)
        #expect(try store.job(job.id).map { _ in try store.jobs(state: .awaitingApproval).count } == 1)

        let outcome = await engine.send(.approve(job.id))
        #expect(outcome.succeeded, "\(outcome.message)")
        let second = await engine.run(untilIdle: true)
        #expect(second.merged.contains(job.id))
        #expect(try store.job(job.id)?.state == .merged)
        let kinds = try store.beads(jobID: job.id).map(\.kind)
        #expect(kinds.contains(.patchApproved))
        #expect(try store.verifyBeads() == .ok(count: try store.beads().count))
    }

    @Test func approvalMadeWhileNoEngineRanIsMergedByTheNextRun() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        _ = await (try engine(store)).run(untilIdle: true)
        try store.savePatch(
            Patch(
                jobID: job.id, attempt: 1, baseCommit: "base",
                diff: Data("--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n".utf8)))
        // As `pilothouse approve` does: record the decision, leave the merge to an engine.
        try store.approve(
            job.id, stage: .approve, attempt: 1, by: "operator (command line)", hunks: [0])
        let summary = await (try engine(store)).run(untilIdle: true)
        #expect(summary.merged == [job.id])
        #expect(try store.approvedHunks(job.id) == [0])
        let kinds = try store.beads(jobID: job.id).map(\.kind)
        #expect(kinds.filter { $0 == .stageStarted }.count == 7)  // analyze…test once, then merge once
        #expect(kinds.contains(.leaseReclaimed))
    }

    @Test func approvingTwiceOrAQueuedJobIsRefused() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let engine = try engine(store)
        let early = await engine.send(.approve(job.id))
        #expect(!early.succeeded)
        #expect(early.message.contains("not waiting for approval"))
        #expect(!(await engine.send(.approveHunks(job.id, []))).succeeded)
    }

    @Test func rejectionWithReasonFeedsBackIntoANewAttempt() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let probe = FeedbackProbe()
        var stages = EngineFixture.passingStages()
        stages["implement"] = probe
        let engine = try engine(store, stages: stages)
        _ = await engine.run(untilIdle: true)
        let outcome = await engine.send(.reject(job.id, reason: "use a guard, not an if"))
        #expect(outcome.succeeded)
        #expect(try store.job(job.id)?.state == .queued)
        _ = await engine.run(untilIdle: true)
        #expect(probe.feedbacks == [nil, "use a guard, not an if"])
        #expect(try store.job(job.id)?.attempts == 2)
        #expect(try store.job(job.id)?.state == .awaitingApproval)
    }

    @Test func rejectionWithoutReasonEndsTheJob() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let engine = try engine(store)
        _ = await engine.run(untilIdle: true)
        #expect((await engine.send(.reject(job.id, reason: " "))).succeeded)
        #expect(try store.job(job.id)?.state == .rejected)
    }

    @Test func autoApproveNeedsEveryCondition() {
        let rule = AutoApproveRule(enabled: true, minimumScore: 8, categories: [.docs])
        let good = ReviewScore(overall: 9)
        let passed = TestSummary(passed: true)
        #expect(rule.refusal(review: good, tests: passed, policy: PolicyReport(), category: .docs) == nil)
        #expect(
            rule.refusal(review: ReviewScore(overall: 7), tests: passed, policy: nil, category: .docs) != nil)
        #expect(
            rule.refusal(review: good, tests: TestSummary(passed: false), policy: nil, category: .docs) != nil
        )
        #expect(rule.refusal(review: good, tests: nil, policy: nil, category: .docs) != nil)
        #expect(
            rule.refusal(review: good, tests: passed, policy: PolicyReport(flags: ["big"]), category: .docs)
                != nil)
        #expect(rule.refusal(review: good, tests: passed, policy: nil, category: .security) != nil)
        #expect(
            AutoApproveRule.off.refusal(review: good, tests: passed, policy: nil, category: .docs)
                == "auto-approve is off")
    }

    @Test func lowReviewScoreWaitsEvenWithAutoApprove() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        var stages = EngineFixture.passingStages()
        stages["review"] = SleepStage(output: .review(ReviewScore(overall: 3)))
        _ = await (try engine(store, stages: stages, autoApprove: true)).run(untilIdle: true)
        #expect(try store.job(job.id)?.state == .awaitingApproval)
    }
}
