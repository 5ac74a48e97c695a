import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

@Suite(.timeLimit(.minutes(3))) struct EngineFailureTests {
    let directory = TemporaryDirectory()

    private func template(implementTimeout: Int = 600, retries: Int = 0) -> PipelineTemplate {
        var template = PipelineTemplate.standard
        if let index = template.stages.firstIndex(where: { $0.name == .implement }) {
            template.stages[index].timeoutSeconds = implementTimeout
            template.stages[index].maxRetries = retries
        }
        return template
    }

    @Test func hangingStageGetsItsSlowBeadAndIsCancelledAtTheDeadline() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 1))
        let other = try store.enqueue(Job(title: "other", goal: "g", maxAttempts: 1))
        var stages = EngineFixture.passingStages()
        let release = StageRelease()
        defer { release.open() }
        stages["implement"] = SelectiveStage(hangFor: job.id, release: release)
        let engine = try Engine(
            store: store, template: template(implementTimeout: 1), stages: stages, models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let summary = await engine.run(untilIdle: true)
        let beads = try store.beads(jobID: job.id)
        let slow = try #require(beads.first { $0.kind == .stageSlow })
        let failed = try #require(beads.first { $0.kind == .stageFailed })
        let started = try #require(beads.first { $0.kind == .stageStarted && $0.stage == .implement })
        #expect(slow.createdAtMillis - started.createdAtMillis >= 900)
        #expect(failed.createdAtMillis - started.createdAtMillis >= 1000)
        #expect(failed.message.contains("deadline"))
        #expect(summary.failed.contains(job.id))
        #expect(try store.job(job.id)?.state == .failed)
        // The other job carried on.
        #expect(try store.job(other.id)?.state == .merged)
    }

    @Test func cancelledStageLeavesNoOrphanProcess() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 1))
        let pidFile = directory.file("child.pid")
        var stages = EngineFixture.passingStages()
        stages["implement"] = ProcessStage(pidFile: pidFile)
        let engine = try Engine(
            store: store, template: template(implementTimeout: 1), stages: stages, models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        _ = await engine.run(untilIdle: true)
        #expect(try store.job(job.id)?.state == .failed)
        let text = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let child = try #require(Int32(text))
        await eventually("sleep \(child) to die with its stage") { kill(child, 0) != 0 || isZombie(child) }
    }

    @Test func retryableFailureRetriesTheStageThenTheJob() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 2))
        var stages = EngineFixture.passingStages()
        stages["implement"] = FailingStage(failure: .retryable("model returned nothing"))
        let engine = try Engine(
            store: store, template: template(retries: 1), stages: stages, models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let summary = await engine.run(untilIdle: true)
        let failures = try store.beads(jobID: job.id).filter { $0.kind == .stageFailed }
        #expect(failures.count == 4)  // 2 tries per attempt, 2 attempts
        #expect(summary.failed == [job.id])
        #expect(try store.job(job.id)?.attempts == 2)
    }

    @Test func quarantineFailureKeepsTheRecord() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        var stages = EngineFixture.passingStages()
        stages["check"] = FailingStage(
            failure: .quarantine(.secretDetected, message: "patch adds a key", payload: "+KEY=[REDACTED:aws]")
        )
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let summary = await engine.run(untilIdle: true)
        #expect(summary.quarantined == [job.id])
        let record = try #require(try store.quarantineRecords().first)
        #expect(record.reason == .secretDetected)
        #expect(record.payload == "+KEY=[REDACTED:aws]")
        #expect(try store.job(job.id)?.state == .quarantined)

        #expect((await engine.send(.releaseQuarantine(record.id))).succeeded)
        #expect(try store.job(job.id)?.state == .queued)
        #expect(try store.quarantineRecords().isEmpty)
    }

    @Test func budgetHoldStopsTheRunUntilTheBudgetIsRaised() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        var stages = EngineFixture.passingStages()
        stages["analyze"] = FailingStage(failure: .budgetHold(scope: "run"))
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let summary = await engine.run(untilIdle: true)
        #expect(summary.budgetStopped)
        #expect(try store.job(job.id)?.state == .budgetHold)
        let outcome = await engine.send(.setBudget(scope: "run", limit: Money(dollars: "5")))
        #expect(outcome.succeeded)
        #expect(outcome.message.contains("1 held job resumed"))
        #expect(try store.job(job.id)?.state == .queued)
    }

    @Test func unavailableModelsDoNotBurnAttempts() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 1))
        var stages = EngineFixture.passingStages()
        stages["plan"] = FailFirstStage(failure: .modelUnavailable("circuit open for every model"), times: 2)
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let summary = await engine.run(untilIdle: true)
        // Two claims ended waiting for a model; with one attempt allowed the job still merged.
        #expect(summary.merged == [job.id])
        #expect(try store.job(job.id)?.attempts == 1)
        #expect(try store.beads(jobID: job.id).filter { $0.message.contains("waits for a model") }.count == 2)
    }

    @Test func expiredLeasesAreReclaimedAndCountAttempts() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let fresh = try store.enqueue(Job(title: "fresh", goal: "g", maxAttempts: 3))
        let spent = try store.enqueue(Job(title: "spent", goal: "g", maxAttempts: 1))
        _ = try store.claimNextJob(owner: "dead", leaseUntil: Date(timeIntervalSinceNow: -60))
        _ = try store.claimNextJob(owner: "dead", leaseUntil: Date(timeIntervalSinceNow: -60))
        let (requeued, quarantined) = try store.reclaimExpiredLeases()
        #expect(requeued.map(\.id) == [fresh.id])
        #expect(quarantined.map(\.id) == [spent.id])
        #expect(try store.job(fresh.id)?.attempts == 1)
        #expect(try store.quarantineRecords().first?.reason == .maxAttempts)
        // Live leases are left alone.
        _ = try store.claimNextJob(owner: "alive", leaseUntil: Date(timeIntervalSinceNow: 60))
        #expect(try store.reclaimExpiredLeases().requeued.isEmpty)
    }

    @Test func aJobThatDiedInItsLastMergeGetsOneMoreClaim() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 1))
        _ = try store.claimNextJob(owner: "dead", leaseUntil: Date(timeIntervalSinceNow: -60))
        _ = try store.recordStageStarted(job.id, stage: .merge, attempt: 1)
        #expect(try store.reclaimExpiredLeases().requeued.map(\.id) == [job.id])
        // The extra claim dies in the merge too: now it is out of attempts.
        _ = try store.claimNextJob(owner: "dead", leaseUntil: Date(timeIntervalSinceNow: -60))
        _ = try store.recordStageStarted(job.id, stage: .merge, attempt: 2)
        #expect(try store.reclaimExpiredLeases().quarantined.map(\.id) == [job.id])
    }

    @Test func cancelStopsARunningJob() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        var stages = EngineFixture.passingStages()
        stages["implement"] = SleepStage(duration: .seconds(30))
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let run = Task { await engine.run(untilIdle: true) }
        try #require(
            await eventually("the job to reach implement") {
                try store.job(job.id)?.currentStage == .implement
            })
        #expect((await engine.send(.cancel(job.id))).succeeded)
        _ = await run.value
        #expect(try store.job(job.id)?.state == .cancelled)
    }

    /// A running engine is on the store's engine list with the jobs it holds, and leaves it
    /// when its run ends.
    @Test func aRunningEngineIsOnTheFleetListUntilItStops() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("fleet.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        var stages = EngineFixture.passingStages()
        stages["implement"] = SleepStage(duration: .seconds(30))
        var configuration = EngineFixture.configuration()
        configuration.version = "9.9.9"
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: NoModels(),
            configuration: configuration, repositoryRoot: directory.path)
        let run = Task { await engine.run(untilIdle: true) }
        try #require(
            await eventually("the job to reach implement") {
                try store.job(job.id)?.currentStage == .implement
            })
        let listed = try #require(try store.engines().first)
        #expect(try store.engines().count == 1)
        #expect(listed.jobsHeld == 1)
        #expect(listed.version == "9.9.9")
        #expect(listed.pid == ProcessInfo.processInfo.processIdentifier)
        #expect(listed.leaseSeconds == 30)
        #expect((await engine.send(.cancel(job.id))).succeeded)
        _ = await run.value
        #expect(try store.engines().isEmpty)
    }

    /// A cancel or pause from another process (`pilothouse cancel`, a second console) reaches
    /// the engine running the job through its next lease heartbeat: the stage stops there, the
    /// job stays as the operator left it, and the run ends instead of waiting 30 s.
    @Test(arguments: [JobState.cancelled, .paused])
    func aJobStoppedFromAnotherProcessStopsHere(_ end: JobState) async throws {
        let path = directory.file("elsewhere-\(end).db")
        let store = try SQLiteStore.openOrCreate(path: path)
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        var stages = EngineFixture.passingStages()
        stages["implement"] = SleepStage(duration: .seconds(30))
        var configuration = EngineFixture.configuration()
        configuration.leaseDuration = .milliseconds(600)
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: NoModels(),
            configuration: configuration, repositoryRoot: directory.path)
        let events = await engine.events()
        let run = Task { await engine.run(untilIdle: true) }
        try #require(
            await eventually("the job to reach implement") {
                try store.job(job.id)?.currentStage == .implement
            })
        let commandLine = JobOperations(store: try SQLiteStore.open(path: path), config: PilothouseConfig())
        if end == .cancelled { try commandLine.cancel(job.id) } else { try commandLine.pause(job.id) }
        let started = ContinuousClock.now
        _ = await run.value
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(try store.job(job.id)?.state == end)
        let notice =
            "\(job.id.short) was stopped elsewhere (another process changed it); its stage here is stopped"
        let heard = Task {
            for await event in events { if case .notice(notice) = event { return true } }
            return false
        }
        let timeout = Task {
            try await Task.sleep(for: .seconds(10))
            heard.cancel()
        }
        #expect(await heard.value)
        timeout.cancel()
    }
}

/// Fails the first `times` runs, then succeeds.
final class FailFirstStage: PipelineStage, @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    let failure: StageFailure

    init(failure: StageFailure, times: Int) {
        self.failure = failure
        self.remaining = times
    }

    func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        let fail = lock.withLock {
            remaining -= 1
            return remaining >= 0
        }
        if fail { throw failure }
        return .plan("1. do it")
    }
}

/// Hangs for one job, passes for the others.
struct SelectiveStage: PipelineStage {
    let hangFor: JobID
    let release: StageRelease
    func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        if context.job.id == hangFor { return try await HangingStage(release: release).run(context) }
        return .patch(PatchSummary(attempt: context.attempt, filesChanged: 1, linesAdded: 1, linesRemoved: 0))
    }
}

private func isZombie(_ pid: Int32) -> Bool {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    return status.split(separator: " ").dropFirst(2).first == "Z"
}
