import Foundation
import PilothouseCore

/// `test`: runs the repository's tests in the job's worktree.
///
/// The command comes from `[test] command`, or is detected from the repository (see
/// `TestCommandDetector`); with neither, the stage passes with a note saying so, because a
/// repository without tests should not block every job. The process gets a scrubbed
/// environment, a timeout that kills its whole process group, and bounded, redacted output.
public struct TestStage: PipelineStage {
    public let worktrees: WorktreeManager
    public let settings: TestSection
    public let network: NetworkPolicy
    public let redactor: Redactor
    public let runner: ProcessRunner

    public init(
        worktrees: WorktreeManager, settings: TestSection, network: NetworkPolicy = .allow,
        redactor: Redactor = .standard, runner: ProcessRunner = ProcessRunner()
    ) {
        self.worktrees = worktrees
        self.settings = settings
        self.network = network
        self.redactor = redactor
        self.runner = runner
    }

    /// The worktree of an attempt resumed in a clone that never had it (in a fleet, another
    /// engine in another clone implemented the job), rebuilt from the stored patch. A base this
    /// clone lacks is a retry: the job is implemented again, here.
    static func restore(_ context: StageContext, worktrees: WorktreeManager) async throws(StageFailure)
        -> Worktree
    {
        let id = context.job.id
        let stored: Patch?
        do {
            stored = try await context.services.latestPatch()
        } catch {
            throw .retryable("could not load the patch: \(error)")
        }
        guard let patch = stored else { throw .fatal(WorkspaceError.noWorktree(id).description) }
        do {
            let worktree = try worktrees.restore(job: id, from: patch)
            await context.services.recordBead(
                "worktree_restored",
                "rebuilt the worktree from the stored patch on \(patch.baseCommit.prefix(12)) (implemented in another checkout)",
                ["base": patch.baseCommit])
            return worktree
        } catch {
            if case .unknownCommit = error {
                throw .retryable(
                    "the job's base \(patch.baseCommit.prefix(12)) is not in this clone (another engine implemented it); it is implemented again here"
                )
            }
            throw .retryable("could not rebuild the worktree from the stored patch: \(error)")
        }
    }

    public static let noCommandNote =
        "no test command configured or detected; set [test] command in .pilothouse/pilothouse.toml to run tests"

    public func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        let found: Worktree?
        do {
            found = try worktrees.existing(job: context.job.id)
        } catch {
            throw .retryable(error.description)
        }
        let worktree: Worktree
        if let found {
            worktree = found
        } else {
            worktree = try await Self.restore(context, worktrees: worktrees)
        }
        let tests = TestRunner(settings: settings, network: network, redactor: redactor, runner: runner)
        guard let outcome = try await tests.run(in: worktree.path) else {
            return .tests(TestSummary(passed: true, outputTail: TestStage.noCommandNote))
        }
        let summary = outcome.summary
        let countsText = outcome.countsText
        let output = outcome.output
        await context.services.recordBead(
            outcome.passed ? "tests_passed" : "tests_failed", "\(outcome.command): \(countsText)",
            [
                "command": outcome.command, "passed": summary.passedCount.map { "\($0)" } ?? "",
                "failed": summary.failedCount.map { "\($0)" } ?? "",
                "duration_ms": "\(summary.durationMillis)", "timed_out": "\(outcome.timedOut)",
            ])
        if outcome.timedOut {
            throw .retryable(
                "tests did not finish within \(settings.timeoutSeconds) s and were killed (\(countsText)); raise [test] timeout_seconds if they are just slow\n\(output.suffix(1500))"
            )
        }
        guard outcome.passed else {
            throw .fatal("tests failed (\(countsText)):\n\(output.suffix(1500))")
        }
        return .tests(summary)
    }
}
