import Foundation
import PilothouseCore
import PilothouseEngine
import Testing

/// What the engine relies on from any store, run against every backend (`StoreBackend`):
/// written against the persistence protocols only, so a backend passes by behaving, not by
/// sharing code with another.
@Suite(.timeLimit(.minutes(3))) struct StoreContractTests {
    /// A job that ran and now waits at the approval gate with a one-hunk patch.
    private func waitingJob(in store: any PilothouseStore) throws -> Job {
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let claimed = try #require(try store.claimNextJob(owner: "engine", leaseUntil: .distantFuture))
        #expect(claimed.id == job.id)
        try store.savePatch(
            Patch(
                jobID: job.id, attempt: claimed.attempts, baseCommit: "base",
                diff: Data("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n+y\n".utf8)))
        try store.finishRun(job.id, to: .awaitingApproval, message: "waiting")
        return try #require(try store.job(job.id))
    }

    @Test(arguments: StoreBackend.allCases)
    func claimsTakeTheHighestPriorityThenTheOldest(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let low = try store.enqueue(
            Job(id: JobID(date: Date(timeIntervalSince1970: 1)), title: "low", goal: "g", priority: .p3))
        let urgentNewer = try store.enqueue(
            Job(
                id: JobID(date: Date(timeIntervalSince1970: 3)), title: "urgent new", goal: "g", priority: .p0
            ))
        let urgentOlder = try store.enqueue(
            Job(
                id: JobID(date: Date(timeIntervalSince1970: 2)), title: "urgent old", goal: "g", priority: .p0
            ))
        var order: [JobID] = []
        while let job = try store.claimNextJob(owner: "engine", leaseUntil: .distantFuture) {
            #expect(job.state == .running)
            #expect(job.attempts == 1)
            order.append(job.id)
        }
        #expect(order == [urgentOlder.id, urgentNewer.id, low.id])
        #expect(try store.hasQueuedJobs() == false)
    }

    @Test(arguments: StoreBackend.allCases)
    func aClaimSkipsTheJobsItIsToldToSkip(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let first = try store.enqueue(Job(title: "first", goal: "g", priority: .p0))
        let second = try store.enqueue(Job(title: "second", goal: "g", priority: .p3))
        #expect(try store.hasQueuedJobs(excluding: [first.id]))
        let claimed = try store.claimNextJob(
            owner: "engine", leaseUntil: .distantFuture, excluding: [first.id])
        #expect(claimed?.id == second.id)
        #expect(try store.hasQueuedJobs(excluding: [first.id]) == false)
    }

    @Test(arguments: StoreBackend.allCases)
    func twoEnginesClaimingAtOnceNeverTakeTheSameJob(_ backend: StoreBackend) async throws {
        let underTest = try backend.makeStore()
        for index in 0..<40 { try underTest.store.enqueue(Job(title: "job \(index)", goal: "g")) }
        let handles = [underTest.store, try underTest.anotherHandle()]
        let claims = try await withThrowingTaskGroup(of: [JobID].self) { group in
            for (index, handle) in handles.enumerated() {
                group.addTask {
                    var mine: [JobID] = []
                    while let job = try handle.claimNextJob(
                        owner: "engine-\(index)", leaseUntil: .distantFuture)
                    {
                        mine.append(job.id)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [[JobID]]()) { $0.append($1) }
        }
        let all = claims.flatMap { $0 }
        #expect(all.count == 40)
        #expect(Set(all).count == 40)
        #expect(try underTest.store.jobs(state: .running).allSatisfy { $0.attempts == 1 })
        #expect(try underTest.store.verifyBeads() == .ok(count: 80))
    }

    @Test(arguments: StoreBackend.allCases)
    func anExpiredLeaseIsReclaimedAndALastAttemptIsQuarantined(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 2))
        let soon = Date().addingTimeInterval(60)
        let later = soon.addingTimeInterval(60)
        _ = try #require(try store.claimNextJob(owner: "dead engine", leaseUntil: soon))
        // Not yet expired, and the owner's own sweep spares it: nothing happens.
        #expect(try store.reclaimExpiredLeases(now: Date(), sparing: nil).requeued.isEmpty)
        #expect(try store.reclaimExpiredLeases(now: later, sparing: "dead engine").requeued.isEmpty)
        #expect(try store.jobsHeld(notBy: "other").map(\.job) == [job.id])

        let first = try store.reclaimExpiredLeases(now: later, sparing: "other")
        #expect(first.requeued.map(\.id) == [job.id])
        #expect(first.quarantined.isEmpty)
        #expect(try store.job(job.id)?.state == .queued)

        _ = try #require(try store.claimNextJob(owner: "dead engine", leaseUntil: soon))
        let second = try store.reclaimExpiredLeases(now: later, sparing: "other")
        #expect(second.quarantined.map(\.id) == [job.id])
        #expect(try store.job(job.id)?.state == .quarantined)
        #expect(try store.quarantineRecords().map(\.reason) == [.maxAttempts])
        #expect(try store.jobsHeld(notBy: "other").isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func aRenewedLeaseIsNotReclaimed(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let now = Date()
        _ = try store.claimNextJob(owner: "engine", leaseUntil: now.addingTimeInterval(10))
        try store.renewLeases(owner: "engine", jobs: [job.id], until: now.addingTimeInterval(1_000))
        #expect(
            try store.reclaimExpiredLeases(now: now.addingTimeInterval(100), sparing: nil).requeued.isEmpty)
        #expect(try store.job(job.id)?.state == .running)
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentAppendsFromTwoHandlesMakeOneChain(_ backend: StoreBackend) async throws {
        let underTest = try backend.makeStore()
        let handles = [underTest.store, try underTest.anotherHandle()]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, handle) in handles.enumerated() {
                group.addTask {
                    for bead in 0..<100 {
                        try handle.appendBead(
                            jobID: nil, kind: .comment, message: "engine \(index) bead \(bead)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let beads = try handles[1].beads(after: 0)
        #expect(beads.count == 200)
        #expect(beads.map(\.seq) == Array(1...200).map(Int64.init))
        #expect(zip(beads, beads.dropFirst()).allSatisfy { $0.hash == $1.prevHash })
        #expect(try underTest.store.verifyBeads() == .ok(count: 200))
        #expect(try underTest.store.lastBeadSeq() == 200)
    }

    @Test(arguments: StoreBackend.allCases)
    func reservationsFromTwoHandlesNeverOvershootALimit(_ backend: StoreBackend) async throws {
        let underTest = try backend.makeStore()
        let keys = BudgetKeys(run: "run", day: "2026-11-29", job: "job")
        let limits = [BudgetLimit(scope: .run, limit: Money(micros: 1_000_000))]
        let tenCents = Money(micros: 100_000)
        let handles = [underTest.store, try underTest.anotherHandle()]
        let granted = try await withThrowingTaskGroup(of: Int.self) { group in
            for handle in handles {
                group.addTask {
                    var count = 0
                    for _ in 0..<20
                    where try handle.reserveBudget(keys: keys, estimate: tenCents, limits: limits).isAllowed {
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(granted == 10)
        #expect(
            try underTest.store.budgetStates(keys: keys)[.run]
                == BudgetState(reserved: Money(micros: 1_000_000)))
        #expect(
            try underTest.store.reserveBudget(keys: keys, estimate: Money(micros: 1), limits: limits)
                == .denied(scope: .run, remaining: .zero))
        // Settling for less frees the difference, and only that.
        try underTest.store.settleBudget(
            keys: keys, reserved: tenCents, actual: Money(micros: 40_000), entry: nil)
        #expect(
            try underTest.store.budgetStates(keys: keys)[.run]
                == BudgetState(spent: Money(micros: 40_000), reserved: Money(micros: 900_000)))
        #expect(
            try underTest.store.reserveBudget(keys: keys, estimate: Money(micros: 60_000), limits: limits)
                .isAllowed)
        #expect(
            try underTest.store.reserveBudget(keys: keys, estimate: Money(micros: 1), limits: limits)
                .isAllowed == false)
    }

    @Test(arguments: StoreBackend.allCases)
    func anApprovalIsRecordedOnceAndASecondIsRefused(_ backend: StoreBackend) throws {
        let underTest = try backend.makeStore()
        let store = underTest.store
        let job = try waitingJob(in: store)
        let approved = try store.approve(
            job.id, stage: .approve, attempt: job.attempts, by: "operator", hunks: nil, owner: nil,
            leaseUntil: nil)
        #expect(approved.state == .merging)
        let other = try underTest.anotherHandle()
        #expect(throws: (any Error).self) {
            try other.approve(
                job.id, stage: .approve, attempt: job.attempts, by: "operator", hunks: nil, owner: nil,
                leaseUntil: nil)
        }
        #expect(try store.job(job.id)?.state == .merging)
        #expect(try store.beads(jobID: job.id).filter { $0.kind == .patchApproved }.count == 1)
        #expect(try store.verifyBeads() == .ok(count: try store.beads().count))
    }

    @Test(arguments: StoreBackend.allCases)
    func aRejectionOfAJobNoLongerWaitingChangesNothing(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try waitingJob(in: store)
        try store.approve(job.id, stage: .approve, attempt: job.attempts, by: "operator", hunks: nil)
        let beads = try store.beads().count
        #expect(throws: (any Error).self) {
            try store.reject(job.id, reason: "late", policy: .retryWithFeedback)
        }
        #expect(try store.job(job.id)?.state == .merging)
        #expect(try store.beads().count == beads)
    }

    @Test(arguments: StoreBackend.allCases)
    func aQuarantinedJobIsReleasedOnceWithFreshAttempts(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 1))
        _ = try store.claimNextJob(owner: "engine", leaseUntil: .distantFuture)
        let record = try store.quarantine(
            QuarantineRecord(jobID: job.id, reason: .malformedOutput, message: "garbage", payload: "x"),
            clearingLease: true)
        #expect(try store.job(job.id)?.state == .quarantined)
        #expect(try store.jobsHeld(notBy: "other").isEmpty)
        try store.releaseQuarantineRecord(record.id, resetAttempts: true, note: "try the other file")
        let released = try #require(try store.job(job.id))
        #expect(released.state == .queued)
        #expect(released.attempts == 0)
        #expect(try store.feedback(job.id) == "try the other file")
        #expect(try store.quarantineRecords().isEmpty)
        #expect(throws: (any Error).self) {
            try store.releaseQuarantineRecord(record.id, resetAttempts: true, note: nil)
        }
        #expect(try store.job(job.id)?.state == .queued)
    }

    @Test(arguments: StoreBackend.allCases)
    func enteringTheMergeQueueAgainKeepsTheFirstApprovalTime(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try waitingJob(in: store)
        let merging = try store.approve(
            job.id, stage: .approve, attempt: job.attempts, by: "operator", hunks: nil, owner: "engine",
            leaseUntil: .distantFuture)
        let first = try store.enterMergeQueue(merging, attempt: merging.attempts)
        #expect(first.entered)
        let again = try store.enterMergeQueue(merging, attempt: merging.attempts)
        #expect(again.entered == false)
        #expect(again.approvedAt == first.approvedAt)
        #expect(try store.beads(jobID: job.id).filter { $0.kind == .queueEntered }.count == 1)
        #expect(try store.mergeQueueStatus(batchSize: 8).entries.map(\.jobID) == [job.id])
    }

    @Test(arguments: StoreBackend.allCases)
    func aTreeTestResultIsKeptPerTreeAndCommand(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        #expect(try store.mergeTest(tree: "abc", command: "make test") == nil)
        try store.recordMergeTest(tree: "abc", command: "make test", passed: false, output: "1 failed")
        #expect(try store.mergeTest(tree: "abc", command: "make test")?.passed == false)
        #expect(try store.mergeTest(tree: "abc", command: "make check") == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func anIllegalTransitionChangesNothing(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        #expect(throws: StoreError.self) { try store.transition(job.id, to: .merged) }
        #expect(try store.job(job.id)?.state == .queued)
        #expect(try store.beads().count == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func everyStoredTextIsRedacted(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let secret = "AKIAIOSFODNN7EXAMPLE"
        let job = try store.enqueue(Job(title: "fix \(secret)", goal: "goal \(secret)"))
        try store.appendBead(jobID: job.id, kind: .comment, message: "saw \(secret)")
        let stored = try #require(try store.job(job.id))
        #expect(!stored.title.contains(secret))
        #expect(!stored.goal.contains(secret))
        #expect(try store.beads().allSatisfy { !$0.message.contains(secret) })
    }

    @Test(arguments: StoreBackend.allCases)
    func aConditionalMoveOfAJobThatMovedOnChangesNothing(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        try store.moveJob(job.id, from: [.queued], to: .paused, message: "paused", resetAttempts: false)
        // Another engine resumed and claimed it; a stale "resume" must not queue it again.
        try store.moveJob(job.id, from: [.paused], to: .queued, message: "resumed", resetAttempts: false)
        let running = try #require(try store.claimNextJob(owner: "engine", leaseUntil: .distantFuture))
        let beads = try store.beads().count
        #expect(throws: StoreError.stateChanged(job: job.id.short, now: .running)) {
            try store.moveJob(job.id, from: [.paused], to: .queued, message: "resumed", resetAttempts: false)
        }
        #expect(try store.job(job.id)?.state == .running)
        #expect(try store.job(job.id)?.attempts == running.attempts)
        #expect(try store.jobsHeld(notBy: "other").map(\.owner) == ["engine"])
        #expect(try store.beads().count == beads)
        // A move that applies resets attempts when asked and releases the lease.
        let cancelled = try store.moveJob(
            job.id, from: [.running], to: .cancelled, message: "cancelled", resetAttempts: false)
        #expect(cancelled.state == .cancelled)
        #expect(cancelled.attempts == 1)
        let retried = try store.moveJob(
            job.id, from: [.cancelled], to: .queued, message: "retried", resetAttempts: true)
        #expect(retried.attempts == 0)
        #expect(try store.jobsHeld(notBy: "other").isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func theEngineListShowsWhoHoldsWhatAndForgetsOnlyTheLongSilent(_ backend: StoreBackend) throws {
        let underTest = try backend.makeStore()
        let store = underTest.store
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func engine(_ owner: String, at date: Date) -> EngineRecord {
            EngineRecord(
                owner: owner, host: "host-\(owner)", pid: 42, version: "1.0", startedAt: date,
                heartbeatAt: date,
                leaseSeconds: 30)
        }
        try store.registerEngine(engine("old", at: start), forgetAfter: 3_600)
        try store.registerEngine(engine("a", at: start.addingTimeInterval(7_000)), forgetAfter: 3_600)
        // Registering forgot `old` (silent for more than an hour) and keeps `a`.
        try store.registerEngine(engine("b", at: start.addingTimeInterval(7_300)), forgetAfter: 3_600)
        #expect(try store.engines().map(\.owner) == ["a", "b"])

        try store.enqueue(Job(title: "t", goal: "g"))
        _ = try store.claimNextJob(owner: "b", leaseUntil: .distantFuture)
        try store.engineHeartbeat(owner: "b", at: start.addingTimeInterval(7_310))
        let other = try underTest.anotherHandle()
        let seen = try other.engines()
        #expect(seen.map(\.jobsHeld) == [0, 1])
        #expect(seen.last?.heartbeatAt == start.addingTimeInterval(7_310))
        #expect(seen.last?.host == "host-b")
        #expect(seen.first?.isLost(at: start.addingTimeInterval(7_031)) == true)
        #expect(seen.last?.isLost(at: start.addingTimeInterval(7_331)) == false)

        try other.retireEngine(owner: "a")
        #expect(try store.engines().map(\.owner) == ["b"])
    }

    @Test(arguments: StoreBackend.allCases)
    func aScheduleSlotIsWonOnceAndOnlyForward(_ backend: StoreBackend) throws {
        let underTest = try backend.makeStore()
        let store = underTest.store
        let other = try underTest.anotherHandle()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try store.claimScheduleSlot(name: "nightly", slot: start, firing: false, message: ""))
        #expect(
            try other.claimScheduleSlot(name: "nightly", slot: start, firing: false, message: "") == false)
        #expect(try store.beads().isEmpty)
        let slot = start.addingTimeInterval(86_400)
        #expect(try other.claimScheduleSlot(name: "nightly", slot: slot, firing: true, message: "fired once"))
        #expect(
            try store.claimScheduleSlot(name: "nightly", slot: slot, firing: true, message: "fired twice")
                == false)
        #expect(
            try store.claimScheduleSlot(name: "nightly", slot: start, firing: true, message: "backwards")
                == false)
        #expect(try store.scheduleSlots() == ["nightly": slot])
        #expect(try store.beads().map(\.message) == ["fired once"])
        #expect(try store.beads().first?.kind == .scheduleFired)
        #expect(try store.beads().first?.metadata["schedule"] == "nightly")
    }
}
