import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// Leases name their process, so a dead engine on this host is noticed at once, and
/// `run --until-idle` never reports "all done" over jobs another engine still holds.
@Suite(.timeLimit(.minutes(3))) struct EngineLeaseHolderTests {
    let directory = TemporaryDirectory()
    let later = Date(timeIntervalSinceNow: 3600)

    /// A process of this host that has ended (its pid is free or reused).
    func deadHolder() throws -> LeaseHolder {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return LeaseHolder(host: LeaseHolder.current.host, pid: process.processIdentifier, startTime: 1)
    }

    @Test func theCurrentProcessIsAliveAndAReusedPidIsNot() throws {
        let me = LeaseHolder.current
        #expect(me.startTime > 0)
        #expect(!me.isGoneFromThisHost)
        var reused = me
        reused.startTime += 1
        #expect(reused.isGoneFromThisHost)
        #expect(try deadHolder().isGoneFromThisHost)
        var elsewhere = try deadHolder()
        elsewhere.host = "another-host.invalid"
        #expect(!elsewhere.isGoneFromThisHost)
    }

    @Test func aDeadHolderOnThisHostIsReclaimedBeforeItsLeaseExpires() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        for title in ["a", "b", "c"] { _ = try store.enqueue(Job(title: title, goal: "g")) }
        let dead = try #require(
            try store.claimNextJob(owner: "killed", leaseUntil: later, holder: try deadHolder()))
        let alive = try #require(try store.claimNextJob(owner: "busy", leaseUntil: later, holder: .current))
        var far = try deadHolder()
        far.host = "another-host.invalid"
        let remote = try #require(try store.claimNextJob(owner: "far", leaseUntil: later, holder: far))

        let (requeued, quarantined) = try store.reclaimExpiredLeases()
        #expect(requeued.map(\.id) == [dead.id])
        #expect(quarantined.isEmpty)
        #expect(try store.job(alive.id)?.state == .running)
        #expect(try store.job(remote.id)?.state == .running)
        let bead = try #require(try store.beads(jobID: dead.id).last)
        #expect(bead.kind == .leaseReclaimed)
        #expect(bead.message.contains("is gone"))
        let held = try store.jobsHeld(notBy: "me").map(\.job)
        #expect(held == [alive.id, remote.id].sorted())
    }

    @Test func untilIdleFinishesTheJobsOfAKilledEngineAtOnce() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        var jobs: [JobID] = []
        for index in 0..<4 {
            let job = try store.enqueue(Job(title: "t\(index)", goal: "g"))
            jobs.append(job.id)
            _ = try store.claimNextJob(owner: "killed", leaseUntil: later, holder: try deadHolder())
        }
        let engine = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let summary = try await runWithin(engine, .seconds(20))
        #expect(summary.merged == Set(jobs))
        #expect(summary.heldElsewhere.isEmpty)
    }

    @Test func untilIdleWaitsForAJobALiveEngineHolds() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        _ = try store.claimNextJob(owner: "other", leaseUntil: later, holder: .current)
        let engine = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let events = await engine.events()
        let notice = Task {
            for await event in events { if case .notice(let text) = event { return text } }
            return ""
        }
        let run = Task { await engine.run(untilIdle: true) }
        // Bounded: a run that never announces the wait ends the stream at closeEvents.
        let limit = Task {
            try await Task.sleep(for: .seconds(10))
            await engine.stop(interrupted: true)
            _ = await run.value
            await engine.closeEvents()
        }
        let waiting = await notice.value
        #expect(waiting.contains("1 job still held by other engines: other (pid \(getpid())"))
        try await Task.sleep(for: .milliseconds(200))
        #expect(try store.job(job.id)?.state == .running)
        // The other engine finishes it; the run then ends, with nothing held.
        try store.finishRun(job.id, to: .failed, message: "done elsewhere")
        let finished = Task {
            try await Task.sleep(for: .seconds(10))
            await engine.stop(interrupted: true)
        }
        let summary = await run.value
        finished.cancel()
        limit.cancel()
        #expect(!summary.interrupted)
        #expect(summary.heldElsewhere.isEmpty)
    }

    @Test func aStoppedRunNamesWhatOthersStillHold() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        _ = try store.claimNextJob(owner: "other", leaseUntil: later, holder: .current)
        let engine = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let run = Task { await engine.run(untilIdle: true) }
        try await Task.sleep(for: .milliseconds(100))
        await engine.stop(interrupted: true)
        let summary = await run.value
        #expect(summary.heldElsewhere.map(\.job) == [job.id])
        #expect(summary.heldElsewhereText?.contains("other (pid \(getpid())") == true)
        #expect(summary.heldElsewhereText?.contains("\(job.id.short) (running)") == true)
    }
}
