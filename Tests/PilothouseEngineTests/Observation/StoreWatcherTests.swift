import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// The watcher's stream is awaited: the time limit turns a stream that never delivers into a
/// failure instead of a hung test run.
@Suite(.timeLimit(.minutes(1))) struct StoreWatcherTests {
    let directory = TemporaryDirectory()

    @Test func anotherWritersChangesBecomeEvents() async throws {
        let path = directory.file("p.db")
        let writer = try Store.openOrCreate(path: path)
        let existing = try writer.enqueue(Job(title: "existing", goal: "g"))
        let watcher = StoreWatcher(store: try Store.open(path: path), interval: .milliseconds(20))
        let stream = try await watcher.events()
        var iterator = stream.makeAsyncIterator()
        let first = await iterator.next()
        let snapshot = try #require(
            first.flatMap { if case .snapshot(let snapshot) = $0 { snapshot } else { nil } },
            "the first event is not a snapshot")
        #expect(snapshot.jobs.map(\.id) == [existing.id])

        let added = try writer.enqueue(Job(title: "added", goal: "g"))
        try writer.quarantine(QuarantineRecord(jobID: existing.id, reason: .malformedOutput, message: "bad"))
        var sawJob = false
        var sawQuarantine = false
        while !(sawJob && sawQuarantine), let event = await iterator.next() {
            if case .jobChanged(let job) = event, job.id == added.id { sawJob = true }
            if case .quarantineAdded(let record) = event, record.jobID == existing.id { sawQuarantine = true }
        }
        #expect(sawJob && sawQuarantine)
        await watcher.stop()
    }
}
