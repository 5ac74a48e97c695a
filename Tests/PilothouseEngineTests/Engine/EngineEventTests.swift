import Foundation
import PilothouseCore
import Synchronization
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// These tests wait on event streams; the time limit turns a stream that never delivers into a
/// failure instead of a hung test run.
@Suite(.timeLimit(.minutes(1))) struct EngineEventTests {
    let directory = TemporaryDirectory()

    @Test func subscribersGetASnapshotFirstThenDeltas() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let engine = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: EngineFixture.configuration(autoApprove: false), repositoryRoot: directory.path)
        let stream = await engine.events()
        _ = await engine.run(untilIdle: true)
        var events: [EngineEvent] = []
        for await event in stream {
            events.append(event)
            if case .approvalRequested = event { break }
        }
        let snapshot = try #require(
            events.first.flatMap { if case .snapshot(let snapshot) = $0 { snapshot } else { nil } },
            "the first event is not a snapshot")
        #expect(snapshot.jobs.map(\.id) == [job.id])
        #expect(
            events.contains {
                if case .beadAppended(let bead) = $0 { bead.kind == .stageStarted } else { false }
            })
        #expect(
            events.contains {
                if case .jobChanged(let changed) = $0 { changed.state == .awaitingApproval } else { false }
            })
        let request = try #require(
            events.last.flatMap { if case .approvalRequested(let request) = $0 { request } else { nil } },
            "the stream ended before an approval was requested")
        #expect(request.jobID == job.id)
        #expect(request.review?.overall == 9)
        #expect(request.tests?.passed == true)

        let late = await engine.events()
        var iterator = late.makeAsyncIterator()
        let first = await iterator.next()
        let again = try #require(
            first.flatMap { if case .snapshot(let snapshot) = $0 { snapshot } else { nil } },
            "a late subscriber got no snapshot")
        #expect(again.approvals.map(\.jobID) == [job.id])
    }

    @Test func commandOutcomesArePublished() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let engine = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            repositoryRoot: directory.path)
        let stream = await engine.events()
        let outcome = await engine.send(.approve(JobID()))
        #expect(!outcome.succeeded)
        #expect(outcome.message.contains("no job matches"))
        var published: CommandOutcome?
        for await event in stream {
            if case .commandCompleted(let completed) = event {
                published = completed
                break
            }
        }
        #expect(published == outcome, "the outcome was not published before the stream ended")
    }

    /// A console or a `run --json` writer waiting on the stream of an engine that went away
    /// must see the stream end, not hang for ever (and keep its task alive in memory).
    @Test func aSubscribersStreamEndsWhenTheEngineGoesAway() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        var engine: Engine? = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let stream = try await #require(engine).events()
        let received = Mutex<Int?>(nil)
        let reader = Task {
            var count = 0
            for await _ in stream { count += 1 }
            received.withLock { $0 = count }
        }
        defer { reader.cancel() }
        engine = nil
        try #require(
            await eventually("the stream of a released engine to end", timeout: .seconds(20)) {
                received.withLock { $0 } != nil
            })
        #expect(received.withLock { $0 } == 1, "only the snapshot was due")
    }
}
