import Foundation
import PilothouseCore

/// Runs the repository's test command in a directory: a job's worktree (`test` stage) or the
/// merge queue's checkout of a candidate tree. One implementation, so both run the same
/// command with the same scrubbed environment, timeout, output bound and redaction.
public struct TestRunner: Sendable {
    public let settings: TestSection
    public let network: NetworkPolicy
    public let redactor: Redactor
    public let runner: ProcessRunner

    public init(
        settings: TestSection, network: NetworkPolicy = .allow, redactor: Redactor = .standard,
        runner: ProcessRunner = ProcessRunner()
    ) {
        self.settings = settings
        self.network = network
        self.redactor = redactor
        self.runner = runner
    }

    /// What one run of the test command showed.
    public struct Outcome: Sendable {
        public var argv: [String]
        public var summary: TestSummary
        public var timedOut: Bool
        /// "3 passed, 1 failed", or that no counts were recognised.
        public var countsText: String
        /// The redacted output (bounded by `[test] max_output_bytes`).
        public var output: String

        public var passed: Bool { summary.passed }
        public var command: String { argv.joined(separator: " ") }
    }

    /// The command `[test] command` names, or the one detected in `directory`; nil: none.
    public func command(in directory: String) -> [String]? {
        let configured =
            settings.command
            ?? (settings.detect
                ? TestCommandDetector.detect(
                    in: directory, path: ProcessRunner.environment(allowing: settings.envAllowlist)["PATH"])
                : nil)
        guard let configured, !configured.isEmpty else { return nil }
        return configured
    }

    /// Runs the tests in `directory`; nil when there is no test command.
    public func run(in directory: String) async throws(StageFailure) -> Outcome? {
        guard var argv = command(in: directory) else { return nil }
        let shown = argv
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
                    argv: argv, directory: directory,
                    environment: ProcessRunner.environment(allowing: settings.envAllowlist),
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
        return Outcome(
            argv: shown, summary: summary, timedOut: result.timedOut,
            countsText: counts.map { "\($0.passed) passed, \($0.failed) failed" } ?? "no counts recognised",
            output: output)
    }
}
