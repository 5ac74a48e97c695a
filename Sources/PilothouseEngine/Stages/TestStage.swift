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

    public static let noCommandNote =
        "no test command configured or detected; set [test] command in .pilothouse/pilothouse.toml to run tests"

    public func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        let found: Worktree?
        do {
            found = try worktrees.existing(job: context.job.id)
        } catch {
            throw .retryable(error.description)
        }
        guard let worktree = found else {
            throw .fatal(WorkspaceError.noWorktree(context.job.id).description)
        }
        let environment = ProcessRunner.environment(allowing: settings.envAllowlist)
        let configured =
            settings.command
            ?? (settings.detect
                ? TestCommandDetector.detect(in: worktree.path, path: environment["PATH"]) : nil)
        guard var argv = configured, !argv.isEmpty else {
            return .tests(TestSummary(passed: true, outputTail: TestStage.noCommandNote))
        }
        if network == .deny {
            do {
                argv = try await NetworkIsolation.prefix(runner: runner) + argv
            } catch {
                throw .fatal(error.description)
            }
        }
        let result: ProcessResult
        do {
            result = try await runner.run(
                ProcessCommand(
                    argv: argv, directory: worktree.path, environment: environment,
                    timeout: .seconds(settings.timeoutSeconds), maxOutputBytes: settings.maxOutputBytes))
        } catch {
            throw .fatal("could not run the tests: \(error)")
        }
        if result.cancelled || Task.isCancelled { throw .cancelled }
        let output = redactor.redact(result.output)
        let counts = TestOutputParser.parse(output)
        let millis = Int(result.duration.components.seconds * 1000)
        let summary = TestSummary(
            passed: result.succeeded, passedCount: counts?.passed, failedCount: counts?.failed,
            durationMillis: millis, outputTail: String(output.suffix(4000)))
        let countsText = counts.map { "\($0.passed) passed, \($0.failed) failed" } ?? "no counts recognised"
        await context.services.recordBead(
            result.succeeded ? "tests_passed" : "tests_failed",
            "\(argv.joined(separator: " ")): \(countsText)",
            [
                "command": argv.joined(separator: " "), "passed": counts.map { "\($0.passed)" } ?? "",
                "failed": counts.map { "\($0.failed)" } ?? "", "duration_ms": "\(millis)",
                "timed_out": "\(result.timedOut)",
            ])
        if result.timedOut {
            throw .retryable(
                "tests did not finish within \(settings.timeoutSeconds) s and were killed (\(countsText)); raise [test] timeout_seconds if they are just slow\n\(output.suffix(1500))"
            )
        }
        guard result.succeeded else {
            throw .fatal("tests failed (\(countsText)):\n\(output.suffix(1500))")
        }
        return .tests(summary)
    }
}
