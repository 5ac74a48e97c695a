import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

/// Builds a running engine for a repository: store, configuration, gateway, workspace
/// stages, run header. `run`, the console and `bench` all start here, so they run the
/// same pipeline.
struct EngineAssembly {
    let repository: Repository
    let store: any PilothouseStore
    let config: PilothouseConfig
    let gateway: Gateway
    let engine: Engine
    let runID: JobID
    /// Disk measurement for the gauges and `[retention]`'s automatic gc; started by
    /// `maintainWorkspace()`.
    let maintenance: WorkspaceMaintenance
    /// What the merge queue could not record, for the engine's notices.
    let queueNotices: AsyncStream<String>
    /// A line for the operator about the configuration (e.g. "simulated provider: …").
    let statusHint: String?
    /// `[[schedules]]`, nil when there are none; handed to the engine by `startSchedules()`.
    let scheduler: Scheduler?
    /// `[[webhooks]]`, nil when there are none; run by `deliverWebhooks()`.
    let webhooks: WebhookDeliverer?

    /// Command-line settings that win over the configuration file for one run.
    struct Overrides {
        var runBudget: Money?
        var autoApprove: Bool?
        var swarmSize: Int?
        var seed: UInt64?
        var injectFailures: Double?
        var leaseSeconds: Int?
    }

