import Foundation

/// Shares the integration branch after a merge when configured: `git push` to a remote and,
/// optionally, a pull request with `gh`. Publishing never undoes or fails a merge that
/// happened; what went wrong is reported so the operator can push by hand.
public struct IntegrationPublisher: Sendable {
    public var remote: String
    /// Base branch of the pull request (`gh pr create --base`); nil: push only.
    public var pullRequestBase: String?
    let repositoryRoot: String
    let runner: ProcessRunner

    public init(
        remote: String, pullRequestBase: String?, repositoryRoot: String,
        runner: ProcessRunner = ProcessRunner()
    ) {
        self.remote = remote
        self.pullRequestBase = pullRequestBase
        self.repositoryRoot = repositoryRoot
        self.runner = runner
    }

    /// What publishing did, as a bead kind and message per step.
    public struct Step: Sendable, Equatable {
        public var succeeded: Bool
        public var message: String
    }

    public func publish(branch: String, title: String) async -> [Step] {
        var steps: [Step] = []
        let environment = ProcessRunner.environment(allowing: [
            "HOME", "PATH", "SSH_AUTH_SOCK", "GIT_SSH_COMMAND", "GH_TOKEN", "GITHUB_TOKEN",
        ])
        let push = ProcessCommand(
            argv: ["git", "push", "--quiet", remote, "refs/heads/\(branch):refs/heads/\(branch)"],
            directory: repositoryRoot,
            environment: environment.merging(["GIT_TERMINAL_PROMPT": "0"]) { $1 }, timeout: .seconds(120),
            maxOutputBytes: 16 * 1024)
        guard let pushed = try? await runner.run(push) else {
            return [Step(succeeded: false, message: "could not start git push")]
        }
        guard pushed.succeeded else {
            return [
                Step(
                    succeeded: false,
                    message:
                        "git push \(remote) \(branch) failed: \(RemoteMessage.shown(Self.text(pushed.output)))"
                )
            ]
        }
        steps.append(Step(succeeded: true, message: "pushed \(branch) to \(remote)"))
        guard let base = pullRequestBase else { return steps }
        let create = ProcessCommand(
            argv: [
                "gh", "pr", "create", "--base", base, "--head", branch, "--title", "Pilothouse: \(title)",
                "--body",
                "Changes merged by Pilothouse into \(branch); each commit carries Pilothouse-Job and Pilothouse-Bead trailers.",
            ], directory: repositoryRoot, environment: environment, timeout: .seconds(120),
            maxOutputBytes: 16 * 1024)
        guard let created = try? await runner.run(create) else {
            steps.append(
                Step(
                    succeeded: false,
                    message: "gh is not installed; open the pull request from \(branch) to \(base) by hand"))
            return steps
        }
        if created.succeeded {
            steps.append(
                Step(
                    succeeded: true,
                    message:
                        "pull request: \(RemoteMessage.shown(Self.text(created.output)))"
                ))
        } else if Self.text(created.output).contains("already exists") {
            steps.append(
                Step(succeeded: true, message: "the pull request from \(branch) to \(base) is already open"))
        } else {
            steps.append(
                Step(
                    succeeded: false,
                    message: "gh pr create failed: \(RemoteMessage.shown(Self.text(created.output)))"
                ))
        }
        return steps
    }

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
