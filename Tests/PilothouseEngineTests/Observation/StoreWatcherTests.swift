import Foundation
import GRDB
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// The watcher's stream is awaited: the time limit turns a stream that never delivers into a
/// failure instead of a hung test run.
@Suite(.timeLimit(.minutes(1))) struct StoreWatcherTests {
    let directory = TemporaryDirectory()

    @Test func anotherWritersChangesBecomeEvents() async throws {
        let path = directory.file("p.db")
        let writer = try SQLiteStore.openOrCreate(path: path)
        let existing = try writer.enqueue(Job(title: "existing", goal: "g"))
        let watcher = StoreWatcher(store: try SQLiteStore.open(path: path), interval: .milliseconds(20))
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

    /// An engine joining or going silent appends no bead; a read-only console still sees the
    /// fleet change, through the gauges the watcher rereads.
    @Test func anEngineJoiningTheStoreReachesAReadOnlyConsole() async throws {
        let path = directory.file("fleet.db")
        let writer = try SQLiteStore.openOrCreate(path: path)
        let watcher = StoreWatcher(store: try SQLiteStore.open(path: path), interval: .milliseconds(20))
        let stream = try await watcher.events()
        var iterator = stream.makeAsyncIterator()
        _ = await iterator.next()
        let now = Date()
        try writer.registerEngine(
            EngineRecord(
                owner: "build-7:31", host: "build-7", pid: 31, version: "1.0", startedAt: now,
                heartbeatAt: now,
                leaseSeconds: 30),
            forgetAfter: 86_400)
        var engines: [EngineRecord] = []
        while engines.isEmpty, let event = await iterator.next() {
            if case .gauges(let gauges) = event { engines = gauges.engines }
        }
        #expect(engines.map(\.host) == ["build-7"])
        await watcher.stop()
    }

    @Test func aStoreThatCannotBeReadIsShownOnceAndItsRecoveryToo() async throws {
        let path = directory.file("p.db")
        let writer = try SQLiteStore.openOrCreate(path: path)
        _ = try writer.enqueue(Job(title: "existing", goal: "g"))
        let watcher = StoreWatcher(store: try SQLiteStore.open(path: path), interval: .milliseconds(20))
        var iterator = try await watcher.events().makeAsyncIterator()
        _ = await iterator.next()

        // Another process damages the store: the table the watcher rereads is gone.
        let saboteur = try DatabaseQueue(path: path)
        try await saboteur.write { try $0.execute(sql: "ALTER TABLE quarantine RENAME TO quarantine_aside") }
        _ = try writer.enqueue(Job(title: "one", goal: "g"))
        _ = try writer.enqueue(Job(title: "two", goal: "g"))
        var notices: [String] = []
        while notices.isEmpty, let event = await iterator.next() {
            if case .notice(let text) = event { notices.append(text) }
        }
        #expect(notices.first?.contains("cannot read \(path)") == true)
        #expect(notices.first?.contains("stale") == true)

        try await saboteur.write { try $0.execute(sql: "ALTER TABLE quarantine_aside RENAME TO quarantine") }
        _ = try writer.enqueue(Job(title: "three", goal: "g"))
        while let event = await iterator.next() {
            guard case .notice(let text) = event else { continue }
            notices.append(text)
            break
        }
        // The failure was reported once, however many polls failed, then the recovery.
        #expect(notices.count == 2)
        #expect(notices.last?.contains("again") == true)
        await watcher.stop()
    }
}