    /// `store`, when given, is used instead of the one `options` choose (`bench` measures a
    /// store of its own and must never run a fleet's real jobs).
    static func make(
        options: RepositoryOptions, overrides: Overrides = Overrides(),
        store given: (any PilothouseStore)? = nil
    ) throws -> EngineAssembly {
        let (repository, store) = try given.map { (try options.repository(), $0) } ?? options.openStore()
        var config = try options.config(for: repository)
        if let seed = overrides.seed { config.gateway.simulated.seed = seed }
        if let rate = overrides.injectFailures { config.gateway.simulated.failureRate = rate }
        var engineConfiguration = config.engine.engine
        if let value = overrides.autoApprove { engineConfiguration.autoApprove.enabled = value }
        if let value = overrides.swarmSize { engineConfiguration.swarmSize = value }
        if let value = overrides.leaseSeconds { engineConfiguration.leaseDuration = .seconds(value) }
        engineConfiguration.recordTranscripts = config.gateway.gateway.transcripts
        engineConfiguration.version = PilothouseVersion.current

        let runID = JobID()
        let redactor = config.redactor
        let gateway = try GatewayFactory.make(
            config: config, store: store, runID: runID.rawValue, runBudget: overrides.runBudget,
            redact: { redactor.redact($0) })
        let branch = try config.workspace.ensureIntegrationBranch(in: repository)
        // One idle worktree per concurrent job is what a steady swarm reuses.
        let worktrees = WorktreeManager(repository: repository, poolCapacity: engineConfiguration.swarmSize)
        let agents = CLIAgentRunner(agents: config.agents, network: config.policy.network)
        let implement = ImplementStage(
            worktrees: worktrees, integrationBranch: branch, redactor: redactor, agents: agents,
            policy: config.policy)
        // The queue exists before the engine it reports to: its notices wait in a stream that
        // `forwardGatewayNotices` hands to the engine.
        let queueNotices = AsyncStream<String>.makeStream()
        // A fleet of clones merges through one remote's branch; a remote this clone lacks is
        // refused here, before any job runs.
        let sharedRemote = try config.mergeQueue.remote.map { name throws(MergeError) in
            try SharedRemote(name: name, branch: branch, worktrees: worktrees)
        }
        let mergeQueue = MergeQueue(
            merger: IntegrationMerger(
                worktrees: worktrees, integrationBranch: branch,
                allowCheckedOutMerge: config.workspace.allowCheckedOutMerge, remote: sharedRemote),
            settings: config.mergeQueue,
            tests: TestRunner(settings: config.test, network: config.policy.network, redactor: redactor),
            store: store, notify: { text in queueNotices.continuation.yield(text) })
        var stages: [String: any PipelineStage] = [
            "analyze": AnalyzeStage(),
            "plan": PlanStage(),
            "implement": implement,
            "check": CheckStage(worktrees: worktrees, policy: config.policy, redactor: redactor),
            "review": ReviewStage(),
            "test": TestStage(
                worktrees: worktrees, settings: config.test, network: config.policy.network,
                redactor: redactor),
            "merge": MergeStage(
                worktrees: worktrees, settings: config.workspace, integrationBranch: branch,
                approvalBead: { id in try? store.beads(jobID: id).last { $0.kind == .patchApproved }?.hash },
                queue: mergeQueue),
        ]
        // Optional stages left unregistered are passed through by the engine.
        if config.engine.generateTests {
            stages["generate_tests"] = FollowUpEditStage(.generateTests, implement: implement)
        }
        if config.engine.updateDocs {
            stages["update_docs"] = FollowUpEditStage(.updateDocs, implement: implement)
        }
        var template = config.engine.pipeline
        for index in template.stages.indices where template.stages[index].model == nil {
            template.stages[index].model = config.gateway.gateway.defaultModel
        }
        let maintenance = WorkspaceMaintenance(
            homeDirectory: repository.homeDirectory,
            collector: GarbageCollector(store: store, worktrees: worktrees), settings: config.retention)
        let hasWebhooks = !config.webhooks.isEmpty
        let engine = try Engine(
            store: store, template: template, stages: stages,
            models: CLIAgentModelClient(agents: agents, worktrees: worktrees, fallback: gateway),
            configuration: engineConfiguration, repositoryRoot: repository.root, runID: runID,
            gaugeSource: {
                var gauges = await gateway.gauges()
                gauges.diskUsedBytes = maintenance.diskUsedBytes
                gauges.mergeQueue = await mergeQueue.status()
                // A failed read shows no count rather than a wrong one; the deliverer reports
                // store failures as notices.
                if hasWebhooks { gauges.webhooksFailing = try? store.failingOutboxCount() }
                return gauges
            }, redact: { redactor.redact($0) })
        try store.beginRun(
            RunHeader(
                id: runID, pilothouseVersion: PilothouseVersion.current, repoHead: repository.head(),
                configHash: config.fingerprint, seed: config.gateway.simulated.seed))
        if let budget = overrides.runBudget {
            try store.setBudget(scope: "run", key: runID.rawValue, limit: budget)
        }
        return EngineAssembly(
            repository: repository, store: store, config: config, gateway: gateway, engine: engine,
            runID: runID, maintenance: maintenance, queueNotices: queueNotices.stream,
            statusHint: [config.engine.ungatedMergeWarning, GatewayFactory.statusHint(config: config)]
                .compactMap { $0 }.first,
            scheduler: config.schedules.isEmpty
                ? nil
                : Scheduler(
                    schedules: config.schedules, operations: JobOperations(store: store, config: config),
                    repositoryRoot: repository.root, jobs: config.jobs,
                    secrets: config.policy.blocking(config.redactor)),
            webhooks: config.webhooks.isEmpty
                ? nil
                : try WebhookDeliverer(
                    webhooks: config.webhooks, environment: ProcessInfo.processInfo.environment, store: store)
        )
    }

    /// Gives the engine its schedules, which it runs while it runs.
    func startSchedules() async {
        await engine.setScheduler(scheduler)
    }

    /// Measures `.pilothouse/` for the gauges and runs `[retention]`'s gc in the background,
    /// its outcome as engine notices. Cancel it when done.
    func maintainWorkspace() -> Task<Void, Never> {
        Task.detached(priority: .background) { [maintenance, engine] in
            await maintenance.run(notify: { await engine.notify($0) })
        }
    }

    /// Turns gateway happenings worth a line (circuits, budgets, fallbacks) and the merge
    /// queue's into engine notices, for the console's status line and `run`'s output. Cancel it when done.
    func forwardGatewayNotices() -> Task<Void, Never> {
        Task { [gateway, engine, queueNotices] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in gateway.events {
                        if let text = GatewayNotice.text(for: event) { await engine.notify(text) }
                    }
                }
                group.addTask {
                    for await text in queueNotices { await engine.notify(text) }
                }
            }
        }
    }
}
