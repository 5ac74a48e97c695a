import Foundation
import PilothouseCore

/// The merge queue: the integration branch only ever moves to a tree whose tests passed.
///
/// Approved jobs wait here in order (priority, then approval time). The queue takes up to
/// `batch_size` of them, builds the candidate chain in the object database (integration tip,
/// then one merge commit per job, each on the previous: `merge-tree --write-tree` +
/// `commit-tree`, so a patch whose base is behind is re-applied three-way for free), tests the
/// last tree in a checkout of exactly that tree, and moves the branch by compare-and-swap. A
/// failing batch is bisected over its prefixes (each prefix is already a commit of the chain),
/// the longest passing prefix lands and the first failing job goes back with the test output.
/// A job that conflicts goes back with the conflict. One merge commit per job keeps `rollback`
/// per job.
///
/// Crash safety: git is the authority on what merged (a job's merge ref on the branch), the
/// store's `merge_records` row per job is unique, and every candidate is rebuilt from the
/// current tip, so a SIGKILL during a test or between the ref moves loses no approval (the job
/// stays `merging` with its queue row) and merges nothing twice (a job already on the branch
/// is recognised before it is put in a chain).
///
/// With a shared remote (`[merge_queue] remote`) each batch starts with a fetch of the remote's
/// branch and merge refs and lands with one atomic push with a lease on the tip it was built on
/// (`SharedRemote`). A refused lease is a lost race, handled as a local compare-and-swap that
/// failed: a `queue_race_lost` bead, then the chain is built again on the new tip. A remote that
/// cannot be fetched from or pushed to publishes nothing: the jobs stay approved in the queue,
/// the operator gets git's message once, and the queue tries again after a growing pause.
public actor MergeQueue {
    public let merger: IntegrationMerger
    public let settings: MergeQueueSection
    /// Runs the test command on candidate trees; nil: candidates are not tested.
    let tests: TestRunner?
    /// Where the queue's rows, merge records and test results persist; nil in stage tests.
    let store: (any MergeQueueStore)?
    /// Tells the operator what could not be recorded.
    let notify: @Sendable (String) async -> Void

    private struct Waiter {
        var request: MergeRequest
        var approvedAt: Date
        var arrival: Int
        var continuation: CheckedContinuation<MergeVerdict, Never>
    }

    /// One job of the candidate chain.
    private struct Link {
        var request: MergeRequest
        var mergeCommit: String
        var tree: String
        var id: JobID { request.job.id }
    }

    private var waiters: [JobID: Waiter] = [:]
    private var arrivals = 0
    private var driving = false
    /// Jobs of the batch being built, tested or landed; jobs of it whose stage gave up
    /// meanwhile are `withdrawn` and cut from what lands.
    private var inBatch: Set<JobID> = []
    /// The jobs whose candidate tree is under test right now.
    private var inTest: [JobID] = []
    private var withdrawn: Set<JobID> = []
    private var testingSince: Date?
    private var candidateTree: String?
    /// Test results of this process, by tree (the store keeps them across processes).
    private var remembered: [String: (passed: Bool, output: String)] = [:]
    private var sweptStaleCheckouts = false
    /// Consecutive batches the shared remote refused (unreachable, a hook): sets the pause
    /// before the next try and says whether the operator was told already.
    private var remoteFailures = 0
    /// The worktree candidates are tested in (name, path), kept from one test to the next
    /// while the queue has work: the next candidate is usually the last one plus a few
    /// patches, so resetting it rewrites only their files, where a worktree from the pool (a
    /// finished job's, several merges behind the tip) rewrites every file merged since. Handed
    /// back to the pool once the queue has been idle for `checkoutGrace`.
    private var candidateCheckout: (name: String, path: String)?
    /// Counts the queue's idle spells, so a release scheduled in one does not fire in the next.
    private var idleSpells = 0
    static let checkoutGrace: Duration = .seconds(2)

    public init(
        merger: IntegrationMerger, settings: MergeQueueSection = MergeQueueSection(),
        tests: TestRunner? = nil,
        store: (any MergeQueueStore)? = nil, notify: @escaping @Sendable (String) async -> Void = { _ in }
    ) {
        self.merger = merger
        self.settings = settings
        self.tests = settings.testCandidates ? tests : nil
        self.store = store
        self.notify = notify
    }

    /// Queues `request` and waits until its merge landed or the queue sent it back.
    public func merge(_ request: MergeRequest) async -> MergeVerdict {
        let id = request.job.id
        var approvedAt = Date()
        if let store {
            do {
                approvedAt = try store.enterMergeQueue(request.job, attempt: request.attempt).approvedAt
            } catch {
                await notify("could not record that \(id.short) entered the merge queue: \(error)")
            }
        } else {
            await request.recordBead(.queueEntered, "entered the merge queue", [:])
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(returning: .cancelled)
                    return
                }
                // A retried stage asks again: the earlier wait ends, its place is kept.
                if let earlier = waiters[id] { earlier.continuation.resume(returning: .cancelled) }
                arrivals += 1
                waiters[id] = Waiter(
                    request: request, approvedAt: approvedAt, arrival: waiters[id]?.arrival ?? arrivals,
                    continuation: continuation)
                withdrawn.remove(id)
                if !driving {
                    driving = true
                    Task { await self.drive() }
                }
            }
        } onCancel: {
            Task { await self.withdraw(id) }
        }
    }

    /// The queue now: waiting jobs in order, the batch under test.
    public func status() -> MergeQueueStatus {
        MergeQueueStatus(
            entries: ordered().map { waiter in
                let job = waiter.request.job
                return MergeQueueStatus.Entry(
                    jobID: job.id, title: job.title, priority: job.priority, approvedAt: waiter.approvedAt,
                    testing: inTest.contains(job.id))
            }, batchSize: settings.batchSize, testingSince: testingSince, candidateTree: candidateTree)
    }

    /// A merge git already has (found on the branch when the job's merge resumed after a
    /// crash): recorded in the store if it was not, and the job leaves the queue.
    public func recordRecovered(_ id: JobID, mergeCommit: String) async {
        guard let store else { return }
        do {
            // The tip is part of the record: a tip that cannot be read is a failure to record,
            // not an empty field.
            let tip = try merger.integrationTip()
            try store.recordRecoveredMerge(id, mergeCommit: mergeCommit, tip: tip)
        } catch {
            await notify("could not record the recovered merge of \(id.short): \(error)")
        }
    }

    // MARK: Driving

    private func ordered() -> [Waiter] {
        waiters.values.sorted {
            ($0.request.job.priority, $0.approvedAt, $0.arrival) < (
                $1.request.job.priority, $1.approvedAt, $1.arrival
            )
        }
    }

    private func drive() async {
        idleSpells += 1
        while !waiters.isEmpty {
            await runBatch(Array(ordered().prefix(settings.batchSize)))
        }
        driving = false
        guard candidateCheckout != nil else { return }
        let spell = idleSpells
        Task {
            try? await Task.sleep(for: Self.checkoutGrace)
            self.releaseCheckout(ifIdleSince: spell)
        }
    }

    /// Hands the candidates' worktree back to the pool if the queue stayed idle since `spell`.
    private func releaseCheckout(ifIdleSince spell: Int) {
        guard !driving, idleSpells == spell, let checkout = candidateCheckout else { return }
        candidateCheckout = nil
        removeCheckout(checkout.path)
    }

    /// Builds the chain for `chosen`, tests it (bisecting on failure), lands the longest
    /// passing prefix and answers every job it decided.
    private func runBatch(_ chosen: [Waiter]) async {
        inBatch = Set(chosen.map(\.request.job.id))
        defer {
            inBatch = []
            inTest = []
            testingSince = nil
            candidateTree = nil
            for id in withdrawn { resolve(id, .cancelled) }
            withdrawn = []
            markBatch([], tree: nil)
        }
        let tip: String
        do {
            if merger.remote != nil {
                try await Self.offPool { [merger] () throws(MergeError) in try merger.synchronize() }
            }
            tip = try merger.integrationTip()
        } catch {
            if case .remote = error {
                await holdForRemote(error, chosen.map(\.request))
                return
            }
            for waiter in chosen { resolve(waiter.request.job.id, .failed(error)) }
            return
        }
        let chain = await buildChain(chosen, on: tip)
        guard !chain.isEmpty else { return }
        var passing = 0
        var failing = chain.count
        var failure: String?
        switch await test(chain, prefix: chain.count, tip: tip) {
        case .passed: passing = chain.count
        case .failed(let output): failure = output
        case .unavailable(let error):
            for link in chain { resolve(link.id, .failed(error)) }
            return
        }
        // Bisect: the tip passes (the branch only ever moves to tested trees) and the whole
        // chain fails; find the first job whose prefix fails. Each prefix is a commit already.
        while failure != nil, failing - passing > 1 {
            let middle = (passing + failing) / 2
            switch await test(chain, prefix: middle, tip: tip) {
            case .passed: passing = middle
            case .failed(let output):
                failing = middle
                failure = output
            case .unavailable(let error):
                for link in chain { resolve(link.id, .failed(error)) }
                return
            }
        }
        if failure != nil, failing == 1, await tipFails(tip) {
            // The first job is not to blame when the branch itself is red (changed outside the
            // queue, or a flaky test): nobody is sent back, the queue waits for a fix.
            await holdWhileRed(tip, chain.count)
            return
        }
        if let failure { await sendBack(chain[failing - 1], output: failure, tip: tip, ahead: failing - 1) }
        // Only a prefix of jobs still waiting lands: a withdrawn job (and what follows it) waits.
        let landing = chain.prefix(passing).prefix { waiters[$0.id] != nil && !withdrawn.contains($0.id) }
        await land(Array(landing), on: tip)
    }

    /// The candidate chain on `tip`: one merge commit per job that merges cleanly. Jobs already
    /// on the branch are answered as merged, conflicting ones are sent back.
    private func buildChain(_ chosen: [Waiter], on tip: String) async -> [Link] {
        var chain: [Link] = []
        var parent = tip
        for waiter in chosen {
            let request = waiter.request
            let id = request.job.id
            do {
                if let merged = try merger.existingMerge(of: id) {
                    await recordRecovered(id, mergeCommit: merged)
                    resolve(
                        id,
                        .merged(
                            MergeLanding(
                                mergeCommit: merged, jobCommit: request.jobCommit, candidateTree: "",
                                previousTip: tip, newTip: tip, batchSize: 0)))
                    continue
                }
                let known = request.jobBase.flatMap { base in request.jobTree.map { (base: base, tree: $0) } }
                switch try merger.candidateMerge(
                    request.job, jobCommit: request.jobCommit, onto: parent, trailers: request.trailers,
                    jobBaseAndTree: known)
                {
                case .merged(let commit, let tree):
                    chain.append(Link(request: request, mergeCommit: commit, tree: tree))
                    parent = commit
                case .conflict(let files, let detail):
                    let shown = files.isEmpty ? "some files" : files.joined(separator: ", ")
                    let back = MergeSendBack(
                        reason: .conflict,
                        message: "the patch conflicts with \(merger.integrationBranch) in \(shown)",
                        feedback: """
                            Your previous patch was approved, but it no longer merges: changes merged into \
                            \(merger.integrationBranch) since it was written conflict with it in \(shown), and \
                            git's three-way merge could not combine them. Write the change again on the current \
                            content. Where the two met, git's merge looks like this (<<<<<<< is the current \
                            branch, >>>>>>> your patch):

                            \(detail)
                            """)
                    await request.recordBead(
                        .queueSentBack, back.message,
                        [
                            "reason": back.reason.rawValue, "files": files.joined(separator: ","),
                            "tip": parent,
                        ])
                    resolve(id, .sentBack(back))
                }
            } catch {
                resolve(id, .failed(error))
            }
        }
        return chain
    }

    // MARK: Testing

    /// A test's outcome on one candidate tree.
    private enum CandidateTest {
        case passed
        case failed(output: String)
        /// The tests could not run at all (git, a missing program): no verdict on the patches.
        case unavailable(MergeError)
    }

    /// Tests the tree of the chain's first `prefix` jobs (or recalls its result).
    private func test(_ chain: [Link], prefix: Int, tip: String) async -> CandidateTest {
        let links = Array(chain.prefix(prefix))
        guard let last = links.last else { return .passed }
        if links.count == 1, links[0].request.testedTree == last.tree {
            // Nothing merged since the job's base: its own test stage ran on exactly this tree.
            remembered[last.tree] = (true, "")
            await links[0].request.recordBead(
                .queueTested,
                "candidate \(last.tree.prefix(12)) is the tree the job's tests passed on; not tested again",
                ["tree": last.tree, "passed": "true", "cached": "true", "batch": links[0].id.rawValue])
            return .passed
        }
        return await test(tree: last.tree, commit: last.mergeCommit, links: links, tip: tip)
    }

    /// Whether the integration tip itself fails the tests (usually remembered: the branch only
    /// moves to tested trees). A tip whose tree cannot be read counts as failing.
    private func tipFails(_ tip: String) async -> Bool {
        let tree: String
        do {
            tree = try merger.tree(of: tip)
        } catch {
            return true
        }
        if case .passed = await test(tree: tree, commit: tip, links: [], tip: tip) { return false }
        return true
    }

    /// Waits, with every job still queued, until the red tip moves (someone fixed the branch).
    private func holdWhileRed(_ tip: String, _ held: Int) async {
        inBatch = []
        // Jobs withdrawn during the test leave now, not when the hold ends: a held queue whose
        // only job was cancelled would otherwise wait for a fix nobody needs any more.
        for id in withdrawn { resolve(id, .cancelled) }
        withdrawn = []
        await notify(
            "\(merger.integrationBranch) fails its own tests at \(tip.prefix(12)); the merge queue holds \(held) approved job\(held == 1 ? "" : "s") until the branch is fixed"
        )
        while !waiters.isEmpty, (try? merger.integrationTip()) == tip {
            try? await Task.sleep(for: .seconds(2))
            // A fix on the shared remote reaches this clone only by a fetch; one that fails is
            // only a later look, the next batch reports it.
            if merger.remote != nil {
                _ = try? await Self.offPool { [merger] () throws(MergeError) in try merger.synchronize() }
            }
        }
    }

    /// The shared remote refused a fetch or push (`error`): nothing was published, every job
    /// stays approved in the queue, and the next batch tries again after a pause that doubles
    /// with each failure in a row, up to 30 s. The operator hears of it once per spell (a notice,
    /// and a `queue_remote_failed` bead on each waiting job), and again when it works.
    private func holdForRemote(_ error: MergeError, _ held: [MergeRequest]) async {
        inBatch = []
        for id in withdrawn { resolve(id, .cancelled) }
        withdrawn = []
        remoteFailures += 1
        let pause = min(30, 1 << min(remoteFailures - 1, 5))
        if remoteFailures == 1 {
            await notify(
                "the merge queue holds \(held.count) approved job\(held.count == 1 ? "" : "s"): \(error)")
            for request in held where waiters[request.job.id] != nil {
                await request.recordBead(
                    "queue_remote_failed", error.description, ["retry_seconds": "\(pause)"])
            }
        }
        try? await Task.sleep(for: .seconds(pause))
    }

    /// Runs a fetch or push of the shared remote on a dispatch thread, not the cooperative pool:
    /// it waits on the network (up to git's two minutes), and the pool has one thread per core
    /// for every task of the engine. Other calls on the queue go on meanwhile (`withdraw` marks
    /// a job of the batch; the landing decides it).
    private static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws(MergeError) -> T)
        async throws(MergeError) -> T
    {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<T, MergeError>, Never>) in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: Result { () throws(MergeError) -> T in try body() })
            }
        }
        return try result.get()
    }

    /// A batch reached the shared remote after failures: the operator hears that it works again.
    private func remoteRecovered() async {
        guard remoteFailures > 0, let remote = merger.remote else { return }
        remoteFailures = 0
        await notify("the shared remote '\(remote.name)' works again; the merge queue goes on")
    }

    /// Runs the test command on `tree` (checked out from `commit`), or recalls its result;
    /// `links` are the jobs whose candidate it is (none for the tip itself).
    private func test(tree: String, commit: String, links: [Link], tip: String) async -> CandidateTest {
        guard let tests else { return .passed }
        let command = tests.settings.command?.joined(separator: " ") ?? "(detected)"
        let ids = links.map { $0.id.rawValue }.joined(separator: ",")
        if let known = remembered[tree] ?? storedTest(tree: tree, command: command) {
            await recordTested(links, tree: tree, passed: known.passed, cached: true)
            return known.passed ? .passed : .failed(output: known.output)
        }
        inTest = links.map(\.id)
        testingSince = Date()
        candidateTree = tree
        markBatch(inTest, tree: tree)
        for (index, link) in links.enumerated() {
            await link.request.recordBead(
                .queueTesting,
                "testing candidate \(tree.prefix(12)): \(merger.integrationBranch) \(tip.prefix(12)) + \(links.count) patch\(links.count == 1 ? "" : "es")",
                [
                    "tree": tree, "commit": commit, "tip": tip, "batch": ids,
                    "position": "\(index + 1)",
                    "batch_size": "\(links.count)",
                ])
        }
        let outcome: (passed: Bool, output: String)
        do {
            let directory = try checkout(commit)
            if let ran = try await tests.run(in: directory) {
                let timeout =
                    "the tests did not finish within \(tests.settings.timeoutSeconds) s and were killed\n"
                outcome = (ran.passed && !ran.timedOut, (ran.timedOut ? timeout : "") + ran.output)
            } else {
                outcome = (true, TestStage.noCommandNote)
            }
        } catch let error as MergeError {
            return .unavailable(error)
        } catch {
            return .unavailable(.io("the merge queue could not test candidate \(tree.prefix(12)): \(error)"))
        }
        inTest = []
        testingSince = nil
        candidateTree = nil
        markBatch([], tree: nil)
        remembered[tree] = outcome
        if let store {
            do {
                try store.recordMergeTest(
                    tree: tree, command: command, passed: outcome.passed,
                    output: String(outcome.output.suffix(8000)))
            } catch {
                await notify("could not record the test result of candidate \(tree.prefix(12)): \(error)")
            }
        }
        await recordTested(links, tree: tree, passed: outcome.passed, cached: false)
        return outcome.passed ? .passed : .failed(output: outcome.output)
    }

    /// The `queue_tested` bead of each job of the tested prefix.
    private func recordTested(_ links: [Link], tree: String, passed: Bool, cached: Bool) async {
        let result = passed ? "passed" : "failed"
        let message = "candidate \(tree.prefix(12)) \(result)" + (cached ? " (tested before)" : " its tests")
        let metadata = [
            "tree": tree, "passed": "\(passed)", "cached": "\(cached)",
            "batch": links.map(\.id.rawValue).joined(separator: ","),
        ]
        for link in links { await link.request.recordBead(.queueTested, message, metadata) }
    }

    /// A result another run recorded; an unreadable store only means the tree is tested again.
    private func storedTest(tree: String, command: String) -> (passed: Bool, output: String)? {
        (try? store?.mergeTest(tree: tree, command: command)) ?? nil
    }

    /// A clean worktree of exactly `commit`'s tree for a test run: the queue's candidate
    /// checkout reset (`candidateCheckout`), or one from the pool. Named after this process, so
    /// two engines on one repository never share one, and checkouts a killed (or finished)
    /// engine left behind are removed by the next queue that finds its pid gone.
    private func checkout(_ commit: String) throws(MergeError) -> String {
        let pid = ProcessInfo.processInfo.processIdentifier
        if !sweptStaleCheckouts {
            sweptStaleCheckouts = true
            merger.worktrees.removeCheckoutsOfDeadEngines()
        }
        let name = candidateCheckout?.name ?? "merge-queue-\(pid)-\(UUID().uuidString.prefix(8))"
        do {
            let path = try merger.worktrees.scratch(named: name, at: commit)
            candidateCheckout = (name, path)
            return path
        } catch {
            // Whatever is left there is not trusted again: the next test starts from the pool.
            if let stale = candidateCheckout { removeCheckout(stale.path) }
            candidateCheckout = nil
            throw .workspace(error)
        }
    }

    private func removeCheckout(_ path: String) {
        if (try? merger.worktrees.release(scratch: path)) == nil {
            try? FileManager.default.removeItem(atPath: path)
            try? run(["worktree", "prune"])
        }
    }

    private func run(_ arguments: [String], in directory: String? = nil) throws(MergeError) {
        let result: GitRunner.Output
        do {
            result = try merger.worktrees.runGit(arguments, in: directory)
        } catch {
            throw .workspace(error)
        }
        guard result.status == 0 else {
            throw .git(.failed(arguments: arguments, status: result.status, message: result.errorText))
        }
    }

    // MARK: Deciding

    private func sendBack(_ link: Link, output: String, tip: String, ahead: Int) async {
        guard waiters[link.id] != nil else { return }
        let others =
            ahead == 0 ? "" : " with the \(ahead) approved patch\(ahead == 1 ? "" : "es") ahead of it"
        let back = MergeSendBack(
            reason: .testsFailed,
            message:
                "the tests failed on \(merger.integrationBranch) + this patch\(others) (candidate \(link.tree.prefix(12)))",
            feedback: """
                Your previous patch passed its own tests, but the merge queue tested it on the current \
                \(merger.integrationBranch)\(others), and the tests failed there. Something merged since \
                your patch was written does not work with it. Write the change again so that it works \
                on the current code. The test output:

                \(String(output.suffix(6000)))
                """)
        await link.request.recordBead(
            .queueSentBack, back.message, ["reason": back.reason.rawValue, "tree": link.tree, "tip": tip])
        resolve(link.id, .sentBack(back))
    }

    /// Moves the branch to the last link's commit; answers each landed job.
    private func land(_ links: [Link], on tip: String) async {
        guard let last = links.last else { return }
        let result: IntegrationMerger.LandResult
        let merges = links.map { (job: $0.id, commit: $0.mergeCommit) }
        do {
            if merger.remote != nil {
                result = try await Self.offPool { [merger] () throws(MergeError) in
                    try merger.land(merges, expecting: tip)
                }
            } else {
                result = try merger.land(merges, expecting: tip)
            }
        } catch {
            if case .remote = error {
                await holdForRemote(error, links.map(\.request))
                return
            }
            for link in links { resolve(link.id, .failed(error)) }
            return
        }
        switch result {
        case .landed: break
        case .branchMoved(let reason):
            // Another engine moved the branch first: these jobs stay queued and the next round
            // builds their chain on the new tip (fetched first, with a shared remote).
            await remoteRecovered()
            guard let remote = merger.remote else { return }
            // Engines that lost together do not all come back at the same instant.
            try? await Task.sleep(for: .milliseconds(Int.random(in: 20...200)))
            for link in links {
                await link.request.recordBead(
                    "queue_race_lost",
                    "another engine moved \(merger.integrationBranch) on '\(remote.name)' first; building the merge again on its new tip",
                    ["tip": tip, "reason": reason ?? "", "remote": remote.name])
            }
            return
        case .landedRemotely(let localRefs):
            await notify(
                "\(merger.integrationBranch) moved to \(last.mergeCommit.prefix(12)) on the shared remote, but this clone's refs could not follow (\(localRefs)); the next fetch moves them"
            )
        }
        await remoteRecovered()
        CrashPoint.mergeQueueLanded.reached()
        let landings = links.map { link in
            (
                job: link.id,
                landing: MergeLanding(
                    mergeCommit: link.mergeCommit, jobCommit: link.request.jobCommit,
                    candidateTree: last.tree,
                    previousTip: tip, newTip: last.mergeCommit, batchSize: links.count)
            )
        }
        if let store {
            do {
                try store.recordLanding(landings)
            } catch {
                await notify(
                    "\(merger.integrationBranch) moved to \(last.mergeCommit.prefix(12)), but the merge records could not be written (\(error)); the jobs' merges are recognised from git when they resume"
                )
            }
        }
        for (job, landing) in landings { resolve(job, .merged(landing)) }
    }

    private func resolve(_ id: JobID, _ verdict: MergeVerdict) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        inTest.removeAll { $0 == id }
        waiter.continuation.resume(returning: verdict)
    }

    /// The job's stage was cancelled: it leaves at once unless it is in the chain under test,
    /// which then lands without it (it is cut at the first withdrawn job).
    private func withdraw(_ id: JobID) async {
        guard waiters[id] != nil else { return }
        if inBatch.contains(id) {
            withdrawn.insert(id)
            return
        }
        resolve(id, .cancelled)
        if let store {
            do {
                try store.leaveMergeQueue(id)
            } catch {
                await notify("could not take \(id.short) out of the stored merge queue: \(error)")
            }
        }
    }

    private func markBatch(_ batch: [JobID], tree: String?) {
        guard let store else { return }
        do {
            try store.markMergeBatch(batch, tree: tree, ours: Array(waiters.keys) + Array(inBatch))
        } catch {
            Task { [notify] in await notify("could not record the merge queue's batch: \(error)") }
        }
    }
}
