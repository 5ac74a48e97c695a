import Foundation
import PilothouseCore

/// Runs CLI coding agents (`claude`, `codex`, `aider`, `opencode`, or a custom one) in a job's
/// worktree; whatever they change there becomes the patch.
///
/// Three promises: the tools configured for a role reach the agent exactly (an agent that has
/// no way to receive them is refused, never run with them silently dropped); the environment
/// is scrubbed to an allowlist; and with `[policy] network = "deny"` the agent runs in its own
/// network namespace, or not at all.
public struct CLIAgentRunner: Sendable {
    public let agents: [String: AgentSettings]
    public let network: NetworkPolicy
    public let runner: ProcessRunner
    public let maxOutputBytes: Int

    public init(
        agents: [String: AgentSettings], network: NetworkPolicy = .allow,
        runner: ProcessRunner = ProcessRunner(),
        maxOutputBytes: Int = 1 << 20
    ) {
        self.agents = agents
        self.network = network
        self.runner = runner
        self.maxOutputBytes = maxOutputBytes
    }

    /// `agent:NAME` (or `cli:NAME`) in a stage's model selects a CLI agent.
    public static func agentName(fromModel model: String) -> String? {
        for prefix in ["agent:", "cli:"] where model.hasPrefix(prefix) {
            let name = String(model.dropFirst(prefix.count))
            return name.isEmpty ? nil : name
        }
        return nil
    }

    public struct Result: Sendable, Equatable {
        public var output: String
        public var exitCode: Int32
        public var durationMillis: Int
    }

    public func run(agent name: String, role: String, prompt: String, in directory: String)
        async throws(CLIAgentError) -> Result
    {
        guard let settings = agents[name] else { throw .unknownAgent(name, known: agents.keys.sorted()) }
        var argv = try CLIAgentRunner.arguments(for: settings, role: role, prompt: prompt)
        if network == .deny {
            do {
                argv = try await NetworkIsolation.prefix(runner: runner) + argv
            } catch {
                throw .isolation(error)
            }
        }
        let command = ProcessCommand(
            argv: argv, directory: directory,
            environment: ProcessRunner.environment(allowing: settings.envAllowlist),
            timeout: .seconds(settings.timeoutSeconds), maxOutputBytes: maxOutputBytes, mergeOutput: false)
        let result: ProcessResult
        do {
            result = try await runner.run(command)
        } catch {
            throw .process(name, error)
        }
        if result.cancelled { throw .cancelled }
        if result.timedOut { throw .timedOut(name, seconds: settings.timeoutSeconds) }
        let output = String(decoding: result.output, as: UTF8.self)
        let millis = Int(
            result.duration.components.seconds * 1000 + result.duration.components.attoseconds
                / 1_000_000_000_000_000)
        guard case .exited(let code) = result.termination, code == 0 else {
            let code: Int32 =
                switch result.termination {
                case .exited(let code): code
                case .signaled(let signal): 128 + signal
                }
            throw .failed(
                name, exitCode: code, output: String(decoding: result.errorOutput.suffix(4000), as: UTF8.self)
            )
        }
        return Result(output: output, exitCode: 0, durationMillis: millis)
    }

    /// The agent's argv for `role`, with the role's allowed tools passed the agent's own way.
    public static func arguments(for settings: AgentSettings, role: String, prompt: String)
        throws(CLIAgentError)
        -> [String]
    {
        let tools = settings.allowedTools[role] ?? []
        switch settings.kind {
        case .claude:
            var argv = settings.command + ["-p", prompt, "--output-format", "text"]
            if !tools.isEmpty { argv += ["--allowedTools", tools.joined(separator: ",")] }
            return argv
        case .codex:
            // codex has no per-tool switches; its sandbox modes are the tools it understands.
            let modes = ["read-only", "workspace-write"]
            if let unknown = tools.first(where: { !modes.contains($0) }) {
                throw .toolsUnsupported(
                    settings.name, tools: tools,
                    hint:
                        "codex takes a sandbox mode instead of tools (read-only or workspace-write); '\(unknown)' cannot be passed"
                )
            }
            let mode = tools.last ?? (role == "implementer" ? "workspace-write" : "read-only")
            return settings.command + ["exec", "--sandbox", mode, prompt]
        case .aider:
            try refuseTools(
                tools, settings: settings,
                hint: "aider has no tool allowlist; remove allowed_tools for this role")
            return settings.command + [
                "--yes-always", "--no-auto-commits", "--no-check-update", "--message", prompt,
            ]
        case .opencode:
            try refuseTools(
                tools, settings: settings,
                hint: "opencode takes tool permissions from its own config, not the command line")
            return settings.command + ["run", prompt]
        case .custom:
            let hasToolsSlot = settings.arguments.contains { $0.contains("{tools}") }
            if !tools.isEmpty, !hasToolsSlot {
                throw .toolsUnsupported(
                    settings.name, tools: tools,
                    hint: "add a {tools} placeholder to args so the tools reach the agent")
            }
            return settings.command
                + settings.arguments.map {
                    $0.replacingOccurrences(of: "{prompt}", with: prompt)
                        .replacingOccurrences(of: "{tools}", with: tools.joined(separator: ","))
                }
        }
    }

