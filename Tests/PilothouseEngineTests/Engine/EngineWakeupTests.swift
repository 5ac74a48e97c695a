import Foundation
import PilothouseCore
import PilothousePostgresStore
import Synchronization
import Testing

@testable import PilothouseEngine

/// An engine on PostgreSQL wakes for what other processes commit, not at its next poll: it
/// polls once a minute and beats its heartbeat every 30 s here, so only a pushed change can
/// make these tests pass within their 20 s limits (generous: the whole suite runs at once on
/// a loaded machine).
@Suite(.timeLimit(.minutes(2))) struct EngineWakeupTests {
    let directory = TemporaryDirectory()

    private func slowPolling() -> EngineConfiguration {
        var configuration = EngineFixture.configuration()
        configuration.pollInterval = .seconds(60)
        configuration.leaseDuration = .seconds(90)
        return configuration
    }

    /// Waits until the store handle's feed listens; the engine's own subscription shares its
    /// connection, so from then on the engine hears every commit.
    private func feedListens(_ store: PostgresStore) async throws -> StreamRecorder<StoreChange> {
        let changes = StreamRecorder(try #require(store.changeFeed).changes())
        try #require(await changes.eventually("the store's feed to listen") { $0 == .listening })
        return changes
    }

    @Test func aJobEnqueuedByAnotherProcessIsClaimedWithinSeconds() async throws {
        let url = try PostgresTestCluster.freshDatabase()
        let store = try PostgresStore.open(url)
        let first = try store.enqueue(Job(title: "first", goal: "g"))
        let engine = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: slowPolling(), repositoryRoot: directory.path)
        let run = Task { await engine.run(untilIdle: false) }
        _ = try await feedListens(store)
        // The first job is claimed at start; once it is done the engine waits its minute.
        try #require(
            await eventually("the first job to merge", timeout: .seconds(30)) {
                try store.job(first.id)?.state == .merged
            })
        let commandLine = try PostgresStore.open(url, listen: false)
        let second = try commandLine.enqueue(Job(title: "second", goal: "g"))
        #expect(
            try await eventually("the engine to claim the second job", timeout: .seconds(20)) {
                try store.job(second.id)?.state != .queued
            })
        await engine.stop(interrupted: false)
        _ = await run.value
    }

    /// `pilothouse approve` in another process: the engine merges at once, not at its next
    /// look for orphaned merges (every half lease, 45 s here).
    @Test func anApprovalFromAnotherProcessIsMergedWithinSeconds() async throws {
        let url = try PostgresTestCluster.freshDatabase()
        let store = try PostgresStore.open(url)
        let job = try store.enqueue(Job(title: "needs a yes", goal: "g"))
        var configuration = slowPolling()
        configuration.autoApprove = .off
        let engine = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: configuration, repositoryRoot: directory.path)
        let run = Task { await engine.run(untilIdle: false) }
        _ = try await feedListens(store)
        try #require(
            await eventually("the job to wait for approval", timeout: .seconds(30)) {
                try store.job(job.id)?.state == .awaitingApproval
            })
        let commandLine = JobOperations(
            store: try PostgresStore.open(url, listen: false), config: PilothouseConfig())
        _ = try commandLine.approve(job.id, hunks: nil, by: "operator")
        #expect(
            try await eventually("the engine to merge the approved job", timeout: .seconds(20)) {
                try store.job(job.id)?.state == .merged
            })
        await engine.stop(interrupted: false)
        _ = await run.value
    }

    /// `pilothouse cancel` in another process stops the stage on the engine that holds the
    /// job at once (its heartbeat, which also notices, is 30 s away).
    @Test(arguments: [JobState.cancelled, .paused])
    func aJobStoppedByAnotherProcessStopsItsStageAtOnce(_ end: JobState) async throws {
        let url = try PostgresTestCluster.freshDatabase()
        let store = try PostgresStore.open(url)
        let job = try store.enqueue(Job(title: "long", goal: "g"))
        var stages = EngineFixture.passingStages()
        stages["implement"] = SleepStage(duration: .seconds(50))
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: NoModels(),
            configuration: slowPolling(), repositoryRoot: directory.path)
        let events = StreamRecorder(await engine.events())
        let ended = RunEnded()
        let run = Task {
            let summary = await engine.run(untilIdle: true)
            ended.set()
            return summary
        }
        _ = try await feedListens(store)
        try #require(
            await eventually("the job to reach implement", timeout: .seconds(30)) {
                try store.job(job.id)?.currentStage == .implement
            })
        let commandLine = JobOperations(
            store: try PostgresStore.open(url, listen: false), config: PilothouseConfig())
        if end == .cancelled { try commandLine.cancel(job.id) } else { try commandLine.pause(job.id) }
        #expect(await eventually("the run to end", timeout: .seconds(20)) { ended.isSet })
        #expect(
            await events.eventually("the engine to say why its stage stopped") {
                guard case .notice(let text) = $0 else { return false }
                return text.contains("\(job.id.short) was stopped elsewhere")
            })
        #expect(try store.job(job.id)?.state == end)
        await engine.stop(interrupted: false)
        _ = await run.value
    }
}

/// Whether a run returned, for a wait with a time limit.
private final class RunEnded: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
