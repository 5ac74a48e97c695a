import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// A stage that fails because the disk is full (git could not write an object, a test could
/// not write its output) is an environment fault: the job waits, it is neither quarantined
/// nor charged an attempt.
@Suite(.timeLimit(.minutes(1))) struct EngineDiskFullTests {
    let directory = TemporaryDirectory()

    @Test func aMergeThatCannotWriteItsObjectsWaitsInsteadOfBeingQuarantined() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 1))
        var stages = EngineFixture.passingStages()
        let gitSaid =
            "the approved patch does not apply to its base: fatal: unable to write loose object file: No space left on device"
        stages["merge"] = FailFirstStage(
            failure: .quarantine(.patchDoesNotApply, message: gitSaid, payload: ""), times: 2)
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let summary = await engine.run(untilIdle: true)
        #expect(summary.merged == [job.id])
        #expect(summary.quarantined.isEmpty)
        #expect(try store.quarantineRecords().isEmpty)
        #expect(try store.job(job.id)?.attempts == 1)
        let waits = try store.beads(jobID: job.id).filter { $0.message.contains("could not write to disk") }
        #expect(waits.count == 2)
    }

    @Test func toolFailuresAreReadForAFullDiskButModelAnswersAndPolicyAreNot() {
        let full = "error: copy-fd: write returned: No space left on device"
        #expect(StageFailure.retryable(full).classifyingStorageFaults == .storageFull(full))
        #expect(
            StageFailure.fatal("git: Disk quota exceeded").classifyingStorageFaults
                == .storageFull("git: Disk quota exceeded"))
        #expect(
            StageFailure.retryable("tests failed: 3 of 9").classifyingStorageFaults
                == .retryable("tests failed: 3 of 9"))
        // A model whose answer talks about ENOSPC is still malformed, and a policy finding
        // stays a policy finding.
        let malformed = StageFailure.quarantine(
            .malformedOutput, message: "answer: handle ENOSPC", payload: "")
        #expect(malformed.classifyingStorageFaults == malformed)
        let policy = StageFailure.quarantine(
            .policyViolation, message: "No space left on device.md", payload: "")
        #expect(policy.classifyingStorageFaults == policy)
        #expect(StorageFault.matches("fatal: unable to write new index file: No space left on device"))
        #expect(!StorageFault.matches("all 12 tests passed"))
    }
}
