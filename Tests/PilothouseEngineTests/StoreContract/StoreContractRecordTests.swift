import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// What the gateway, the merge queue and `gc` rely on from any store (`StoreBackend`): the
/// ledger and its sums, the response cache, landing records, and each job's last activity.
@Suite struct StoreContractRecordTests {
    private func entry(
        job: JobID?, model: String, cost: Int64, tokens: Int, at date: Date = Date()
    ) -> LedgerEntry {
        LedgerEntry(
            runID: "no such run", jobID: job, stage: .implement, provider: "sim", model: model,
            requestedModel: model,
            tokens: TokenCounts(input: tokens, output: tokens * 2), cost: Money(micros: cost), outcome: "ok",
            attempt: 1, createdAt: date)
    }

    @Test(arguments: StoreBackend.allCases)
    func theLedgerSumsExactlyByEveryGrouping(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let yesterday = now.addingTimeInterval(-86_400)
        let first = try store.recordCall(
            entry(job: job.id, model: "b-model", cost: 1, tokens: 10, at: yesterday))
        let second = try store.recordCall(entry(job: nil, model: "a-model", cost: 2, tokens: 20, at: now))
        #expect(second > first)
        // A settled call writes its ledger row with the account in the same transaction.
        try store.settleBudget(
            keys: BudgetKeys(run: "r", day: "d", job: job.id.rawValue), reserved: Money(micros: 10),
            actual: Money(micros: 3),
            entry: entry(job: job.id, model: "b-model", cost: 3, tokens: 30, at: now))

        #expect(try store.ledgerEntries().map(\.cost.micros) == [1, 2, 3])
        #expect(try store.ledgerEntries(jobID: job.id).map(\.cost.micros) == [1, 3])
        #expect(try store.ledgerEntries().first?.runID == nil)
        let byModel = try store.costReport(by: .model)
        #expect(byModel.rows.map(\.key) == ["sim:a-model", "sim:b-model"])
        #expect(byModel.rows.map(\.cost.micros) == [2, 4])
        #expect(byModel.total.calls == 3)
        #expect(byModel.total.tokens == TokenCounts(input: 60, output: 120))
        #expect(try store.costReport(by: .job).rows.map(\.key) == ["-", job.id.rawValue])
        #expect(try store.costReport(by: .day).rows.map(\.key) == ["2027-01-14", "2027-01-15"])
        #expect(try store.costReport().rows.isEmpty)
        let spend = try store.spendSummary(now: now)
        #expect(spend.total == Money(micros: 6))
        #expect(spend.today == Money(micros: 5))
    }