    private static func refuseTools(_ tools: [String], settings: AgentSettings, hint: String)
        throws(CLIAgentError)
    {
        if !tools.isEmpty { throw .toolsUnsupported(settings.name, tools: tools, hint: hint) }
    }

    /// `NAME --version` (or the configured flag), for `pilothouse doctor`; nil when it fails.
    public func version(of name: String) async -> String? {
        guard let settings = agents[name] else { return nil }
        let command = ProcessCommand(
            argv: settings.command + [settings.versionFlag], directory: "/",
            environment: ProcessRunner.environment(allowing: settings.envAllowlist), timeout: .seconds(20),
            maxOutputBytes: 16 * 1024)
        guard let result = try? await runner.run(command), result.succeeded else { return nil }
        let text = String(decoding: result.output, as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        return text.split(separator: "\n").first.map(String.init)
    }
}

public enum CLIAgentError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownAgent(String, known: [String])
    case toolsUnsupported(String, tools: [String], hint: String)
    case isolation(IsolationError)
    case process(String, ProcessRunnerError)
    case failed(String, exitCode: Int32, output: String)
    case timedOut(String, seconds: Int)
    case cancelled

    /// Whether the operator must change something before a retry can help.
    public var isConfiguration: Bool {
        switch self {
        case .unknownAgent, .toolsUnsupported, .isolation, .process: true
        case .failed, .timedOut, .cancelled: false
        }
    }

    public var description: String {
        switch self {
        case .unknownAgent(let name, let known):
            "no [agents.\(name)] is configured (configured: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .toolsUnsupported(let name, let tools, let hint):
            "agent \(name) cannot be given the allowed tools \(tools.joined(separator: ", ")): \(hint); refusing rather than running without them"
        case .isolation(let error): error.description
        case .process(let name, let error): "agent \(name): \(error)"
        case .failed(let name, let code, let output):
            "agent \(name) exited with status \(code)\(output.isEmpty ? "" : ": " + output)"
        case .timedOut(let name, let seconds): "agent \(name) did not finish within \(seconds) s"
        case .cancelled: "the agent was cancelled"
        }
    }
}

/// A `ModelClient` that answers `agent:NAME` models by running the CLI agent in the job's
/// worktree (so a review stage can use `claude` too), and passes every other model on.
public struct CLIAgentModelClient: ModelClient {
    public let agents: CLIAgentRunner
    public let worktrees: WorktreeManager
    public let fallback: any ModelClient

    public init(agents: CLIAgentRunner, worktrees: WorktreeManager, fallback: any ModelClient) {
        self.agents = agents
        self.worktrees = worktrees
        self.fallback = fallback
    }

    public func complete(_ request: ModelRequest) async throws(ModelClientError) -> ModelResponse {
        guard let name = CLIAgentRunner.agentName(fromModel: request.model) else {
            return try await fallback.complete(request)
        }
        let directory = request.jobID.map { worktrees.path(for: $0) } ?? worktrees.repository.root
        let prompt = request.messages.map(\.content).joined(separator: "\n\n")
        do {
            let result = try await agents.run(agent: name, role: request.role, prompt: prompt, in: directory)
            return ModelResponse(
                text: result.output, provider: "agent", model: name, tokens: TokenCounts(),
                cost: Money(micros: 0),
                latencyMillis: result.durationMillis)
        } catch {
            switch error {
            case .cancelled: throw .cancelled
            case .failed, .timedOut:
                throw .exhausted(model: request.model, attempts: 1, lastError: error.description)
            default: throw .permanent(model: request.model, message: error.description)
            }
        }
    }
}
