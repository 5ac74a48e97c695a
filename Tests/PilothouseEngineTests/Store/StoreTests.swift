import Foundation
import GRDB
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

@Suite struct StoreTests {
    let directory = TemporaryDirectory()
    var path: String { directory.file("pilothouse.db") }

    @Test func enqueuePersistsTheJobAndItsBead() throws {
        let store = try SQLiteStore.openOrCreate(path: path)
        let job = try store.enqueue(
            Job(title: "Fix", goal: "Fix the parser", priority: .p1, filesHint: ["a.swift"]))
        let reopened = try SQLiteStore.open(path: path)
        let stored = try #require(try reopened.job(job.id))
        #expect(stored.title == "Fix")
        #expect(stored.filesHint == ["a.swift"])
        #expect(stored.priority == .p1)
        let beads = try reopened.beads(jobID: job.id)
        #expect(beads.map(\.kind) == [.jobCreated])
        #expect(try reopened.verifyBeads() == .ok(count: 1))
    }

    @Test func jobsComeBackInSchedulingOrder() throws {
        let store = try SQLiteStore.openOrCreate(path: path)
        let low = try store.enqueue(Job(title: "low", goal: "g", priority: .p3))
        let urgent = try store.enqueue(Job(title: "urgent", goal: "g", priority: .p0))
        let older = try store.enqueue(
            Job(id: JobID(date: Date(timeIntervalSince1970: 1)), title: "older", goal: "g", priority: .p3))
        #expect(try store.jobs().map(\.id) == [urgent.id, older.id, low.id])
        #expect(try store.jobs(state: .running).isEmpty)
    }

    @Test func transitionWritesStateAndBeadTogether() throws {
        let store = try SQLiteStore.openOrCreate(path: path)
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let running = try store.transition(job.id, to: .running, stage: .analyze)
        #expect(running.state == .running)
        #expect(running.currentStage == .analyze)
        let beads = try store.beads(jobID: job.id)
        #expect(beads.last?.kind == .stateChanged)
        #expect(beads.last?.metadata["to"] == "running")
    }

    @Test func illegalTransitionChangesNothing() throws {
        let store = try SQLiteStore.openOrCreate(path: path)
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        #expect(throws: StoreError.self) { try store.transition(job.id, to: .merged) }
        #expect(try store.job(job.id)?.state == .queued)
        #expect(try store.beads().count == 1)
    }

    @Test func resolvesJobsByUnambiguousParts() throws {
        let store = try SQLiteStore.openOrCreate(path: path)
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        #expect(try store.resolveJob(job.id.short.lowercased()).id == job.id)
        #expect(try store.resolveJob(job.id.rawValue).id == job.id)
        #expect(throws: StoreError.unknownJob("nope!")) { try store.resolveJob("nope!") }
        #expect(throws: StoreError.unknownJob("ZZZZZZZZ")) { try store.resolveJob("ZZZZZZZZ") }
    }

    @Test func quarantineMovesTheJobAndDropLeavesABead() throws {
        let store = try SQLiteStore.openOrCreate(path: path)
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        _ = try store.transition(job.id, to: .running, stage: .implement)
        let record = try store.quarantine(
            QuarantineRecord(
                jobID: job.id, reason: .malformedOutput, message: "no diff in output", payload: "garbage"))
        #expect(try store.job(job.id)?.state == .quarantined)
        #expect(try store.quarantineRecords().map(\.id) == [record.id])
        #expect(try store.resolveQuarantineRecord(record.id.short).payload == "garbage")
        try store.dropQuarantineRecord(record.id, reason: "not worth it")
        #expect(try store.quarantineRecords().isEmpty)
        #expect(try store.beads().suffix(2).map(\.kind) == [.quarantineDropped, .stateChanged])
        #expect(try store.job(job.id)?.state == .failed)
        #expect(try store.verifyBeads() == .ok(count: 5))
    }

    @Test func runHeaderIsRecorded() throws {
        let store = try SQLiteStore.openOrCreate(path: path)
        let header = RunHeader(pilothouseVersion: "0.1.0", repoHead: "abc", configHash: "f00", seed: 42)
        try store.beginRun(header)
        try store.endRun(header.id, exitCode: 0)
        let queue = try DatabaseQueue(path: path)
        let row = try #require(try queue.read { try Row.fetchOne($0, sql: "SELECT * FROM runs") })
        #expect(row["seed"] as Int64 == 42)
        #expect(row["exit_code"] as Int == 0)
        #expect(try store.beads().map(\.kind) == [.runStarted, .runFinished])
    }

    @Test func concurrentWritersProduceOneValidChain() async throws {
        _ = try SQLiteStore.openOrCreate(path: path)
        // Two independent stores on one file behave like two processes: separate
        // connections, serialized only by SQLite's lock.
        let first = try SQLiteStore.open(path: path)
        let second = try SQLiteStore.open(path: path)
        await withThrowingTaskGroup(of: Void.self) { group in
            for store in [first, second] {
                group.addTask {
                    for index in 0..<100 { try store.enqueue(Job(title: "job \(index)", goal: "g")) }
                }
            }
        }
        #expect(try first.jobs().count == 200)
        #expect(try second.verifyBeads() == .ok(count: 200))
    }
}
