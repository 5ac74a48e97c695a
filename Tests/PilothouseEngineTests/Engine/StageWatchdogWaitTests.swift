import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// A stage whose model call waits for a provider's rate limit is not slow: the watchdog moves
/// its deadline by the wait, and the wait is recorded as a bead with the resume time.
@Suite struct StageWatchdogWaitTests {
    /// Reports a wait of `wait` through the task-local observer, then sleeps through it.
    struct WaitingStage: PipelineStage {
        var wait: Duration
        func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
            let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            await ModelCallObservation.observer?.waiting(
                model: "openai:gpt-4o-mini", until: Date().addingTimeInterval(seconds), reason: "HTTP 429")
            do {
                try await Task.sleep(for: wait)
            } catch {
                throw .cancelled
            }
            return .text("done")
        }
    }

    @Test func aRateLimitWaitDoesNotCountAgainstTheDeadline() async throws {
        let job = Job(title: "t", goal: "g")
        let recorder = StageRecorder()
        let context = await makeContext(
            job: job, stage: .analyze, recorder: recorder, root: NSTemporaryDirectory())
        let events = EventsSeen()
        let observer = StageCallObserver(
            jobID: job.id, stage: .analyze,
            recordBead: { kind, message, metadata in await recorder.record(kind, message, metadata) },
            publish: { event in await events.add(event) })
        let result = await StageWatchdog.run(
            WaitingStage(wait: .milliseconds(1200)), context: context, timeout: .milliseconds(600),
            observer: observer
        ) {}
        #expect(result == .success(.text("done")))
        let beads = await recorder.beads
        #expect(beads.count == 1)
        #expect(beads.first?.0 == .modelWaiting)
        #expect(beads.first?.1.contains("rate limited (HTTP 429) · resumes in") == true)
        #expect(beads.first?.2["resumes_at"]?.isEmpty == false)
        let seen = await events.all
        #expect(seen.contains { if case .modelActivity(let a) = $0 { a.jobID == job.id } else { false } })
    }

    @Test func withoutAWaitTheDeadlineStillCancels() async throws {
        struct Sleeper: PipelineStage {
            func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
                try? await Task.sleep(for: .seconds(5))
                return .text("late")
            }
        }
        let job = Job(title: "t", goal: "g")
        let context = await makeContext(
            job: job, stage: .analyze, recorder: StageRecorder(), root: NSTemporaryDirectory())
        let observer = StageCallObserver(
            jobID: job.id, stage: .analyze, recordBead: { _, _, _ in }, publish: { _ in })
        let result = await StageWatchdog.run(
            Sleeper(), context: context, timeout: .milliseconds(300), observer: observer
        ) {}
        guard case .failure(.retryable(let message)) = result else {
            Issue.record("expected a timeout, got \(result)")
            return
        }
        // The stage would have answered "late" after 5 s; a failure proves the deadline won.
        #expect(message.contains("deadline"))
    }

    actor EventsSeen {
        var all: [EngineEvent] = []
        func add(_ event: EngineEvent) { all.append(event) }
    }
}
