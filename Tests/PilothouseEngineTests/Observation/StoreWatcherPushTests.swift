import Foundation
import PilothouseCore
import PilothousePostgresStore
import Testing

@testable import PilothouseEngine

/// A read-only console on PostgreSQL gets other processes' changes pushed: its watcher polls
/// once a minute here, so only the change feed can deliver within the time limits.
@Suite(.timeLimit(.minutes(2))) struct StoreWatcherPushTests {
    /// A watcher on its own handle, with its events recorded, once its feed listens.
    private func watch(_ url: PostgresStoreURL) async throws -> (StoreWatcher, StreamRecorder<EngineEvent>) {
        let store = try PostgresStore.open(url)
        let watcher = StoreWatcher(store: store, interval: .seconds(60), pushedInterval: .seconds(60))
        let events = StreamRecorder(try await watcher.events())
        // The watcher subscribed in `events()`; this subscription shares its connection.
        let changes = StreamRecorder(try #require(store.changeFeed).changes())
        try #require(await changes.eventually("the watcher's feed to listen") { $0 == .listening })
        return (watcher, events)
    }

    @Test func anotherProcessesEnqueueArrivesLongBeforeTheInterval() async throws {
        let url = try PostgresTestCluster.freshDatabase()
        let (watcher, events) = try await watch(url)
        let writer = try PostgresStore.open(url, listen: false)
        let added = try writer.enqueue(Job(title: "pushed", goal: "g"))
        #expect(
            await events.eventually("the new job on the read-only console") {
                if case .jobChanged(let job) = $0 { job.id == added.id } else { false }
            })
        #expect(
            await events.eventually("its bead") {
                if case .beadAppended(let bead) = $0 { bead.jobID == added.id } else { false }
            })
        await watcher.stop()
    }

    /// The console says once that its feed is gone, polls meanwhile, and says when it is back.
    @Test func aLostFeedIsShownOnceAndItsReturnToo() async throws {
        let url = try PostgresTestCluster.freshDatabase()
        let (watcher, events) = try await watch(url)
        try PostgresTestCluster.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(url.database)' AND query LIKE 'LISTEN %'",
            in: "postgres")
        let lost = { (event: EngineEvent) -> Bool in
            if case .notice(let text) = event { text.contains("lost the store's change feed") } else { false }
        }
        let back = { (event: EngineEvent) -> Bool in
            if case .notice(let text) = event { text.contains("change feed is back") } else { false }
        }
        #expect(await events.eventually("a notice that the feed is lost", lost))
        #expect(await events.eventually("a notice that it is back", back))
        // Changes reach the console again, pushed.
        let writer = try PostgresStore.open(url, listen: false)
        let added = try writer.enqueue(Job(title: "after", goal: "g"))
        #expect(
            await events.eventually("the job enqueued after the reconnect") {
                if case .jobChanged(let job) = $0 { job.id == added.id } else { false }
            })
        #expect(events.count(where: lost) == 1)
        #expect(events.count(where: back) == 1)
        await watcher.stop()
    }
}
