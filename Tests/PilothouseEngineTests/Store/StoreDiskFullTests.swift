import Foundation
import GRDB
import PilothouseCore
import Synchronization
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// A full disk delays writes, it never loses them. The database is made "full" for real with
/// SQLite's `max_page_count`, which fails page allocation with `SQLITE_FULL` exactly as a full
/// filesystem does (the e2e chaos script fills a real tmpfs).
@Suite(.timeLimit(.minutes(1))) struct StoreDiskFullTests {
    let directory = TemporaryDirectory()
    var path: String { directory.file("pilothouse.db") }

    /// Caps the database at its current size, so the next write that needs a page fails.
    private func fill(_ store: SQLiteStore) throws {
        try store.pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
    }

    private func free(_ store: SQLiteStore) throws {
        try store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA max_page_count = 1073741823")
        }
    }

    /// A goal big enough to need new pages.
    private func bigJob() -> Job { Job(title: "big", goal: String(repeating: "x", count: 64 * 1024)) }

    @Test func withoutPatienceAFullDiskFailsAtOnceWithAnActionableMessage() throws {
        let store = try SQLiteStore.openOrCreate(path: path)
        try fill(store)
        #expect {
            _ = try store.enqueue(bigJob())
        } throws: { error in
            guard case .storageFull(let failedPath, _, _) = error as? StoreError else { return false }
            let message = String(describing: error)
            return failedPath == path && message.contains("free space") && message.contains(path)
        }
        // No retry was configured, so nobody was told the store is unhealthy for good.
        #expect(store.writeHealth == .ok)
        #expect(try store.jobs().isEmpty)
    }

    @Test func aWriteIsRetriedUntilSpaceIsFreedAndThenLandsOnce() async throws {
        let store = try SQLiteStore.openOrCreate(path: path)
        store.setWritePatience(StoreWritePatience(maxWait: .seconds(30), firstDelay: .milliseconds(10)))
        let seen = Mutex<[StoreWriteHealth]>([])
        let token = store.observeWriteHealth { health in seen.withLock { $0.append(health) } }
        defer { store.removeWriteHealthObserver(token) }
        try fill(store)

        let job = bigJob()
        let write = Task.detached { try store.enqueue(job) }
        try #require(
            await eventually("the write retrying while the disk is full") {
                if case .failing = store.writeHealth { return true }
                return false
            })
        #expect(try store.jobs().isEmpty)
        try free(store)
        let stored = try await write.value
        #expect(stored.id == job.id)
        #expect(try store.jobs().map(\.id) == [job.id])
        #expect(try store.beads(jobID: job.id).map(\.kind) == [.jobCreated])
        #expect(try store.verifyBeads() == .ok(count: 1))
        #expect(store.writeHealth == .ok)
        let history = seen.withLock { $0 }
        #expect(history.count == 2)
        if history.count == 2 {
            guard case .failing = history[0] else {
                Issue.record("first change should be .failing, was \(history[0])")
                return
            }
            #expect(history[1] == .ok)
        }
    }

    @Test func aWriteThatOutlastsThePatienceGivesUpAndSaysSo() async throws {
        let store = try SQLiteStore.openOrCreate(path: path)
        store.setWritePatience(StoreWritePatience(maxWait: .milliseconds(300), firstDelay: .milliseconds(20)))
        try fill(store)
        let started = ContinuousClock.now
        #expect {
            _ = try store.enqueue(bigJob())
        } throws: { error in
            guard case .storageFull(_, _, let waited) = error as? StoreError else { return false }
            return waited >= .milliseconds(100) && String(describing: error).contains("after retrying")
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        guard case .gaveUp(let detail) = store.writeHealth else {
            Issue.record("health should be .gaveUp, was \(store.writeHealth)")
            return
        }
        #expect(!detail.isEmpty)
        #expect(store.writeHealth.describe(path: path).contains("disk full"))
        // Space freed: the next write goes through and the store is healthy again.
        try free(store)
        _ = try store.enqueue(bigJob())
        #expect(store.writeHealth == .ok)
        #expect(try store.verifyBeads() == .ok(count: 1))
    }
}
