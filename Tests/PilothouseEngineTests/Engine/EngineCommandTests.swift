import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// The operator's retry, pause and resume of a job and retry, release and drop of a quarantine
/// record, sent through `engine.send` as the console sends them: what each does to the job and
/// its beads, and that a command on a job in the wrong state is refused with a reason and
/// changes nothing.
@Suite struct EngineCommandTests {
    let directory = TemporaryDirectory()

    private func engine(
        _ store: SQLiteStore, stages: [String: any PipelineStage] = EngineFixture.passingStages()
    )
        throws -> Engine
    {
        try Engine(
            store: store, template: .standard, stages: stages, models: NoModels(),
            configuration: EngineFixture.configuration(autoApprove: false), repositoryRoot: directory.path)
    }

    /// Everything a refused command must leave as it was.
    private struct Snapshot: Equatable {
        var job: Job?
        var beads: Int
        var quarantine: [JobID]

        init(_ store: SQLiteStore, _ id: JobID) throws {
            job = try store.job(id)
            beads = try store.beads().count
            quarantine = try store.quarantineRecords().map(\.id)
        }
    }

    /// The `state_changed` beads of a job, as `from>to: message`.
    private func transitions(_ store: SQLiteStore, _ id: JobID) throws -> [String] {
        try store.beads(jobID: id).filter { $0.kind == .stateChanged }.map {
            "\($0.metadata["from"] ?? "?")>\($0.metadata["to"] ?? "?"): \($0.message)"
        }
    }

