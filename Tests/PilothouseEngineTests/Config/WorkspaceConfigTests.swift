import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

@Suite struct WorkspaceConfigTests {
    @Test func defaultsWithoutConfig() throws {
        let config = try PilothouseConfig.parse("", path: "p.toml")
        #expect(config.workspace.integrationBranch == nil)
        #expect(config.workspace.retention == .remove)
        #expect(!config.workspace.allowCheckedOutMerge)
        #expect(config.policy.forbiddenGlobs == PolicySection.defaultForbiddenGlobs)
        #expect(config.policy.network == .allow)
        #expect(config.test.command == nil)
        #expect(config.test.detect)
        #expect(config.agents.isEmpty)
        #expect(config.redactor.patterns.count == SecretPattern.builtIn.count)
    }

    @Test func readsEverySection() throws {
        let text = """
            [workspace]
            integration_branch = "develop"
            retention = "keep_failed"
            allow_checked_out_merge = true

            [policy]
            forbidden_globs = ["secrets/**"]
            max_files = 5
            max_lines = 100
            network = "deny"

            [test]
            command = ["python3", "-m", "pytest", "-q"]
            env_allowlist = ["DATABASE_URL"]
            timeout_seconds = 60
            max_output_bytes = 4096

            [redaction.patterns]
            internal_token = "itk_[a-z0-9]{12}"

            [agents.claude]
            allowed_tools = { implementer = ["Read", "Edit", "Write"], reviewer = ["Read"] }
            env_allowlist = ["ANTHROPIC_API_KEY"]

            [agents.mine]
            kind = "custom"
            command = ["my-agent"]
            args = ["--task", "{prompt}", "--tools", "{tools}"]
            """
        let config = try PilothouseConfig.parse(text, path: "p.toml")
        #expect(config.workspace.integrationBranch == "develop")
        #expect(config.workspace.retention == .keepFailed)
        #expect(config.workspace.allowCheckedOutMerge)
        #expect(config.policy.forbiddenGlobs == ["secrets/**"])
        #expect(config.policy.maxFiles == 5)
        #expect(config.policy.network == .deny)
        #expect(config.test.command == ["python3", "-m", "pytest", "-q"])
        #expect(config.test.maxOutputBytes == 4096)
        #expect(config.redactor.redact("x itk_abcdef123456") == "x [REDACTED:internal_token]")
        let claude = try #require(config.agents["claude"])
        #expect(claude.kind == .claude)
        #expect(claude.command == ["claude"])
        #expect(
            try CLIAgentRunner.arguments(for: claude, role: "implementer", prompt: "do it")
                == ["claude", "-p", "do it", "--output-format", "text", "--allowedTools", "Read,Edit,Write"])
        let mine = try #require(config.agents["mine"])
        #expect(
            try CLIAgentRunner.arguments(for: mine, role: "reviewer", prompt: "p") == [
                "my-agent", "--task", "p", "--tools", "",
            ])
    }

    @Test func toolsAreNeverSilentlyDropped() throws {
        var aider = AgentSettings(name: "aider", kind: .aider)
        aider.allowedTools["implementer"] = ["Write"]
        #expect(throws: CLIAgentError.self) {
            try CLIAgentRunner.arguments(for: aider, role: "implementer", prompt: "p")
        }
        var codex = AgentSettings(name: "codex", kind: .codex)
        codex.allowedTools["implementer"] = ["Bash"]
        #expect(throws: CLIAgentError.self) {
            try CLIAgentRunner.arguments(for: codex, role: "implementer", prompt: "p")
        }
        codex.allowedTools["implementer"] = ["workspace-write"]
        #expect(
            try CLIAgentRunner.arguments(for: codex, role: "implementer", prompt: "p")
                == ["codex", "exec", "--sandbox", "workspace-write", "p"])
    }

    @Test(arguments: [
        ("[workspace]\nretention = \"sometimes\"\n", 2, "workspace.retention"),
        ("[policy]\n\nnetwork = \"maybe\"\n", 3, "policy.network"),
        ("[test]\ncommand = \"swift test\"\n", 2, "test.command"),
        ("[redaction.patterns]\nbroken = \"(\"\n", 2, "redaction.patterns.broken"),
        ("[agents.x]\nkind = \"robot\"\n", 2, "agents.x.kind"),
    ])
    func invalidValuesNameKeyAndLine(text: String, line: Int, key: String) {
        #expect {
            try PilothouseConfig.parse(text, path: "p.toml")
        } throws: { error in
            guard case ConfigError.invalidValue(_, let errorLine, let errorKey, _, _) = error else {
                return false
            }
            return errorLine == line && errorKey == key
        }
    }

    @Test func unknownKeysInNewSectionsAreErrors() {
        #expect(throws: ConfigError.self) {
            try PilothouseConfig.parse("[policy]\nmax_file = 3\n", path: "p.toml")
        }
        #expect(throws: ConfigError.self) {
            try PilothouseConfig.parse("[agents.claude]\nbinary = \"x\"\n", path: "p.toml")
        }
    }
}

/// Engines starting together on a fresh repository all create the integration branch.
@Suite struct IntegrationBranchRaceTests {
    @Test func concurrentCreationAllSucceedAtHead() async throws {
        for _ in 0..<4 {
            let sandbox = try GitSandbox()
            let repository = sandbox.repository
            let results = await withTaskGroup(of: Result<String, GitError>.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        do throws(GitError) {
                            return .success(try WorkspaceSection().ensureIntegrationBranch(in: repository))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for result in results {
                #expect(throws: Never.self) { try result.get() }
            }
            #expect(
                try sandbox.git("rev-parse", "pilothouse/integration")
                    == (try sandbox.git("rev-parse", "HEAD")))
        }
    }

    @Test func anEmptyRepositoryIsRefusedPlainly() throws {
        let sandbox = try GitSandbox()
        let empty = sandbox.outside + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try sandbox.git("init", "-q", "-b", "main", in: empty)
        #expect {
            try WorkspaceSection().ensureIntegrationBranch(in: Repository(root: empty))
        } throws: { error in
            String(describing: error).contains("no commits yet")
        }
    }
}
