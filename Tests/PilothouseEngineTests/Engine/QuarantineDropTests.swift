import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// Dropping a quarantined record from the console (through the engine) and from the command
/// line (`quarantine rm`, through `JobOperations`) must leave the same state behind.
@Suite struct QuarantineDropTests {
    let directory = TemporaryDirectory()

    /// A fresh store holding one job quarantined by one record.
    private func quarantinedJob(_ name: String) throws -> (SQLiteStore, Job, QuarantineRecord) {
        let store = try SQLiteStore.openOrCreate(path: directory.file("\(name).db"))
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        try store.transition(job.id, to: .running, stage: .implement)
        let record = QuarantineRecord(
            jobID: job.id, reason: .malformedOutput, message: "no diff", payload: "x")
        try store.quarantine(record, clearingLease: true)
        return (store, job, record)
    }

    /// What an operator sees afterwards: job state, records left, and the job's bead kinds.
    private func outcome(_ store: SQLiteStore, _ job: Job) throws -> (JobState?, Int, [BeadKind]) {
        (
            try store.job(job.id)?.state, try store.quarantineRecords().count,
            try store.beads(jobID: job.id).map(\.kind)
        )
    }

    @Test func consoleAndCommandLineDropAlike() async throws {
        let (consoleStore, consoleJob, consoleRecord) = try quarantinedJob("console")
        let engine = try Engine(
            store: consoleStore, template: .standard, stages: EngineFixture.passingStages(),
            models: NoModels(),
            configuration: EngineFixture.configuration(autoApprove: false), repositoryRoot: directory.path)
        let sent = await engine.send(.dropQuarantine(consoleRecord.id, reason: "not worth it"))
        #expect(sent.succeeded, "\(sent.message)")

        let (cliStore, cliJob, cliRecord) = try quarantinedJob("cli")
        try JobOperations(store: cliStore, config: PilothouseConfig()).dropQuarantine(
            cliRecord.id.short, reason: "not worth it")

        let console = try outcome(consoleStore, consoleJob)
        let cli = try outcome(cliStore, cliJob)
        #expect(console.0 == .failed)
        #expect(cli.0 == .failed)
        #expect(console.1 == 0 && cli.1 == 0)
        #expect(console.2 == cli.2)
        #expect(try cliStore.verifyBeads() == .ok(count: try cliStore.beads().count))
    }

    @Test func droppingARecordWhoseJobMovedOnLeavesTheJobAlone() throws {
        let (store, job, record) = try quarantinedJob("moved")
        try store.requeue(job.id, resetAttempts: true, message: "retried by operator")
        try store.dropQuarantineRecord(record.id, reason: "stale")
        #expect(try store.job(job.id)?.state == .queued)
        #expect(throws: StoreError.unknownQuarantineRecord(record.id.rawValue)) {
            try store.dropQuarantineRecord(record.id, reason: "again")
        }
    }
}