    /// A provider's error text, a model name or a test command may carry NUL (a hostile or
    /// broken peer). PostgreSQL refuses NUL in text: the write must still go through, since a
    /// ledger row is money already spent, keeping at least what came before the NUL.
    @Test(arguments: StoreBackend.allCases)
    func textWithNULFromAPeerIsStillWritten(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let keys = BudgetKeys(run: "r\u{0}x", day: "d", job: "j")
        try store.settleBudget(
            keys: keys, reserved: .zero, actual: Money(micros: 5),
            entry: LedgerEntry(
                runID: nil, jobID: nil, stage: nil, provider: "sim\u{0}x", model: "m\u{0}x",
                requestedModel: "m",
                cost: Money(micros: 5), outcome: "error\u{0}x", attempt: 1,
                detail: "upstream said\u{0}garbage"))
        let entry = try #require(try store.ledgerEntries().first)
        #expect(entry.cost == Money(micros: 5))
        #expect(entry.detail?.hasPrefix("upstream said") == true)
        #expect(entry.model.hasPrefix("m"))
        #expect(try store.budgetStates(keys: keys)[.run]?.spent == Money(micros: 5))
        try store.recordMergeTest(tree: "t\u{0}", command: "make\u{0}test", passed: true, output: "ok")
        try store.cacheStore(
            key: "k\u{0}", stage: nil, model: "m\u{0}", payload: Data("p".utf8), maxBytes: 100, now: Date())
        try store.appendTranscript(
            callID: nil, jobID: nil, stage: nil, model: "m\u{0}", prompt: "p\u{0}", response: "r\u{0}")
        #expect(try store.transcripts().count == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func aStoredLimitOverridesTheConfiguredOneForItsScope(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let keys = BudgetKeys(run: "run-1", day: "2027-01-15", job: "job-1")
        let configured = [
            BudgetLimit(scope: .run, limit: Money(micros: 100)),
            BudgetLimit(scope: .day, limit: Money(micros: 5)),
        ]
        try store.setBudgetLimit(scope: .day, limit: Money(micros: 50), mode: .enforce)
        try store.setBudgetLimit(scope: .day, key: "2027-01-15", limit: Money(micros: 70), mode: .warn)
        let limits = try store.effectiveLimits(keys: keys, configured: configured)
        #expect(
            limits.first { $0.scope == .day }
                == BudgetLimit(scope: .day, limit: Money(micros: 70), mode: .warn))
        #expect(limits.first { $0.scope == .run } == configured[0])
        #expect(
            try store.reserveBudget(keys: keys, estimate: Money(micros: 60), limits: configured).isAllowed)
    }

    @Test(arguments: StoreBackend.allCases)
    func theCacheHitsVerifiesExpiresAndEvictsTheLeastRecentlyUsed(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let payload = Data(repeating: 7, count: 100)
        try store.cacheStore(
            key: "old", stage: .plan, model: "m", payload: payload, maxBytes: 1_000, now: start)
        try store.cacheStore(
            key: "new", stage: nil, model: "m", payload: payload, maxBytes: 1_000,
            now: start.addingTimeInterval(1))
        #expect(try store.cacheLookup(key: "old", ttl: 60, now: start.addingTimeInterval(2)) == .hit(payload))
        #expect(try store.cacheLookup(key: "missing", ttl: 60, now: start) == .miss)
        // "new" is now the least recently used: a third entry over the limit evicts it.
        try store.cacheStore(
            key: "third", stage: nil, model: "m", payload: payload, maxBytes: 250,
            now: start.addingTimeInterval(3))
        #expect(try store.cacheLookup(key: "new", ttl: 60, now: start.addingTimeInterval(4)) == .miss)
        #expect(try store.cacheStatistics().remainingEntries == 2)
        #expect(try store.cacheStatistics().remainingBytes == 200)
        // Past its time to live, an entry is a miss and is gone.
        #expect(try store.cacheLookup(key: "old", ttl: 1, now: start.addingTimeInterval(100)) == .miss)
        let validated = try store.cacheValidate()
        #expect(validated.checked == 1)
        #expect(validated.corruptPurged == 0)
        #expect(validated.remainingBytes == 100)
        #expect(try store.deleteCacheEntries(unusedSince: start.addingTimeInterval(10), dryRun: true) == 1)
        let purged = try store.cachePurge(olderThan: nil, maxBytes: nil, now: start)
        #expect(purged.evicted == 1)
        #expect(try store.cacheStatistics().remainingEntries == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func aLandingIsRecordedOnceAndARecoveredMergeKeepsTheFirstRecord(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        let landing = MergeLanding(
            mergeCommit: "m1", jobCommit: "j1", candidateTree: "t1", previousTip: "p0", newTip: "m1",
            batchSize: 1)
        try store.recordLanding([(job: job.id, landing: landing)])
        #expect(try store.mergeRecord(job.id) == "m1")
        #expect(throws: (any Error).self) { try store.recordLanding([(job: job.id, landing: landing)]) }
        try store.recordRecoveredMerge(job.id, mergeCommit: "m2", tip: "m2")
        #expect(try store.mergeRecord(job.id) == "m1")
        let other = try store.enqueue(Job(title: "u", goal: "g"))
        try store.recordRecoveredMerge(other.id, mergeCommit: "m3", tip: "m3")
        #expect(try store.mergeRecord(other.id) == "m3")
        #expect(try store.mergeRecord(JobID()) == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func aJobsLastActivityIsItsNewestBeadOrChange(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        let job = try store.enqueue(Job(title: "t", goal: "g", createdAt: created))
        #expect(try store.jobActivity(of: job.id)?.lastEvent == created)
        try store.recordStageStarted(job.id, stage: .analyze, attempt: 1, at: created.addingTimeInterval(50))
        let activity = try #require(try store.jobActivity()[job.id])
        #expect(activity.lastEvent == created.addingTimeInterval(50))
        #expect(activity.state == .queued)
        #expect(try store.jobActivity(of: JobID()) == nil)

        try store.appendTranscript(
            callID: nil, jobID: job.id, stage: .analyze, model: "m", prompt: "p", response: "r", at: created)
        try store.appendTranscript(
            callID: nil, jobID: nil, stage: nil, model: "m", prompt: "p", response: "r", at: created)
        try store.appendTranscript(
            callID: nil, jobID: nil, stage: nil, model: "m", prompt: "p", response: "r",
            at: created.addingTimeInterval(1_000))
        let cutoff = created.addingTimeInterval(500)
        #expect(try store.deleteTranscripts(of: [job.id], unattachedBefore: cutoff, dryRun: true) == 2)
        #expect(try store.transcripts().count == 3)
        #expect(try store.deleteTranscripts(of: [job.id], unattachedBefore: cutoff, dryRun: false) == 2)
        #expect(try store.transcripts().count == 1)
        #expect(try store.jobDetail(job.id).transcript.isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func aRunHeaderAndItsEndAreChainedBeads(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let header = RunHeader(
            pilothouseVersion: "test", repoHead: "abc", configHash: "cfg", seed: UInt64.max)
        try store.beginRun(header)
        try store.endRun(header.id, exitCode: 3)
        #expect(try store.beads().map(\.kind) == [.runStarted, .runFinished])
        #expect(try store.beads().first?.metadata["seed"] == String(UInt64.max))
        // A ledger row of this run now keeps its run id.
        try store.recordCall(
            LedgerEntry(
                runID: header.id.rawValue, jobID: nil, stage: nil, provider: "sim", model: "m",
                requestedModel: "m",
                outcome: "ok", attempt: 1))
        #expect(try store.ledgerEntries().map(\.runID) == [header.id.rawValue])
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.beadCheckpoint().length == 2)
    }
}
