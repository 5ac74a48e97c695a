import Foundation
import GRDB
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// Edits the database behind the store's back, as someone with the sqlite3 CLI could, and
/// checks that `verifyBeads` names the bead and what happened to it.
@Suite struct BeadTamperTests {
    let directory = TemporaryDirectory()
    var path: String { directory.file("pilothouse.db") }

    private func makeChain(_ count: Int) throws -> SQLiteStore {
        let store = try SQLiteStore.openOrCreate(path: path)
        for index in 1...count { try store.enqueue(Job(title: "job \(index)", goal: "g")) }
        return store
    }

    private func tamper(_ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: sql) }
    }

    private func brokenAt(_ store: SQLiteStore) throws -> BeadChainBreak? {
        if case .broken(let problem) = try store.verifyBeads() { return problem }
        return nil
    }

    @Test func editIsDetected() throws {
        let store = try makeChain(5)
        try tamper("UPDATE beads SET message = 'nothing to see' WHERE seq = 3")
        let problem = try #require(try brokenAt(store))
        #expect(problem.seq == 3)
        #expect(problem.problem == .edited)
    }

    @Test func deletionIsDetected() throws {
        let store = try makeChain(5)
        try tamper("DELETE FROM beads WHERE seq = 2")
        let problem = try #require(try brokenAt(store))
        #expect(problem.seq == 3)
        #expect(problem.problem == .deleted)
    }

    @Test func deletingTheNewestIsDetected() throws {
        let store = try makeChain(5)
        try tamper("DELETE FROM beads WHERE seq = 5")
        #expect(try brokenAt(store)?.problem == .deleted)
    }

    @Test func swapIsDetected() throws {
        let store = try makeChain(5)
        try tamper(
            "UPDATE beads SET seq = -1 WHERE seq = 2; UPDATE beads SET seq = 2 WHERE seq = 3; UPDATE beads SET seq = 3 WHERE seq = -1"
        )
        let problem = try #require(try brokenAt(store))
        #expect(problem.problem == .reordered)
        #expect(problem.seq == 2)  // the first bead out of place
    }

    @Test func truncatingTogetherWithTheHeadRowIsDetected() throws {
        let store = try makeChain(5)
        try tamper("DELETE FROM bead_head; DELETE FROM beads WHERE seq > 3")
        #expect(try brokenAt(store)?.problem == .missingHead)
        try tamper("DELETE FROM beads")
        #expect(try brokenAt(store)?.problem == .missingHead)
        #expect(throws: StoreError.self) { try store.beadCheckpoint() }
    }

    @Test func aCheckpointCatchesATruncationWhoseHeadWasRewritten() throws {
        let store = try makeChain(5)
        let checkpoint = try store.beadCheckpoint()
        #expect(checkpoint.length == 5)
        #expect(checkpoint.hash == (try store.beads().last?.hash))
        try store.enqueue(Job(title: "later", goal: "g"))
        #expect(try store.verifyBeads(against: checkpoint) == .ok(count: 6))

        try tamper(
            "DELETE FROM beads WHERE seq > 3; UPDATE bead_head SET count = 3, last_hash = (SELECT hash FROM beads WHERE seq = 3)"
        )
        #expect(try store.verifyBeads() == .ok(count: 3))
        let problem = try #require(
            {
                if case .broken(let problem) = try store.verifyBeads(against: checkpoint) {
                    problem
                } else {
                    nil
                }
            }())
        #expect(problem.problem == .rewritten)
        #expect(problem.seq == 4)
    }

    @Test func untouchedChainVerifies() throws {
        let store = try makeChain(5)
        #expect(try store.verifyBeads() == .ok(count: 5))
    }
}
