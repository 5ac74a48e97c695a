import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// What the engine does with pipelines that lack a gate or a merge.
@Suite(.timeLimit(.minutes(3))) struct EnginePipelineShapeTests {
    let directory = TemporaryDirectory()
    typealias Spec = PipelineTemplate.StageSpec

    @Test func anUngatedMergeIsRefusedUnlessAllowed() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let template = PipelineTemplate(
            name: "fast", stages: [Spec(.implement), Spec(.merge, dependsOn: [.implement])])
        #expect(throws: PipelineError.ungatedMerge(stage: .merge, missing: ["check", "approve"])) {
            try Engine(
                store: store, template: template, stages: EngineFixture.passingStages(), models: NoModels(),
                configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        }
        var configuration = EngineFixture.configuration()
        configuration.allowUngatedMerge = true
        _ = try Engine(
            store: store, template: template, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: configuration, repositoryRoot: directory.path)
    }

    @Test func aPipelineWithoutMergeEndsCompletedNeverMerged() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let engine = try Engine(
            store: store, template: PipelineTemplate(name: "look", stages: [Spec(.analyze)]),
            stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let summary = try await runWithin(engine)
        #expect(try store.job(job.id)?.state == .completed)
        #expect(summary.merged.isEmpty)
        #expect(summary.completed == [job.id])
        let last = try #require(try store.beads(jobID: job.id).last { $0.kind == .stateChanged })
        #expect(last.message.contains("no merge stage"))
    }

    /// A job interrupted (SIGINT) on its last attempt is not claimed as "attempt 4/3".
    @Test func anInterruptedLastAttemptIsNotClaimedPastTheCap() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 1))
        var stages = EngineFixture.passingStages()
        stages["plan"] = SleepStage(duration: .milliseconds(300), output: .plan("1. do it"))
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let run = Task { await engine.run(untilIdle: true) }
        try #require(
            await eventually("the job to reach plan") { (try? store.job(job.id)?.currentStage) == .plan })
        await engine.stop(interrupted: true)
        _ = await run.value
        #expect(try store.job(job.id)?.state == .queued)
        #expect(try store.job(job.id)?.attempts == 0)

        let again = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        try await runWithin(again)
        #expect(try store.job(job.id)?.state == .merged)
        let claims = try store.beads(jobID: job.id).filter { $0.message.hasPrefix("claimed") }.map(\.message)
        #expect(claims == ["claimed (attempt 1/1)", "claimed (attempt 1/1)"])
        // The second claim resumed the attempt: what finished before the interrupt ran once.
        let analyzed = try store.beads(jobID: job.id).filter {
            $0.kind == .stageFinished && $0.stage == .analyze
        }
        #expect(analyzed.count == 1)
    }

    /// Even a job queued with its attempts spent (released from quarantine without a reset)
    /// runs under its last attempt.
    @Test func aClaimNeverCountsPastTheCap() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 1))
        _ = try store.claimNextJob(owner: "dead", leaseUntil: Date(timeIntervalSinceNow: -60))
        _ = try store.recordStageStarted(job.id, stage: .merge, attempt: 1)
        #expect(try store.reclaimExpiredLeases().requeued.map(\.id) == [job.id])
        let claimed = try #require(
            try store.claimNextJob(owner: "dead", leaseUntil: Date(timeIntervalSinceNow: -60)))
        #expect(claimed.attempts == 1)
        #expect(
            try store.beads(jobID: job.id).last { $0.message.hasPrefix("claimed") }?.message
                == "claimed (attempt 1/1, again)")
        // Its one extra claim died in the merge too: out of attempts, not claimed again.
        _ = try store.recordStageStarted(job.id, stage: .merge, attempt: 1)
        #expect(try store.reclaimExpiredLeases().quarantined.map(\.id) == [job.id])
    }
}
