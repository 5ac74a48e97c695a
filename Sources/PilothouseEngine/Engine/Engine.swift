import Foundation
import PilothouseCore

/// The single writer of a swarm's state: claims jobs, runs their pipelines, guards them
/// with leases and deadlines, and tells consumers what happened.
///
/// Consumers (console, headless output) subscribe with `events()` and send
/// `OperatorCommand`s with `send(_:)`; neither needs to know how the work is done.
public actor Engine {
    let store: any PilothouseStore
    let template: PipelineTemplate
    let stages: [String: any PipelineStage]
    let models: any ModelClient
    let configuration: EngineConfiguration
    let repositoryRoot: String
    let runID: JobID
    let gaugeSource: (@Sendable () async -> Gauges)?
    /// This engine's lease owner id.
    let owner: String
    /// Applied to everything stages persist or show (quarantine payloads, test output).
    let redact: @Sendable (String) -> String

    let slots: StageSlots
    let hub = EventHub()

    var state: EngineRunState = .idle
    var active: [JobID: Task<Void, Never>] = [:]
    var stopping = false
    /// Ends the run loop's wait early: a finished job, a command, a pushed store change.
    let wakeSignal = WakeSignal()
    /// What pushed store changes asked of the run loop since it last woke.
    var nudges = StoreNudges()
    /// Whether the store's change feed is down (said once, and again when it is back).
    var feedInterrupted = false
    /// Jobs whose outcome this engine has written while their task is still winding down: a
    /// change to them is this engine's own, not another process stopping them.
    var settled: Set<JobID> = []
    var lastPublishedSeq: Int64 = 0
    var summary = RunSummary()
    var lastGauges: Gauges?
    /// Claims wait until then after a stage met a full disk; the pause doubles while it lasts.
    var storagePause: (until: ContinuousClock.Instant, length: Duration)?
    /// `[[schedules]]`, ticked while the engine runs (`setScheduler`).
    var scheduler: Scheduler?
    /// The last failure shown per bookkeeping write (see `maintaining`).
    var maintenanceFailures: [String: String] = [:]

    /// What a run did, for the exit code and the final report.
    public struct RunSummary: Sendable, Equatable {
        public var merged: Set<JobID> = []
        /// Jobs whose pipeline has no merge stage and finished every stage.
        public var completed: Set<JobID> = []
        public var failed: Set<JobID> = []
        public var quarantined: Set<JobID> = []
        public var awaitingApproval: Set<JobID> = []
        public var budgetStopped = false
        public var interrupted = false
        /// The store refused writes for longer than the configured patience (disk full).
        public var storageFailed = false
        /// Jobs other engines still held when the run ended (only when it was stopped before
        /// they came back): a run never reports "all done" over them.
        public var heldElsewhere: [HeldJob] = []

        /// One line naming who holds what, for the operator.
        public var heldElsewhereText: String? {
            guard !heldElsewhere.isEmpty else { return nil }
            let byOwner = Dictionary(grouping: heldElsewhere, by: \.owner).sorted { $0.key < $1.key }
            let parts = byOwner.map { owner, jobs in
                let who = jobs.first?.holder.map { "\(owner) (\($0))" } ?? owner
                return "\(who) holds \(jobs.map { "\($0.job.short) (\($0.state))" }.joined(separator: ", "))"
            }
            return
                "\(heldElsewhere.count) job\(heldElsewhere.count == 1 ? "" : "s") still held by other engines: "
                + parts.joined(separator: "; ")
                + "; they finish there, or come back here when their lease expires"
        }
    }

    /// - Parameters:
    ///   - stages: implementations by kind (`analyze`, `implement`…); `approve` is the
    ///     engine's own gate and needs none.
    ///   - gaugeSource: the gateway's view of spend and rate limits, if there is one.
    public init(
        store: any PilothouseStore, template: PipelineTemplate, stages: [String: any PipelineStage],
        models: any ModelClient,
        configuration: EngineConfiguration = EngineConfiguration(), repositoryRoot: String,
        runID: JobID = JobID(),
        gaugeSource: (@Sendable () async -> Gauges)? = nil,
        redact: @escaping @Sendable (String) -> String = { $0 }
    ) throws(PipelineError) {
        try template.validate()
        try template.validateGates(allowUngatedMerge: configuration.allowUngatedMerge)
        for spec in template.stages
        where spec.kind != StageName.approve.rawValue && stages[spec.kind] == nil && !spec.optional {
            throw .unknownStageKind(stage: spec.name, kind: spec.kind)
        }
        self.store = store
        self.template = template
        self.stages = stages
        self.models = models
        self.configuration = configuration
        self.repositoryRoot = repositoryRoot
        self.runID = runID
        self.gaugeSource = gaugeSource
        self.redact = redact
        self.slots = StageSlots(limits: configuration.stageLimits)
        self.owner = configuration.ownerID.isEmpty ? EngineConfiguration.makeOwnerID() : configuration.ownerID
    }

    // MARK: Events

    /// A stream that starts with a snapshot and continues with deltas.
    public func events() async -> AsyncStream<EngineEvent> {
        let snapshot = (try? await makeSnapshot()) ?? EngineSnapshot(state: state)
        return hub.subscribe(first: .snapshot(snapshot))
    }

    func publish(_ event: EngineEvent) { hub.publish(event) }

    /// Shows a line to every consumer (gateway warnings, configuration hints).
    public func notify(_ text: String) { publish(.notice(text)) }

    /// Ends every subscriber's stream; call after the last `run` returned.
    public func closeEvents() { hub.finish() }

    /// Publishes beads appended since the last call, by this or any other process.
    func publishNewBeads() {
        guard let beads = try? store.beads(after: lastPublishedSeq) else { return }
        for bead in beads {
            publish(.beadAppended(bead))
            lastPublishedSeq = bead.seq
        }
    }

    func publishJob(_ id: JobID) {
        publishNewBeads()
        if let job = try? store.job(id) { publish(.jobChanged(job)) }
    }

    func setState(_ next: EngineRunState) {
        guard state != next else { return }
        state = next
        publish(.engineStateChanged(next))
    }

    // MARK: Running

    /// Works until stopped, or with `untilIdle` until nothing is queued or running.
    ///
    /// Jobs waiting for an operator's approval do not keep a run alive: headless runs end
    /// and report them; the console keeps its engine alive itself.
    public func run(untilIdle: Bool) async -> RunSummary {
        lastPublishedSeq = (try? store.lastBeadSeq()) ?? 0
        store.setWritePatience(StoreWritePatience(maxWait: configuration.diskFullPatience))
        let healthToken = store.observeWriteHealth { [weak self, hub, path = store.location] health in
            hub.publish(.notice(health.describe(path: path)))
            if case .gaveUp = health { Task { await self?.stopForStorage() } }
        }
        defer { store.removeWriteHealthObserver(healthToken) }
        let listener = listenForStoreChanges()
        defer { listener?.cancel() }
        setState(.running)
        registerInFleet()
        reclaimExpiredLeases()
        approveWaitingJobsByRule()
        var lastHeartbeat = ContinuousClock.now
        var lastReclaim = ContinuousClock.now
        var lastGauges = ContinuousClock.now
        var lastSchedules = ContinuousClock.now
        runSchedules()
        var announcedWait = false
        while !stopping {
            // While writes fail (disk full) nothing new is claimed; the failing write is being
            // retried and either goes through or gives up, which stops the run.
            if state == .running, store.writeHealth == .ok, !storagePaused() { claimJobs() }
            if untilIdle && active.isEmpty && !hasClaimableWork() {
                // Idle here is not idle everywhere: jobs another engine holds finish there or
                // come back (their engine died, or their lease ran out), so the run waits,
                // looking for lapsed leases every poll, instead of reporting "all done".
                let held = state == .running ? heldElsewhere() : []
                if held.isEmpty { break }
                if !announcedWait {
                    announcedWait = true
                    var waiting = summary
                    waiting.heldElsewhere = held
                    if let text = waiting.heldElsewhereText { publish(.notice("waiting: " + text)) }
                }
                reclaimExpiredLeases()
            }
            await waitForWake(timeout: configuration.pollInterval)
            let now = ContinuousClock.now
            let nudged = nudges
            nudges = StoreNudges()
            // A job of ours stopped by another process: its stage stops now, not at the next
            // heartbeat.
            if nudged.checkLeases || now - lastHeartbeat >= configuration.leaseDuration / 3 {
                renewLeases()
                lastHeartbeat = now
            }
            // Not only at start: another engine sharing the store may have died, or
            // `pilothouse approve` may have approved a job while no engine ran (or just now:
            // the store pushed the approval).
            if now - lastReclaim >= configuration.leaseDuration / 2 {
                reclaimExpiredLeases()
                lastReclaim = now
            } else if nudged.takeOverMerges {
                takeOverOrphanedMerges()
            }
            if now - lastSchedules >= .seconds(5) {
                runSchedules()
                lastSchedules = now
            }
            if now - lastGauges >= .seconds(1) {
                await publishGauges()
                lastGauges = now
            }
        }
        // Draining: nothing new starts; running stages finish or meet their deadlines.
        if !active.isEmpty { setState(.draining) }
        for task in active.values { await task.value }
        publishNewBeads()
        await publishGauges()
        setState(summary.budgetStopped ? .budgetStopped : .idle)
        summary.heldElsewhere = heldElsewhere()
        summary.awaitingApproval = Set(((try? store.jobs(state: .awaitingApproval)) ?? []).map(\.id))
        maintaining("retire this engine from the fleet list") { try store.retireEngine(owner: owner) }
        return summary
    }

    /// Runs the schedules the assembly gave this engine (none by default).
    public func setScheduler(_ scheduler: Scheduler?) {
        self.scheduler = scheduler
    }

    /// Fires the schedules that are due: a cron slot reached, or one missed while no engine
    /// ran (once). Each firing is a notice; the jobs it queued are claimed like any other.
    private func runSchedules() {
        guard let scheduler, state == .running, !stopping,
            let reports = maintaining("run the schedules", { try scheduler.tick(now: Date()) })
        else { return }
        for report in reports { publish(.notice(report.text)) }
        if !reports.isEmpty { publishNewBeads() }
    }

    /// Puts this engine on the store's engine list, which every console and `pilothouse engines`
    /// read; engines silent for a day are forgotten then.
    private func registerInFleet() {
        let holder = LeaseHolder.current
        let now = Date()
        let record = EngineRecord(
            owner: owner, host: holder.host, pid: holder.pid, version: configuration.version, startedAt: now,
            heartbeatAt: now, leaseSeconds: max(1, Int(configuration.leaseDuration.seconds.rounded(.up))))
        maintaining("add this engine to the fleet list") {
            try store.registerEngine(record, forgetAfter: 86_400)
        }
    }

    /// Stops claiming and lets the run return once running stages are done (SIGINT/SIGTERM).
    public func stop(interrupted: Bool = true) {
        summary.interrupted = summary.interrupted || interrupted
        stopping = true
        wake()
    }

    /// A stage met a full disk: claim nothing for a while (1 s, doubling to 30 s while it
    /// keeps happening), so a full disk is not a hot loop of claims that fail at once.
    func pauseClaimsForStorage(_ detail: String) {
        let length = min((storagePause?.length ?? .milliseconds(500)) * 2, .seconds(30))
        storagePause = (ContinuousClock.now + length, length)
        publish(.notice("disk full: a stage could not write (\(detail)); pausing claims for \(length)"))
    }

    private func storagePaused() -> Bool {
        guard let storagePause else { return false }
        if ContinuousClock.now < storagePause.until { return true }
        return false
    }

    /// A write could not be made within the patience: stop claiming and end the run, which
    /// exits with its own code; jobs still held come back at the next start.
    func stopForStorage() {
        summary.storageFailed = true
        stop(interrupted: false)
    }

    func wake() {
        wakeSignal.signal()
    }

    /// The poll interval, or less when something happened: a wake sent while the loop was
    /// busy ends the next wait at once.
    private func waitForWake(timeout: Duration) async {
        await wakeSignal.wait(timeout: timeout)
    }

    private func hasClaimableWork() -> Bool {
        guard state == .running else { return false }
        return (try? store.hasQueuedJobs(excluding: Set(active.keys))) == true
    }

    /// Jobs running or merging under another engine's lease; a failed read counts as none
    /// held, with a notice, so a broken store cannot keep a run waiting for ever.
    private func heldElsewhere() -> [HeldJob] {
        do {
            return try store.jobsHeld(notBy: owner)
        } catch {
            publish(.notice("could not read other engines' leases: \(error)"))
            return []
        }
    }

    private func claimJobs() {
        // A read first: polling an empty queue must not take SQLite's write lock.
        guard active.count < configuration.swarmSize,
            (try? store.hasQueuedJobs(excluding: Set(active.keys))) == true
        else { return }
        while active.count < configuration.swarmSize && state == .running && !stopping {
            let leaseUntil = Date().addingTimeInterval(configuration.leaseDuration.seconds)
            guard
                let claimed = maintaining(
                    "claim a job",
                    {
                        try operations.claimNext(
                            owner: owner, leaseUntil: leaseUntil, excluding: Set(active.keys))
                    }),
                let job = claimed
            else { return }
            publishJob(job.id)
            // A job given back without fault (interrupt, no model) resumes the attempt it had.
            let resuming: Bool
            do {
                resuming = try store.resumeAttempt(job.id) == job.attempts
            } catch {
                publish(.notice("could not read whether \(job.id.short) resumes; starting it over: \(error)"))
                resuming = false
            }
            start(job, resuming: resuming)
        }
    }

    func start(_ job: Job, resuming: Bool, approvedHunks: [Int]? = nil) {
        let id = job.id
        settled.remove(id)
        active[id] = Task { [weak self] in
            guard let self else { return }
            await self.runPipeline(job, resuming: resuming, approvedHunks: approvedHunks)
            await self.finished(id)
        }
    }

    private func finished(_ id: JobID) {
        active[id] = nil
        settled.remove(id)
        publishJob(id)
        wake()
    }

    private func renewLeases() {
        let until = Date().addingTimeInterval(configuration.leaseDuration.seconds)
        maintaining("beat this engine's heartbeat") { try store.engineHeartbeat(owner: owner, at: Date()) }
        // A settled job's lease is gone by its own engine's hand: not renewed, not "lost".
        let held = active.keys.filter { !settled.contains($0) }
        let lost =
            maintaining("renew this engine's leases") {
                try store.renewLeases(owner: owner, jobs: held, until: until)
            } ?? []
        // Cancelled or paused from another process, or taken over by another engine: the
        // stage stops here as it would after the same command in this engine's console.
        for id in lost where active[id] != nil {
            active[id]?.cancel()
            publish(
                .notice(
                    "\(id.short) was stopped elsewhere (another process changed it); its stage here is stopped"
                ))
            publishJob(id)
        }
    }

    private func reclaimExpiredLeases() {
        takeOverOrphanedMerges()
        guard
            let (requeued, quarantined) = maintaining(
                "reclaim expired leases", { try operations.reclaimExpired(sparing: owner) })
        else { return }
        for job in quarantined {
            summary.quarantined.insert(job.id)
            if let record = try? store.quarantineRecords().last(where: { $0.jobID == job.id }) {
                publish(.quarantineAdded(record))
            }
        }
        for job in requeued + quarantined { publishJob(job.id) }
    }

    /// Starts the merges of approved jobs no engine holds (their engine died, or the approval
    /// came from `pilothouse approve`).
    private func takeOverOrphanedMerges() {
        let leaseUntil = Date().addingTimeInterval(configuration.leaseDuration.seconds)
        guard !stopping,
            let merges = maintaining(
                "take over interrupted merges",
                { try operations.takeOverOrphanedMerges(owner: owner, leaseUntil: leaseUntil) })
        else { return }
        for job in merges where active[job.id] == nil {
            publishJob(job.id)
            // Which hunks the operator approved decides what merges: unread, nothing merges.
            // The job stays approved under this engine's lease, which lapses, so the takeover
            // is tried again (here or by another engine) once the store answers.
            let hunks: [Int]?
            do {
                hunks = try store.approvedHunks(job.id)
            } catch {
                publish(
                    .notice(
                        "\(job.id.short): could not read which hunks were approved; its merge waits: \(error)"
                    ))
                continue
            }
            start(job, resuming: true, approvedHunks: hunks)
        }
    }

    /// Runs the engine's own bookkeeping writes (claims, lease renewals, reclaims). They are
    /// retried by the loop anyway, so a failure is shown once, and again only when it changes
    /// or after it cleared: a store that stays locked does not flood the status line.
    @discardableResult
    func maintaining<T>(_ what: String, _ body: () throws -> T) -> T? {
        do {
            let value = try body()
            maintenanceFailures[what] = nil
            return value
        } catch {
            let text = String(describing: error)
            if maintenanceFailures[what] != text {
                maintenanceFailures[what] = text
                publish(.notice("could not \(what): \(text); retrying"))
            }
            return nil
        }
    }

    /// Publishes the gauges when they changed: an idle swarm sends nothing, so an idle
    /// console has nothing to redraw.
    private func publishGauges() async {
        var gauges = await gaugeSource?() ?? Gauges()
        gauges.queueDepth = ((try? store.jobCounts()) ?? [:])[.queued] ?? 0
        gauges.engines = maintaining("read the fleet's engine list") { try store.engines() } ?? []
        gauges.inFlight = active.count
        guard gauges != lastGauges else { return }
        lastGauges = gauges
        publish(.gauges(gauges))
    }
}

extension Duration {
    /// The duration as fractional seconds, for rates and log lines.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
