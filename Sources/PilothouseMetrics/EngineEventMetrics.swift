import Foundation
import PilothouseCore
import Prometheus

/// The metrics only the engine's event stream knows: how long stages and approvals took, how
/// jobs ended, how long calls waited for rate limits, which circuits are open and how much
/// budget is left. Folded from `EngineEvent`s as they arrive, so they count what this process
/// saw since it started, as Prometheus counters do.
///
/// Consumers may see an event twice (a store watcher's first value, a snapshot after a delta):
/// each count is guarded by the state it moves from, so a repeat counts nothing.
public actor EngineEventMetrics {
    /// Counters and histograms, which only grow.
    private let registry = PrometheusCollectorRegistry()
    private let now: @Sendable () -> Date

    private struct StageRun: Hashable {
        var job: JobID
        var stage: StageName
        var attempt: Int
    }

    private struct ModelWait: Hashable {
        var job: JobID
        var model: String
    }

    private var jobStates: [JobID: JobState] = [:]
    private var stageStarts: [StageRun: Date] = [:]
    private var approvalsRequested: [JobID: Date] = [:]
    /// Until when each job's call to a model was already counted as waiting.
    private var waitsCounted: [ModelWait: Date] = [:]
    /// The newest gauges: circuits and budgets are states, reported as they are now.
    private var gauges: Gauges?

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
        for state in MetricCatalog.finishedStates {
            _ = registry.makeCounter(
                descriptor: MetricCatalog.jobsFinished, labels: [("outcome", state.rawValue)])
        }
        _ = registry.makeValueHistogram(
            descriptor: MetricCatalog.approvalWait, buckets: MetricCatalog.secondsBuckets)
    }

    /// Folds every event of `events` until the stream ends.
    public func consume(_ events: AsyncStream<EngineEvent>) async {
        for await event in events { fold(event) }
    }

    public func fold(_ event: EngineEvent) {
        switch event {
        case .snapshot(let snapshot):
            for job in snapshot.jobs { jobStates[job.id] = job.state }
            for request in snapshot.approvals { approvalsRequested[request.jobID] = request.requestedAt }
            observe(snapshot.gauges)
        case .jobChanged(let job): jobChanged(job)
        case .stageProgress(let progress): stageProgress(progress)
        case .approvalRequested(let request):
            if approvalsRequested[request.jobID] == nil {
                approvalsRequested[request.jobID] = request.requestedAt
            }
        case .approvalResolved(let id):
            guard let requested = approvalsRequested.removeValue(forKey: id) else { return }
            registry.makeValueHistogram(
                descriptor: MetricCatalog.approvalWait, buckets: MetricCatalog.secondsBuckets
            )
            .record(max(0, now().timeIntervalSince(requested)))
        case .modelActivity(let activity): modelActivity(activity)
        case .gauges(let gauges): observe(gauges)
        case .beadAppended, .quarantineAdded, .quarantineRemoved, .engineStateChanged, .commandCompleted,
            .notice:
            return
        }
    }

    private func jobChanged(_ job: Job) {
        let previous = jobStates.updateValue(job.state, forKey: job.id)
        guard previous != job.state else { return }
        if MetricCatalog.finishedStates.contains(job.state) {
            registry.makeCounter(
                descriptor: MetricCatalog.jobsFinished, labels: [("outcome", job.state.rawValue)]
            )
            .increment()
        }
        if job.state != .running {
            // A stage that never reported its end (the job was cancelled, paused, reclaimed)
            // is not a duration; forget it so the table stays as small as the running set.
            stageStarts = stageStarts.filter { $0.key.job != job.id }
            waitsCounted = waitsCounted.filter { $0.key.job != job.id }
        }
        if job.state != .awaitingApproval, previous == .awaitingApproval, approvalsRequested[job.id] != nil {
            fold(.approvalResolved(job.id))
        }
    }

    private func stageProgress(_ progress: StageProgress) {
        let run = StageRun(job: progress.jobID, stage: progress.stage, attempt: progress.attempt)
        switch progress.status {
        case .started:
            if stageStarts[run] == nil { stageStarts[run] = progress.at }
        case .finished, .failed:
            guard let started = stageStarts.removeValue(forKey: run) else { return }
            registry.makeValueHistogram(
                descriptor: MetricCatalog.stageDuration, labels: [("stage", progress.stage.rawValue)],
                buckets: MetricCatalog.secondsBuckets
            ).record(max(0, progress.at.timeIntervalSince(started)))
        case .slow, .skipped:
            return
        }
    }

    private func modelActivity(_ activity: ModelActivity) {
        guard case .waiting(let until, _) = activity.kind else { return }
        let key = ModelWait(job: activity.jobID, model: activity.model)
        let from = max(activity.at, waitsCounted[key] ?? activity.at)
        guard until > from else { return }
        waitsCounted[key] = until
        rateLimitWait(activity.model).increment(by: until.timeIntervalSince(from))
    }

    private func rateLimitWait(_ model: String) -> Counter {
        registry.makeCounter(descriptor: MetricCatalog.rateLimitWait, labels: [("model", model)])
    }

    private func observe(_ gauges: Gauges) {
        self.gauges = gauges
        // Every model the gateway has a lane for has a wait series, zero until it waits.
        for model in gauges.models { _ = rateLimitWait(model.model) }
    }

    /// The counters and histograms, then the states (circuits, budgets) as of the newest
    /// gauges, in the Prometheus text format.
    func emit(into buffer: inout [UInt8]) {
        registry.emit(into: &buffer)
        guard let gauges else { return }
        let states = PrometheusCollectorRegistry()
        for model in gauges.models {
            states.makeGauge(descriptor: MetricCatalog.circuitOpen, labels: [("model", model.model)])
                .set(model.circuit == .open ? 1.0 : 0.0)
        }
        for (scope, spend, limit) in [
            ("run", gauges.runSpend, gauges.runBudget), ("day", gauges.daySpend, gauges.dayBudget),
        ] {
            guard let limit else { continue }
            states.makeGauge(descriptor: MetricCatalog.budgetRemaining, labels: [("scope", scope)])
                .set(Double(limit.micros - spend.micros) / 1_000_000)
        }
        states.emit(into: &buffer)
    }
}
