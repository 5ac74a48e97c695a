import Foundation
import PilothouseCore
import PilothouseEngine
import Testing

/// `pilothouse bench`'s claim measurement (`ClaimBenchmark`) on every backend: several
/// handles claim one queue as engines do, every job exactly once, and a store that holds
/// anyone's jobs is refused untouched.
@Suite(.timeLimit(.minutes(2))) struct ClaimBenchmarkTests {
    @Test(arguments: StoreBackend.allCases)
    func workersOnTheirOwnHandlesClaimEveryJobOnce(_ backend: StoreBackend) async throws {
        let target = try backend.makeStore()
        let result = try await ClaimBenchmark(jobs: 40, workers: 4).run(
            store: target.store, openHandle: target.openHandle)
        #expect(result.jobs == 40)
        #expect(result.workers == 4)
        #expect(result.claimsPerSecond > 0 && result.enqueuePerSecond > 0)
        let jobs = try target.store.jobs()
        #expect(jobs.count == 40)
        #expect(jobs.allSatisfy { $0.state == .running && $0.attempts == 1 })
        // Each claim by one of the four claimers, recorded in the chain with its enqueue.
        let owners = Set(try target.store.jobsHeld(notBy: "").map(\.owner))
        #expect(owners.isSubset(of: ["bench-0", "bench-1", "bench-2", "bench-3"]))
        #expect(try target.store.verifyBeads() == .ok(count: 80))
    }

    @Test(arguments: StoreBackend.allCases)
    func aStoreThatHoldsJobsIsRefusedUntouched(_ backend: StoreBackend) async throws {
        let target = try backend.makeStore()
        let job = try target.store.enqueue(Job(title: "someone's work", goal: "g"))
        await #expect(throws: ClaimBenchmark.Failure.storeNotEmpty(location: target.store.location, jobs: 1))
        {
            try await ClaimBenchmark(jobs: 5, workers: 2).run(
                store: target.store, openHandle: target.openHandle)
        }
        #expect(try target.store.jobs().map(\.id) == [job.id])
        #expect(try target.store.job(job.id)?.state == .queued)
        #expect(try target.store.verifyBeads() == .ok(count: 1))
    }
}