    /// A store holding one job that the check stage quarantined, and its record.
    private func quarantinedJob(attempts: Int = 3) async throws -> (SQLiteStore, Job, QuarantineRecord) {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: attempts))
        var stages = EngineFixture.passingStages()
        stages["check"] = FailingStage(
            failure: .quarantine(.secretDetected, message: "patch adds a key", payload: "+KEY=[REDACTED:aws]")
        )
        let summary = await (try engine(store, stages: stages)).run(untilIdle: true)
        #expect(summary.quarantined == [job.id])
        let record = try #require(try store.quarantineRecords().first)
        #expect(try store.job(job.id)?.state == .quarantined)
        #expect(try store.job(job.id)?.attempts == 1)
        return (store, job, record)
    }

    // MARK: pause and resume

    @Test func aPausedJobIsNotClaimedAndResumesWhereItsAttemptsWere() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let engine = try engine(store)

        let paused = await engine.send(.pause(job.id))
        #expect(paused.succeeded, "\(paused.message)")
        #expect(paused.message == "\(job.id.short) paused")
        #expect(try store.job(job.id)?.state == .paused)
        #expect(try transitions(store, job.id) == ["queued>paused: paused by operator"])

        let idle = await engine.run(untilIdle: true)
        #expect(idle.awaitingApproval.isEmpty)
        #expect(try store.job(job.id)?.state == .paused)
        #expect(try store.beads(jobID: job.id).allSatisfy { $0.kind != .stageStarted })

        let resumed = await engine.send(.resume(job.id))
        #expect(resumed.succeeded, "\(resumed.message)")
        #expect(resumed.message == "\(job.id.short) queued again")
        #expect(try store.job(job.id)?.state == .queued)
        #expect(try transitions(store, job.id).last == "paused>queued: resumed by operator")
        let summary = await engine.run(untilIdle: true)
        #expect(summary.awaitingApproval == [job.id])
        #expect(try store.job(job.id)?.attempts == 1)
        #expect(try store.verifyBeads() == .ok(count: try store.beads().count))
    }

    @Test(.timeLimit(.minutes(1))) func pausingARunningJobStopsItsStageAndItStaysPaused() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        var stages = EngineFixture.passingStages()
        stages["implement"] = SleepStage(duration: .seconds(30))
        let engine = try engine(store, stages: stages)
        let run = Task { await engine.run(untilIdle: true) }
        try #require(
            await eventually("the job to reach implement") {
                try store.job(job.id)?.currentStage == .implement
            })
        let outcome = await engine.send(.pause(job.id))
        #expect(outcome.succeeded, "\(outcome.message)")
        // The run ends well before the stage's 30 seconds: the pause cancelled it.
        let summary = await run.value
        #expect(summary.failed.isEmpty)
        // The cancelled stage must not overwrite the operator's decision.
        #expect(try store.job(job.id)?.state == .paused)
        #expect(try transitions(store, job.id).last == "running>paused: paused by operator")
    }

    @Test func aJobWaitingForApprovalCanBePausedAndResumed() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let engine = try engine(store)
        _ = await engine.run(untilIdle: true)
        #expect(try store.job(job.id)?.state == .awaitingApproval)
        #expect((await engine.send(.pause(job.id))).succeeded)
        #expect(try store.job(job.id)?.state == .paused)
        // A paused job is not waiting for approval any more: approving it is refused.
        let approve = await engine.send(.approve(job.id))
        #expect(!approve.succeeded)
        #expect(approve.message.contains("not waiting for approval"))
        #expect((await engine.send(.resume(job.id))).succeeded)
        #expect(try store.job(job.id)?.state == .queued)
    }

    @Test func pauseAndResumeOnAJobInTheWrongStateAreRefusedAndChangeNothing() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let queued = try store.enqueue(Job(title: "q", goal: "g"))
        let engine = try engine(store)

        let before = try Snapshot(store, queued.id)
        let resume = await engine.send(.resume(queued.id))
        #expect(!resume.succeeded)
        #expect(resume.message == "\(queued.id.short) is queued, not paused")
        #expect(try Snapshot(store, queued.id) == before)

        #expect((await engine.send(.pause(queued.id))).succeeded)
        let paused = try Snapshot(store, queued.id)
        let again = await engine.send(.pause(queued.id))
        #expect(!again.succeeded)
        #expect(
            again.message
                == "\(queued.id.short) is paused; only queued, running or waiting jobs can be paused")
        #expect(try Snapshot(store, queued.id) == paused)

        #expect((await engine.send(.cancel(queued.id))).succeeded)
        let cancelled = try Snapshot(store, queued.id)
        #expect(!(await engine.send(.pause(queued.id))).succeeded)
        #expect(!(await engine.send(.resume(queued.id))).succeeded)
        #expect(try Snapshot(store, queued.id) == cancelled)
    }

    @Test func commandsOnAnUnknownJobSayWhichIdWasNotFound() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let engine = try engine(store)
        let ghost = JobID()
        for command in [OperatorCommand.pause(ghost), .resume(ghost), .retry(ghost)] {
            let outcome = await engine.send(command)
            #expect(!outcome.succeeded, "\(command)")
            #expect(outcome.message.contains(ghost.rawValue), "\(command): \(outcome.message)")
        }
        #expect(try store.beads().isEmpty)
    }

    // MARK: retry

    @Test func retryingAFailedJobGivesItFreshAttemptsAndItRunsAgain() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 1))
        var stages = EngineFixture.passingStages()
        stages["implement"] = FailFirstStage(failure: .fatal("the model wrote nonsense"), times: 1)
        let engine = try engine(store, stages: stages)
        #expect((await engine.run(untilIdle: true)).failed == [job.id])
        #expect(try store.job(job.id)?.attempts == 1)

        let outcome = await engine.send(.retry(job.id))
        #expect(outcome.succeeded, "\(outcome.message)")
        #expect(outcome.message == "\(job.id.short) queued again")
        #expect(try store.job(job.id)?.state == .queued)
        #expect(try store.job(job.id)?.attempts == 0)
        #expect(try transitions(store, job.id).last == "failed>queued: retried by operator")

        // Out of attempts before, the job now gets its one attempt again and gets through.
        #expect((await engine.run(untilIdle: true)).awaitingApproval == [job.id])
        #expect(try store.job(job.id)?.attempts == 1)
    }

    @Test func retryingAJobThatIsNotStuckIsRefusedAndChangesNothing() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let engine = try engine(store)
        for expectedState in [JobState.queued, .awaitingApproval, .paused] {
            if expectedState == .awaitingApproval { _ = await engine.run(untilIdle: true) }
            if expectedState == .paused { #expect((await engine.send(.pause(job.id))).succeeded) }
            #expect(try store.job(job.id)?.state == expectedState)
            let before = try Snapshot(store, job.id)
            let outcome = await engine.send(.retry(job.id))
            #expect(!outcome.succeeded)
            #expect(
                outcome.message
                    == "\(job.id.short) is \(expectedState); only failed, rejected, cancelled, quarantined or held jobs can be retried"
            )
            #expect(try Snapshot(store, job.id) == before)
        }
    }

    @Test func twoRetriesAtOnceQueueTheJobOnce() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let engine = try engine(store)
        #expect((await engine.send(.cancel(job.id))).succeeded)
        async let first = engine.send(.retry(job.id))
        async let second = engine.send(.retry(job.id))
        let outcomes = await [first, second]
        #expect(outcomes.filter(\.succeeded).count == 1, "\(outcomes.map(\.message))")
        #expect(try transitions(store, job.id).filter { $0.hasSuffix("retried by operator") }.count == 1)
        #expect(try store.job(job.id)?.state == .queued)
    }

    /// Retrying a quarantined job by its id settles its quarantine record too: a record left
    /// behind would keep showing in the quarantine pane for a job that is running again, and
    /// a later release of it would count as a second retry.
    @Test func retryingAQuarantinedJobByIdSettlesItsRecord() async throws {
        let (store, job, record) = try await quarantinedJob()
        let engine = try engine(store)
        let outcome = await engine.send(.retry(job.id))
        #expect(outcome.succeeded, "\(outcome.message)")
        #expect(try store.job(job.id)?.state == .queued)
        #expect(try store.job(job.id)?.attempts == 0)
        #expect(try store.quarantineRecords().isEmpty)
        let released = try store.beads(jobID: job.id).filter { $0.kind == .quarantineReleased }
        #expect(released.map { $0.metadata["record"] } == [record.id.rawValue])
        #expect(try transitions(store, job.id).last == "quarantined>queued: retried by operator")
        // The record is settled: releasing it later is refused rather than a second retry.
        #expect(!(await engine.send(.releaseQuarantine(record.id))).succeeded)
        #expect(try store.verifyBeads() == .ok(count: try store.beads().count))
    }

    // MARK: quarantine records

    @Test func retryingARecordRequeuesItsJobWithFreshAttempts() async throws {
        let (store, job, record) = try await quarantinedJob()
        let engine = try engine(store)
        let outcome = await engine.send(.retryQuarantine(record.id))
        #expect(outcome.succeeded, "\(outcome.message)")
        #expect(outcome.message == "released \(record.id.short); job \(job.id.short) queued again")
        #expect(try store.quarantineRecords().isEmpty)
        #expect(try store.job(job.id)?.state == .queued)
        #expect(try store.job(job.id)?.attempts == 0)
        let bead = try #require(try store.beads(jobID: job.id).last { $0.kind == .quarantineReleased })
        #expect(bead.message == "retried by operator")
        #expect(bead.metadata["record"] == record.id.rawValue)
        #expect(bead.metadata["reason"] == "secret_detected")
        #expect(try transitions(store, job.id).last == "quarantined>queued: released from quarantine")
        #expect(try store.verifyBeads() == .ok(count: try store.beads().count))
    }

    @Test func releasingARecordRequeuesItsJobKeepingItsAttempts() async throws {
        let (store, job, record) = try await quarantinedJob()
        let engine = try engine(store)
        let outcome = await engine.send(.releaseQuarantine(record.id))
        #expect(outcome.succeeded, "\(outcome.message)")
        #expect(try store.quarantineRecords().isEmpty)
        #expect(try store.job(job.id)?.state == .queued)
        #expect(try store.job(job.id)?.attempts == 1)
        let bead = try #require(try store.beads(jobID: job.id).last { $0.kind == .quarantineReleased })
        #expect(bead.message == "released by operator")
    }

    @Test func droppingARecordFailsItsJobForGoodWithTheReason() async throws {
        let (store, job, record) = try await quarantinedJob()
        let engine = try engine(store)
        let outcome = await engine.send(.dropQuarantine(record.id, reason: "not worth a key rotation"))
        #expect(outcome.succeeded, "\(outcome.message)")
        #expect(outcome.message == "dropped \(record.id.short)")
        #expect(try store.quarantineRecords().isEmpty)
        let dropped = try #require(try store.beads(jobID: job.id).last { $0.kind == .quarantineDropped })
        #expect(dropped.message == "not worth a key rotation")
        #expect(dropped.metadata["record"] == record.id.rawValue)
        #expect(try store.job(job.id)?.state == .failed)
        #expect(
            try transitions(store, job.id).last
                == "quarantined>failed: dropped from quarantine: not worth a key rotation")
        // A dropped job is not picked up again.
        #expect((await engine.run(untilIdle: true)).awaitingApproval.isEmpty)
        #expect(try store.verifyBeads() == .ok(count: try store.beads().count))
    }

    @Test func anUnknownOrAlreadySettledRecordIsRefusedAndChangesNothing() async throws {
        let (store, job, record) = try await quarantinedJob()
        let engine = try engine(store)
        let ghost = JobID()
        let before = try Snapshot(store, job.id)
        for command in [
            OperatorCommand.releaseQuarantine(ghost), .retryQuarantine(ghost),
            .dropQuarantine(ghost, reason: "x"),
        ] {
            let outcome = await engine.send(command)
            #expect(!outcome.succeeded, "\(command)")
            #expect(outcome.message.contains(ghost.rawValue), "\(command): \(outcome.message)")
            #expect(try Snapshot(store, job.id) == before, "\(command)")
        }
        // Once released, the record is gone: releasing or dropping it again is refused, and the
        // requeued job is not failed by a late drop.
        #expect((await engine.send(.releaseQuarantine(record.id))).succeeded)
        let released = try Snapshot(store, job.id)
        #expect(!(await engine.send(.releaseQuarantine(record.id))).succeeded)
        #expect(!(await engine.send(.dropQuarantine(record.id, reason: "late"))).succeeded)
        #expect(try Snapshot(store, job.id) == released)
        #expect(try store.job(job.id)?.state == .queued)
    }
}
