import Foundation
import PilothouseCore
import PilothouseEngine
import Testing

/// More of what the engine relies on from any store (`StoreBackend`): a job's life after its
/// claim, stage results, plan import, ids as operators type them, and text as users send it.
@Suite struct StoreContractJobTests {
    @Test(arguments: StoreBackend.allCases)
    func aRequeueRefundingAnAttemptResumesThatAttempt(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 3))
        let first = try #require(try store.claimNextJob(owner: "engine", leaseUntil: .distantFuture))
        #expect(first.attempts == 1)
        #expect(try store.resumeAttempt(job.id) == nil)
        try store.requeueRefundingAttempt(job.id, message: "models unavailable")
        let queued = try #require(try store.job(job.id))
        #expect(queued.state == .queued)
        #expect(queued.attempts == 0)
        #expect(try store.resumeAttempt(job.id) == 1)
        #expect(try store.jobsHeld(notBy: "other").isEmpty)
        let again = try #require(try store.claimNextJob(owner: "engine", leaseUntil: .distantFuture))
        #expect(again.attempts == 1)
        // An operator's retry forgets the attempt to resume.
        try store.requeue(job.id, resetAttempts: true, message: "retry")
        #expect(try store.resumeAttempt(job.id) == nil)
        #expect(try store.job(job.id)?.attempts == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func stageResultsAreKeptPerAttemptAndFinishOnce(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        _ = try store.claimNextJob(owner: "engine", leaseUntil: .distantFuture)
        let started = Date(timeIntervalSince1970: 1_800_000_000)
        try store.recordStageStarted(job.id, stage: .analyze, attempt: 1, at: started)
        #expect(try store.job(job.id)?.currentStage == .analyze)
        try store.recordStageFinished(
            job.id, stage: .analyze, attempt: 1, output: .text("found it"), message: "done",
            at: started.addingTimeInterval(2))
        try store.recordStageStarted(job.id, stage: .plan, attempt: 1, at: started.addingTimeInterval(3))
        try store.recordStageFailed(
            job.id, stage: .plan, attempt: 1, message: "model said no", at: started.addingTimeInterval(4))
        try store.recordStageFinished(
            job.id, stage: .analyze, attempt: 2, output: .text("second try"), message: "done")

        #expect(try store.finishedStages(job.id, attempt: 1) == [.analyze: .text("found it")])
        #expect(try store.finishedStages(job.id, attempt: 2) == [.analyze: .text("second try")])
        #expect(try store.finishedStages(job.id, attempt: 3).isEmpty)
        let history = try store.stageHistory(job.id)
        #expect(history.map(\.stage) == [.analyze, .plan, .analyze])
        #expect(history.map(\.status) == [.finished, .failed, .finished])
        #expect(history[1].message == "model said no")
        #expect(history[0].at == started.addingTimeInterval(2))
        // A stage of one attempt completes once, even if two engines raced on the job.
        #expect(throws: (any Error).self) {
            try store.recordStageFinished(
                job.id, stage: .analyze, attempt: 1, output: .text("again"), message: "done")
        }
        #expect(try store.finishedStages(job.id, attempt: 1) == [.analyze: .text("found it")])
        let times = try store.stageTimes()
        #expect(times.first { $0.stage == .analyze }?.runs == 2)
        #expect(times.first { $0.stage == .analyze }?.meanMillis == 1_000)
        #expect(try store.verifyBeads() == .ok(count: try store.beads().count))
    }

    @Test(arguments: StoreBackend.allCases)
    func importingAPlanAgainAddsNothingAndUpdatesOnlyQueuedJobs(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let items = [
            PlanItem(
                anchor: "a", title: "A", goal: "do a", priority: .p1, category: .quality, files: [],
                phase: nil),
            PlanItem(
                anchor: "b", title: "B", goal: "do b", priority: .p2, category: .quality, files: [],
                phase: nil),
        ]
        let first = try store.importPlan(items, plan: "plan.md", maxAttempts: 2)
        #expect(first.added.count == 2)
        let again = try store.importPlan(items, plan: "plan.md", maxAttempts: 2)
        #expect(again.added.isEmpty)
        #expect(again.unchanged == 2)
        #expect(try store.jobs().count == 2)

        // B is claimed (no longer queued); both items change.
        let claimed = try #require(try store.claimNextJob(owner: "engine", leaseUntil: .distantFuture))
        let changed = items.map {
            PlanItem(
                anchor: $0.anchor, title: $0.title + " v2", goal: $0.goal, priority: $0.priority,
                category: $0.category, files: ["x.swift"], phase: nil)
        }
        let edit = try store.importPlan(changed, plan: "plan.md", maxAttempts: 2)
        #expect(edit.updated.count == 1)
        #expect(edit.notQueued == 1)
        let updated = try #require(try store.job(edit.updated[0]))
        #expect(updated.title.hasSuffix(" v2"))
        #expect(updated.filesHint == ["x.swift"])
        #expect(try store.job(claimed.id)?.title.hasSuffix(" v2") == false)
        // The same plan under another path is another plan.
        #expect(try store.importPlan(items, plan: "other.md", maxAttempts: 2).added.count == 2)
    }

    @Test(arguments: StoreBackend.allCases)
    func aJobIsFoundByAnUnambiguousPrefixOrSuffixOnly(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let one = try store.enqueue(
            Job(id: JobID(date: Date(timeIntervalSince1970: 1)), title: "one", goal: "g"))
        let two = try store.enqueue(
            Job(id: JobID(date: Date(timeIntervalSince1970: 1)), title: "two", goal: "g"))
        #expect(try store.resolveJob(one.id.rawValue.lowercased()).id == one.id)
        #expect(try store.resolveJob(String(two.id.rawValue.suffix(10))).id == two.id)
        #expect(throws: StoreError.ambiguousJob("0000", matches: 2)) { try store.resolveJob("0000") }
        #expect(throws: StoreError.unknownJob("%")) { try store.resolveJob("%") }
        #expect(throws: StoreError.unknownJob("_'; DROP TABLE jobs; --")) {
            try store.resolveJob("_'; DROP TABLE jobs; --")
        }
        #expect(try store.jobs().count == 2)
    }

    @Test(arguments: StoreBackend.allCases)
    func timesAreKeptToTheMillisecondRoundedDown(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let created = Date(timeIntervalSince1970: 1_800_000_000.123_987)
        let job = try store.enqueue(Job(title: "t", goal: "g", createdAt: created))
        let stored = try #require(try store.job(job.id))
        #expect(stored.createdAt == Date(timeIntervalSince1970: 1_800_000_000.123))
        #expect(try store.beads(jobID: job.id).first?.createdAtMillis == 1_800_000_000_123)
    }

    @Test(arguments: StoreBackend.allCases)
    func hostileTextIsStoredAsTextAndTheChainStillVerifies(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let hostile = "nul\u{0}esc\u{1B}[31m bell\u{7} quote' \" back\\slash $1 ? ; -- 🚢 \u{202E}rtl"
        let job = try store.enqueue(Job(title: hostile, goal: String(repeating: "g", count: 1 << 20)))
        try store.appendBead(jobID: job.id, kind: .comment, message: hostile, metadata: [hostile: hostile])
        let stored = try #require(try store.job(job.id))
        let expected = hostile.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
        #expect(stored.title == expected)
        #expect(stored.goal.utf8.count == 1 << 20)
        let bead = try #require(try store.beads(jobID: job.id).last)
        #expect(bead.message == expected)
        #expect(bead.metadata == [expected: expected])
        #expect(try store.verifyBeads() == .ok(count: 2))
        let patch = Data([0, 0xFF, 0xFE, 0x0A, 0x00])
        try store.enqueue(Job(title: "binary", goal: "g"), operatorPatch: patch)
        let binary = try #require(try store.jobs().first { $0.title == "binary" })
        #expect(try store.operatorPatch(binary.id) == patch)
    }

    @Test(arguments: StoreBackend.allCases)
    func droppingAQuarantineRecordFailsItsJobOnce(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        _ = try store.claimNextJob(owner: "engine", leaseUntil: .distantFuture)
        let record = try store.quarantine(
            QuarantineRecord(
                jobID: job.id, reason: .policyViolation, message: "wrote .git/config", payload: "p"),
            clearingLease: true)
        #expect(try store.resolveQuarantineRecord(String(record.id.rawValue.suffix(8))).id == record.id)
        let dropped = try store.dropQuarantineRecord(record.id, reason: "not worth it")
        #expect(dropped.id == record.id)
        #expect(try store.job(job.id)?.state == .failed)
        #expect(try store.quarantineRecords().isEmpty)
        #expect(throws: StoreError.unknownQuarantineRecord(record.id.rawValue)) {
            try store.dropQuarantineRecord(record.id, reason: "again")
        }
        let beads = try store.beads(jobID: job.id)
        #expect(beads.filter { $0.kind == .quarantineDropped }.map(\.message) == ["not worth it"])
        #expect(try store.verifyBeads() == .ok(count: try store.beads().count))
    }

    @Test(arguments: StoreBackend.allCases)
    func retryingAQuarantinedJobSettlesAllItsRecords(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 1))
        _ = try store.claimNextJob(owner: "engine", leaseUntil: .distantFuture)
        try store.quarantine(
            QuarantineRecord(jobID: job.id, reason: .malformedOutput, message: "one", payload: ""))
        try store.quarantine(
            QuarantineRecord(jobID: job.id, reason: .policyViolation, message: "two", payload: ""))
        let settled = try store.retryQuarantinedJob(job.id)
        #expect(settled.count == 2)
        #expect(try store.quarantineRecords().isEmpty)
        let retried = try #require(try store.job(job.id))
        #expect(retried.state == .queued)
        #expect(retried.attempts == 0)
    }
}
