import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

@Suite struct EngineEventTests {
    let directory = TemporaryDirectory()

    @Test func subscribersGetASnapshotFirstThenDeltas() async throws {
        let store = try Store.openOrCreate(path: directory.file("p.db"))
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
        guard case .snapshot(let snapshot) = events.first else {
            Issue.record("first event is not a snapshot")
            return
        }
        #expect(snapshot.jobs.map(\.id) == [job.id])
        #expect(
            events.contains {
                if case .beadAppended(let bead) = $0 { bead.kind == .stageStarted } else { false }
            })
        #expect(
            events.contains {
                if case .jobChanged(let changed) = $0 { changed.state == .awaitingApproval } else { false }
            })
        guard case .approvalRequested(let request) = events.last else { return }
        #expect(request.jobID == job.id)
        #expect(request.review?.overall == 9)
        #expect(request.tests?.passed == true)

        let late = await engine.events()
        var iterator = late.makeAsyncIterator()
        guard case .snapshot(let again) = await iterator.next() else {
            Issue.record("late subscriber got no snapshot")
            return
        }
        #expect(again.approvals.map(\.jobID) == [job.id])
    }

    @Test func commandOutcomesArePublished() async throws {
        let store = try Store.openOrCreate(path: directory.file("p.db"))
        let engine = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            repositoryRoot: directory.path)
        let stream = await engine.events()
        let outcome = await engine.send(.approve(JobID()))
        #expect(!outcome.succeeded)
        #expect(outcome.message.contains("no job matches"))
        for await event in stream {
            if case .commandCompleted(let published) = event {
                #expect(published == outcome)
                break
            }
        }
    }
}
