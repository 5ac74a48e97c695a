import Foundation
import PilothouseCore

@testable import PilothouseEngine

/// A stage that waits a little and returns a fixed output.
struct SleepStage: PipelineStage {
    var duration: Duration = .milliseconds(5)
    var output: StageOutput = .text("ok")

    func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        do { try await Task.sleep(for: duration) } catch { throw .cancelled }
        return output
    }
}

/// A stage that always fails the same way.
struct FailingStage: PipelineStage {
    var failure: StageFailure
    func run(_ context: StageContext) async throws(StageFailure) -> StageOutput { throw failure }
}

/// A stage that ignores cancellation and blocks its thread until the test releases it, the
/// worst case for the watchdog. The test calls `release.open()` when done (the stage also gives
/// up after a minute), so no blocked thread outlives the test and no fixed sleep paces it.
struct HangingStage: PipelineStage {
    let release: StageRelease

    func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        _ = release.semaphore.wait(timeout: .now() + 60)
        return .text("too late")
    }
}

/// Lets a test end a `HangingStage`.
final class StageRelease: Sendable {
    let semaphore = DispatchSemaphore(value: 0)
    func open() { semaphore.signal() }
}

/// A stage that runs `sleep` in its own process group and kills the group when cancelled,
/// as stages that run tools must.
struct ProcessStage: PipelineStage {
    let pidFile: String

    func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "sleep 100 & echo $! > '\(pidFile)'; wait"]
        do { try process.run() } catch { throw .fatal("cannot start sh") }
        let pid = process.processIdentifier
        setpgid(pid, pid)
        await withTaskCancellationHandler {
            while process.isRunning && !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
        } onCancel: {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let child = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            kill(child, SIGKILL)  // in case setpgid lost the race with the shell's fork
        }
        throw .cancelled
    }
}

/// A stage that records the feedback it was given, to check rejections feed back.
final class FeedbackProbe: PipelineStage, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String?] = []

    var feedbacks: [String?] { lock.withLock { seen } }

    func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        lock.withLock { seen.append(context.feedback) }
        return .patch(PatchSummary(attempt: context.attempt, filesChanged: 1, linesAdded: 1, linesRemoved: 0))
    }
}

/// A model client that must not be called by tests using stage doubles.
struct NoModels: ModelClient {
    func complete(_ request: ModelRequest) async throws(ModelClientError) -> ModelResponse {
        throw .unknownModel(request.model)
    }
}

/// A model client answering from a script by role.
struct ScriptedModels: ModelClient {
    var answers: [String: String]
    func complete(_ request: ModelRequest) async throws(ModelClientError) -> ModelResponse {
        ModelResponse(
            text: answers[request.role] ?? "ok", provider: "script", model: request.model,
            tokens: TokenCounts(input: 10, output: 5), cost: Money(micros: 7), latencyMillis: 0)
    }
}

enum EngineFixture {
    /// Stages for the default template that all succeed quickly with outputs that satisfy
    /// the auto-approve rule.
    static func passingStages(
        testDuration: Duration = .milliseconds(5), reviewDuration: Duration = .milliseconds(5)
    )
        -> [String: any PipelineStage]
    {
        [
            "analyze": SleepStage(),
            "plan": SleepStage(output: .plan("1. do it")),
            "implement": SleepStage(
                output: .patch(PatchSummary(attempt: 1, filesChanged: 1, linesAdded: 2, linesRemoved: 1))),
            "check": SleepStage(output: .policy(PolicyReport())),
            "review": SleepStage(duration: reviewDuration, output: .review(ReviewScore(overall: 9))),
            "test": SleepStage(
                duration: testDuration,
                output: .tests(TestSummary(passed: true, passedCount: 3, failedCount: 0))),
            "merge": SleepStage(output: .merged(commit: "abc")),
        ]
    }

    static func configuration(autoApprove: Bool = true, swarm: Int = 4, limits: [StageName: Int] = [:])
        -> EngineConfiguration
    {
        var configuration = EngineConfiguration()
        configuration.swarmSize = swarm
        configuration.stageLimits = limits
        configuration.pollInterval = .milliseconds(20)
        configuration.autoApprove = AutoApproveRule(enabled: autoApprove, minimumScore: 7)
        return configuration
    }
}
