import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// What a restart or a signal leaves behind: interrupted jobs, merges that landed just before
/// a crash, leases of dead engines.
@Suite(.timeLimit(.minutes(3))) struct EngineRecoveryTests {
    let directory = TemporaryDirectory()

    @Test func interruptFinishesTheRunningStageAndQueuesTheJobAgain() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        var stages = EngineFixture.passingStages()
        stages["implement"] = SleepStage(
            duration: .milliseconds(300),
            output: .patch(PatchSummary(attempt: 1, filesChanged: 1, linesAdded: 1, linesRemoved: 0)))
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let run = Task { await engine.run(untilIdle: true) }
        try #require(
            await eventually("the job to reach implement") {
                try store.job(job.id)?.currentStage == .implement
            })
        await engine.stop(interrupted: true)
        let summary = await run.value
        #expect(summary.interrupted)
        #expect(try store.job(job.id)?.state == .queued)
        let finished = try store.finishedStages(job.id, attempt: 1)
        #expect(finished[.implement] != nil, "the running stage was allowed to finish")
        #expect(finished[.check] == nil && finished[.review] == nil, "no stage started after the stop")
    }

    @Test func aMergeAnEarlierAttemptLandedIsNotRepeated() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 5))
        // The first attempt's engine died after publishing the merge, before recording it.
        _ = try store.claimNextJob(owner: "dead", leaseUntil: Date().addingTimeInterval(-1))
        var stages = EngineFixture.passingStages()
        stages["analyze"] = FailingStage(failure: .fatal("must not run again"))
        stages["merge"] = AlreadyMergedStage()
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let summary = await engine.run(untilIdle: true)
        #expect(summary.merged == [job.id])
        #expect(try store.job(job.id)?.state == .merged)
        #expect(try store.job(job.id)?.attempts == 2)
        #expect(try store.beads(jobID: job.id).contains { $0.message.contains("earlier attempt") })
    }

    @Test func reclaimSparesTheCallersOwnLeases() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let mine = try store.enqueue(Job(title: "mine", goal: "g"))
        let theirs = try store.enqueue(Job(title: "theirs", goal: "g"))
        let past = Date().addingTimeInterval(-1)
        // Two ids made in the same millisecond have no defined order, hence `excluding`.
        #expect(try store.claimNextJob(owner: "me", leaseUntil: past, excluding: [theirs.id])?.id == mine.id)
        #expect(try store.claimNextJob(owner: "dead", leaseUntil: past)?.id == theirs.id)
        let (requeued, _) = try store.reclaimExpiredLeases(sparing: "me")
        #expect(requeued.map(\.id) == [theirs.id])
        #expect(try store.job(mine.id)?.state == .running)
    }
}

/// A merge stage whose change is already on the integration branch.
struct AlreadyMergedStage: PipelineStage {
    func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        throw .fatal("must not merge twice")
    }
    func completedEarlier(_ job: Job) async -> StageOutput? { .merged(commit: "abc") }
}
