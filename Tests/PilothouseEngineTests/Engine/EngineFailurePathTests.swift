import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// Every way a stage can fail, at every stage of the default pipeline, must end the job in
/// a legal state that is not `running` or `merging`: a job left there is wedged under a
/// lease nobody renews, and each rerun spends an attempt on it.
@Suite(.timeLimit(.minutes(3))) struct EngineFailurePathTests {
    let directory = TemporaryDirectory()

    /// The kinds of `StageFailure` a stage can throw (budget holds in both scopes: a run
    /// hold stops the engine, a job hold does not).
    static let failures: [StageFailure] = [
        .retryable("flaky"), .fatal("broken"),
        .quarantine(.policyViolation, message: "forbidden path", payload: "+x"),
        .budgetHold(scope: "job"), .budgetHold(scope: "run"), .needsRebase("conflict in a.txt"),
        .modelUnavailable("every circuit open"), .cancelled,
    ]

    static let stages: [StageName] = [.analyze, .plan, .implement, .check, .review, .test, .merge]

    /// States a failure may leave a job in; `queued` only when the engine stopped first.
    static let settled: Set<JobState> = [
        .failed, .quarantined, .budgetHold, .needsRebase, .merged, .awaitingApproval,
    ]

    @Test(arguments: stages, failures)
    func autoApprovedJobSettles(stage: StageName, failure: StageFailure) async throws {
        try await check(stage: stage, failure: failure, operatorApproves: false)
    }

    /// The merge of an operator-approved job runs in `merging`, a different starting state.
    @Test(arguments: failures)
    func operatorApprovedMergeSettles(failure: StageFailure) async throws {
        try await check(stage: .merge, failure: failure, operatorApproves: true)
    }

    private func check(stage: StageName, failure: StageFailure, operatorApproves: Bool) async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 2))
        var stages = EngineFixture.passingStages()
        // A model that stays unavailable would be requeued for ever (by design: it costs no
        // attempt); it comes back after a few claims here.
        let times = failure == .modelUnavailable("every circuit open") ? 3 : Int.max
        stages[stage.rawValue] = FailFirstStage(failure: failure, times: times)
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: NoModels(),
            configuration: EngineFixture.configuration(autoApprove: !operatorApproves),
            repositoryRoot: directory.path)
        let events = await engine.events()
        let notices = Task {
            var texts: [String] = []
            for await event in events { if case .notice(let text) = event { texts.append(text) } }
            return texts
        }

        _ = try await runWithin(engine)
        if operatorApproves {
            #expect(try store.job(job.id)?.state == .awaitingApproval)
            #expect((await engine.send(.approve(job.id))).succeeded)
            _ = try await runWithin(engine)
        }

        let final = try #require(try store.job(job.id))
        #expect(Self.settled.contains(final.state), "\(stage) × \(failure) left the job \(final.state)")
        #expect(
            final.attempts <= final.maxAttempts,
            "claimed past its cap: \(final.attempts)/\(final.maxAttempts)")
        // The recorded history is a chain of legal moves ending where the job is.
        var state = JobState.queued
        for bead in try store.beads(jobID: job.id) where [.stateChanged, .quarantined].contains(bead.kind) {
            let to =
                bead.kind == .quarantined
                ? .quarantined : try #require(bead.metadata["to"].flatMap(JobState.init(rawValue:)))
            #expect(JobStateMachine.canTransition(from: state, to: to), "\(state) → \(to) recorded")
            state = to
        }
        #expect(state == final.state)
        await engine.closeEvents()
        let unrecorded = await notices.value.filter { $0.contains("could not record") }
        #expect(unrecorded.isEmpty, "\(unrecorded)")
    }
}

/// Runs the engine until idle, failing the test if that takes longer than `limit`.
@discardableResult
func runWithin(_ engine: Engine, _ limit: Duration = .seconds(20)) async throws -> Engine.RunSummary {
    let run = Task { await engine.run(untilIdle: true) }
    let done = Task {
        try await Task.sleep(for: limit)
        await engine.stop(interrupted: true)
    }
    let summary = await run.value
    done.cancel()
    try #require(!summary.interrupted, "the run did not become idle within \(limit)")
    return summary
}
