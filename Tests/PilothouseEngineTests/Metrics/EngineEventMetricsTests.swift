import Foundation
import PilothouseCore
import Synchronization
import Testing

@testable import PilothouseMetrics

/// The metrics folded from engine events, fed events with known times.
struct EngineEventMetricsTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func render(_ metrics: EngineEventMetrics) async -> Exposition {
        var buffer: [UInt8] = []
        await metrics.emit(into: &buffer)
        return Exposition(buffer)
    }

    private func job(_ id: JobID, _ state: JobState) -> Job {
        var job = Job(id: id, title: "t", goal: "g")
        job.state = state
        return job
    }

    @Test func stageDurationsRunFromStartToEndPerStage() async {
        let metrics = EngineEventMetrics()
        let id = JobID()
        for (stage, seconds, status) in [
            ("implement", 3.0, StageProgress.Status.finished), ("test", 40.0, .failed),
            ("review", 0.2, .finished),
        ] {
            await metrics.fold(
                .stageProgress(
                    .init(jobID: id, stage: StageName(stage), attempt: 1, status: .started, at: start)))
            await metrics.fold(
                .stageProgress(
                    .init(
                        jobID: id, stage: StageName(stage), attempt: 1, status: status,
                        at: start.addingTimeInterval(seconds))))
        }
        // An end without a start (the process attached mid-stage) is no duration.
        await metrics.fold(
            .stageProgress(
                .init(jobID: id, stage: StageName("merge"), attempt: 1, status: .finished, at: start)))
        let text = await render(metrics)
        #expect(text.value("pilothouse_stage_duration_seconds_sum", ["stage": "implement"]) == 3)
        #expect(text.value("pilothouse_stage_duration_seconds_count", ["stage": "test"]) == 1)
        #expect(text.value("pilothouse_stage_duration_seconds_bucket", ["stage": "test", "le": "30.0"]) == 0)
        #expect(text.value("pilothouse_stage_duration_seconds_bucket", ["stage": "test", "le": "60.0"]) == 1)
        #expect(
            text.value("pilothouse_stage_duration_seconds_bucket", ["stage": "review", "le": "0.5"]) == 1)
        #expect(text.value("pilothouse_stage_duration_seconds_count", ["stage": "merge"]) == nil)
        #expect(text.types["pilothouse_stage_duration_seconds"] == "histogram")
    }

    /// Events may arrive twice (a store watcher's first value): a job counts once per move into
    /// a final state, and a retried job that ends again counts again.
    @Test func jobsFinishedCountMovesIntoFinalStatesOnce() async {
        let metrics = EngineEventMetrics()
        let merged = JobID()
        let failed = JobID()
        await metrics.fold(.snapshot(EngineSnapshot(jobs: [job(merged, .running), job(failed, .failed)])))
        await metrics.fold(.jobChanged(job(merged, .merged)))
        await metrics.fold(.jobChanged(job(merged, .merged)))
        await metrics.fold(.jobChanged(job(failed, .failed)))
        var text = await render(metrics)
        #expect(text.value("pilothouse_jobs_finished_total", ["outcome": "merged"]) == 1)
        #expect(
            text.value("pilothouse_jobs_finished_total", ["outcome": "failed"]) == 0,
            "failed before we looked")
        await metrics.fold(.jobChanged(job(failed, .queued)))
        await metrics.fold(.jobChanged(job(failed, .running)))
        await metrics.fold(.jobChanged(job(failed, .failed)))
        text = await render(metrics)
        #expect(text.value("pilothouse_jobs_finished_total", ["outcome": "failed"]) == 1)
        #expect(text.value("pilothouse_jobs_finished_total", ["outcome": "quarantined"]) == 0)
    }

    @Test func approvalWaitRunsFromRequestToDecision() async {
        let clock = Mutex(start)
        let metrics = EngineEventMetrics(now: { clock.withLock { $0 } })
        let id = JobID()
        let request = ApprovalRequest(jobID: id, attempt: 1, title: "t", diff: Data(), requestedAt: start)
        await metrics.fold(.approvalRequested(request))
        clock.withLock { $0 = start.addingTimeInterval(90) }
        await metrics.fold(.approvalResolved(id))
        await metrics.fold(.approvalResolved(id))
        let text = await render(metrics)
        #expect(text.value("pilothouse_approval_wait_seconds_sum") == 90)
        #expect(text.value("pilothouse_approval_wait_seconds_count") == 1)
        #expect(text.value("pilothouse_approval_wait_seconds_bucket", ["le": "60.0"]) == 0)
        #expect(text.value("pilothouse_approval_wait_seconds_bucket", ["le": "120.0"]) == 1)
    }

    /// A call told again that it still waits adds only the time not already counted.
    @Test func rateLimitWaitsAddOnlyNewTimePerModel() async {
        let metrics = EngineEventMetrics()
        let id = JobID()
        func waiting(_ from: Double, _ until: Double) -> EngineEvent {
            .modelActivity(
                ModelActivity(
                    jobID: id, stage: StageName("implement"), model: "openai:gpt-x",
                    kind: .waiting(until: start.addingTimeInterval(until), reason: "429"),
                    at: start.addingTimeInterval(from)))
        }
        await metrics.fold(.gauges(Gauges(models: [ModelGauge(model: "local:idle")])))
        await metrics.fold(waiting(0, 10))
        await metrics.fold(waiting(5, 12))
        await metrics.fold(waiting(5, 12))
        await metrics.fold(waiting(20, 21.5))
        let text = await render(metrics)
        #expect(text.value("pilothouse_rate_limit_wait_seconds_total", ["model": "openai:gpt-x"]) == 13.5)
        #expect(text.value("pilothouse_rate_limit_wait_seconds_total", ["model": "local:idle"]) == 0)
    }

    @Test func circuitsAndBudgetsAreReportedAsTheNewestGaugesSay() async {
        let metrics = EngineEventMetrics()
        var text = await render(metrics)
        #expect(text.series("pilothouse_circuit_open").isEmpty)
        await metrics.fold(
            .gauges(
                Gauges(
                    runSpend: Money(micros: 1_250_000), runBudget: Money(micros: 5_000_000),
                    daySpend: Money(micros: 2_000_000), dayBudget: nil,
                    models: [
                        ModelGauge(model: "a:x", circuit: .open),
                        ModelGauge(model: "b:y", circuit: .halfOpen),
                    ])))
        text = await render(metrics)
        #expect(text.series("pilothouse_circuit_open") == [["model": "a:x"]: 1, ["model": "b:y"]: 0])
        #expect(text.series("pilothouse_budget_remaining_usd") == [["scope": "run"]: 3.75])
        await metrics.fold(.gauges(Gauges(models: [ModelGauge(model: "a:x", circuit: .closed)])))
        text = await render(metrics)
        #expect(text.series("pilothouse_circuit_open") == [["model": "a:x"]: 0])
        #expect(text.series("pilothouse_budget_remaining_usd").isEmpty)
    }
}
