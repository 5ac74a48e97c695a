import Foundation
import GRDB
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// What a job has done so far (finished stages, the reviewer's feedback, the operator's own
/// edit, the hunks an operator approved) is read back when a run starts. A read that fails
/// must not be taken for "nothing stored": the run would redo paid stages, drop the operator's
/// edit or merge hunks nobody approved. The store here is real; the failure is one column made
/// unreadable underneath it, as a damaged or foreign-edited database would be.
@Suite(.timeLimit(.minutes(3))) struct EngineUnreadableStateTests {
    let directory = TemporaryDirectory()

    @Test func aJobWhoseOperatorEditCannotBeReadDoesNotRunWithoutIt() async throws {
        let path = directory.file("p.db")
        let store = try SQLiteStore.openOrCreate(path: path)
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 2))
        let queue = try DatabaseQueue(path: path)
        try queue.inDatabase { db in
            try db.execute(sql: "ALTER TABLE jobs RENAME COLUMN operator_patch TO operator_patch_unreadable")
        }
        let engine = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        let summary = await engine.run(untilIdle: true)
        #expect(!summary.merged.contains(job.id))
        #expect(try store.job(job.id)?.state != .merged)
        for attempt in 1...2 {
            #expect(
                try store.finishedStages(job.id, attempt: attempt).isEmpty, "no stage ran without the edit")
        }
        #expect(
            try store.beads(jobID: job.id).contains {
                $0.message.contains("could not read what the job has done")
            })
    }

    @Test func anApprovedMergeWhoseHunkSelectionCannotBeReadIsNotMergedWhole() async throws {
        let path = directory.file("p.db")
        let store = try SQLiteStore.openOrCreate(path: path)
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let configuration = EngineFixture.configuration(autoApprove: false)
        let first = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: configuration, repositoryRoot: directory.path)
        _ = await first.run(untilIdle: true)
        try store.savePatch(
            Patch(
                jobID: job.id, attempt: 1, baseCommit: "base",
                diff: Data("--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n".utf8)))
        // As `pilothouse approve --hunks 0` does: one hunk chosen, the merge left to an engine.
        try store.approve(job.id, stage: .approve, attempt: 1, by: "operator (command line)", hunks: [0])
        let queue = try DatabaseQueue(path: path)
        try queue.inDatabase { db in
            try db.execute(sql: "ALTER TABLE jobs RENAME COLUMN approved_hunks TO approved_hunks_unreadable")
        }
        let second = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: configuration, repositoryRoot: directory.path)
        let summary = await second.run(untilIdle: true)
        #expect(!summary.merged.contains(job.id), "merged without knowing which hunks were approved")
        #expect(try store.job(job.id)?.state == .merging, "the approval is kept for a later takeover")
    }
}
