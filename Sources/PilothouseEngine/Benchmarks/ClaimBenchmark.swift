import Foundation
import PilothouseCore
import Synchronization

/// Claims per second as a fleet claims: `workers` handles on one store, each with its own
/// connection as another engine's would be, each on a thread of its own, claiming through
/// `JobOperations.claimNext` (the engine's own path) until the queue of `jobs` is empty.
///
/// Threads, not tasks: a claim blocks its caller for a transaction, and the cooperative pool
/// has one thread per core, so tasks would measure the pool rather than the store.
/// It asserts no timing; it does check what a claim promises (every job claimed exactly once,
/// the bead chain whole) and throws when that does not hold, so a figure is only ever
/// reported for claims that were right.
public struct ClaimBenchmark: Sendable {
    public let jobs: Int
    public let workers: Int

    public init(jobs: Int, workers: Int) {
        self.jobs = jobs
        self.workers = workers
    }

    /// What one run measured; `--json` prints it as part of `bench`'s document.
    public struct Result: Sendable, Equatable, Encodable {
        public var jobs: Int
        public var workers: Int
        /// Enqueueing the jobs through one handle, one transaction each.
        public var enqueueSeconds: Double
        public var enqueuePerSecond: Double
        public var claimSeconds: Double
        public var claimsPerSecond: Double
    }

    /// Why a run is refused or its figure would be wrong.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The store already holds jobs: the benchmark would claim someone's work.
        case storeNotEmpty(location: String, jobs: Int)
        /// Claims that were not one per job: a claim bug, not a performance figure.
        case wrongClaims(location: String, claimed: Int, distinct: Int, expected: Int)
        case workerFailed(location: String, detail: String)
        case chainBroken(location: String, detail: String)

        public var description: String {
            switch self {
            case .storeNotEmpty(let location, let jobs):
                "\(location) already holds \(jobs) job\(jobs == 1 ? "" : "s"); the claim benchmark claims every queued job, so it runs only on an empty store of its own"
            case .wrongClaims(let location, let claimed, let distinct, let expected):
                "claims on \(location) were wrong: \(claimed) claims of \(distinct) distinct jobs, \(expected) expected once each; this is a bug worth reporting"
            case .workerFailed(let location, let detail):
                "a claiming worker on \(location) failed: \(detail)"
            case .chainBroken(let location, let detail):
                "the bead chain of \(location) does not verify after the claims: \(detail)"
            }
        }
    }

    /// Enqueues the jobs through `store`, opens one handle per worker with `openHandle`, and
    /// claims until the queue is empty. `store` must hold no job.
    public func run(store: any PilothouseStore, openHandle: @Sendable () throws -> any PilothouseStore)
        async throws -> Result
    {
        let location = store.location
        let existing = try store.jobCounts().values.reduce(0, +)
        guard existing == 0 else { throw Failure.storeNotEmpty(location: location, jobs: existing) }
        let clock = ContinuousClock()
        let enqueue = try clock.measure {
            for index in 0..<jobs { _ = try store.enqueue(Job(title: "claim bench \(index)", goal: "claim")) }
        }
        let operations = try (0..<workers).map { _ in
            JobOperations(store: try openHandle(), template: .standard, onReject: .end)
        }
        let start = clock.now
        let outcomes = await Self.claimAll(operations)
        let claim = clock.now - start

        if let failure = outcomes.lazy.compactMap(\.failure).first {
            throw Failure.workerFailed(location: location, detail: failure)
        }
        let claimed = outcomes.flatMap(\.claimed)
        guard claimed.count == jobs, Set(claimed).count == jobs else {
            throw Failure.wrongClaims(
                location: location, claimed: claimed.count, distinct: Set(claimed).count, expected: jobs)
        }
        if case .broken(let problem) = try store.verifyBeads() {
            throw Failure.chainBroken(location: location, detail: "\(problem)")
        }
        return Result(
            jobs: jobs, workers: workers, enqueueSeconds: enqueue.seconds,
            enqueuePerSecond: Double(jobs) / enqueue.seconds, claimSeconds: claim.seconds,
            claimsPerSecond: Double(jobs) / claim.seconds)
    }

    /// What one worker claimed, and why it stopped early if it did.
    private struct Outcome: Sendable {
        var claimed: [JobID] = []
        var failure: String?
    }

    /// Every worker claims on its own thread until the queue is empty; resumes when all ended.
    private static func claimAll(_ operations: [JobOperations]) async -> [Outcome] {
        let tally = Tally(workers: operations.count)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            for (index, worker) in operations.enumerated() {
                Thread {
                    var outcome = Outcome()
                    do {
                        while let job = try worker.claimNext(
                            owner: "bench-\(index)", leaseUntil: .distantFuture, excluding: [])
                        {
                            outcome.claimed.append(job.id)
                        }
                    } catch {
                        outcome.failure = "\(error)"
                    }
                    if tally.finished(outcome) { done.resume() }
                }.start()
            }
        }
        return tally.outcomes.withLock { $0 }
    }

    /// The workers' outcomes as they end, and whether the last one has.
    private final class Tally: Sendable {
        let outcomes = Mutex<[Outcome]>([])
        private let workers: Int

        init(workers: Int) {
            self.workers = workers
        }

        /// Records `outcome`; true for the last worker to end.
        func finished(_ outcome: Outcome) -> Bool {
            outcomes.withLock { all in
                all.append(outcome)
                return all.count == workers
            }
        }
    }
}
