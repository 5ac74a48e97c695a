import Foundation
import PilothouseCore
import TOMLKit

/// `[workspace]`: where merges go and what happens to job worktrees.
public struct WorkspaceSection: Sendable, Equatable {
    /// nil: `pilothouse/integration`, created from HEAD when first needed. A branch of its
    /// own means merges never have to touch the operator's checkout; they merge it onward
    /// when they are ready.
    public var integrationBranch: String?

    public static let defaultIntegrationBranch = "pilothouse/integration"
    public var retention = WorktreeRetention.remove
    /// Whether a merge may fast-forward the operator's own checkout when it has the
    /// integration branch checked out (only ever when that tree is clean).
    public var allowCheckedOutMerge = false
    /// Push the integration branch to this remote after each merge (nil: never push).
    public var pushRemote: String?
    /// Open a pull request (with `gh`) from the integration branch into this branch after a
    /// push (nil: no pull request).
    public var pullRequestBase: String?

    public init() {}

    /// The integration branch for `repository`, resolving the default.
    public func resolvedIntegrationBranch(in repository: Repository, git: GitRunner = GitRunner()) -> String {
        integrationBranch ?? Self.defaultIntegrationBranch
    }

    /// Makes sure the integration branch exists, creating it at HEAD (moving no files).
    /// Fails plainly in a repository without commits.
    ///
    /// Two engines often start together on a fresh repository, so creation is a
    /// compare-and-swap from "no such ref" (`update-ref REF NEW 0000…`), and losing that race
    /// is success: the other engine created the same branch.
    public func ensureIntegrationBranch(in repository: Repository, git: GitRunner = GitRunner())
        throws(GitError) -> String
    {
        let branch = resolvedIntegrationBranch(in: repository, git: git)
        let ref = "refs/heads/\(branch)"
        func exists() throws(GitError) -> Bool {
            try git.run(["rev-parse", "--verify", "--quiet", "\(ref)^{commit}"], in: repository.root).status
                == 0
        }
        if try exists() { return branch }
        let head = try git.run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], in: repository.root)
        let commit = head.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard head.status == 0, !commit.isEmpty else {
            throw .failed(
                arguments: ["branch", branch], status: 1,
                message: "the repository has no commits yet; commit something first so jobs have a base")
        }
        var failure = ""
        var status: Int32 = 0
        // Losing the race is success: the other engine created it. Its ref lock may still be
        // held for a moment ("cannot lock ref"), so a failed attempt looks again a few times.
        for attempt in 0..<5 {
            if attempt > 0 { usleep(20_000) }
            let created = try git.run(
                [
                    "update-ref", "-m", "pilothouse: integration branch", ref, commit,
                    String(repeating: "0", count: 40),
                ],
                in: repository.root)
            if created.status == 0 { return branch }
            if try exists() { return branch }
            (status, failure) = (created.status, created.errorText)
        }
        throw .failed(arguments: ["update-ref", ref, commit], status: status, message: failure)
    }
}

/// What to do with a job's worktree once the job is merged or rejected.
public enum WorktreeRetention: String, Sendable, Equatable, CaseIterable {
    /// Remove worktree and job branch (the merge keeps the commits reachable).
    case remove
    /// Keep everything, for inspection.
    case keep
    /// Keep only the worktrees of jobs that did not merge.
    case keepFailed = "keep_failed"
}

/// `[policy]`: what the check stage refuses.
public struct PolicySection: Sendable, Equatable {
    /// Keys, credentials and CI definitions: a model has no business writing these unattended.
    public static let defaultForbiddenGlobs = [
        "**/*.pem", "**/*.key", "**/*.p12", "**/*.pfx", "**/id_rsa*", "**/id_ed25519*", "**/.env",
        "**/.env.*", ".pilothouse/**", ".github/workflows/**",
    ]
    public var forbiddenGlobs = PolicySection.defaultForbiddenGlobs
    public var maxFiles = 50
    public var maxLines = 2000
    public var network = NetworkPolicy.allow
    /// Kinds of secret pattern whose findings in added lines block a patch; nil: every
    /// pattern's kind except `SecretPattern.redactOnlyKinds` (that is, not `email`).
    public var blockSecrets: [String]?

    public init() {}

    /// The patterns of `redactor` whose findings block a patch.
    public func blocking(_ redactor: Redactor) -> Redactor {
        let blocked = blockSecrets.map(Set.init)
        return Redactor(
            patterns: redactor.patterns.filter { pattern in
                blocked?.contains(pattern.kind) ?? !SecretPattern.redactOnlyKinds.contains(pattern.kind)
            })
    }
}

/// Whether processes Pilothouse starts (tests, CLI agents) may use the network.
public enum NetworkPolicy: String, Sendable, Equatable, CaseIterable {
    case allow
    /// Run them in a new network namespace (`unshare --net`); refuse where that is unavailable.
    case deny
}

/// `[test]`: how the repository's tests are run in a job's worktree.
public struct TestSection: Sendable, Equatable {
    /// nil: detect from the repository when `detect` is on; `[]`: no tests.
    public var command: [String]?
    public var detect = true
    /// Variables passed through from Pilothouse's environment in addition to the base list
    /// (`PATH`, `HOME`, `LANG`, `LC_ALL`, `TERM`, `TMPDIR`, `USER`).
    public var envAllowlist: [String] = []
    public var timeoutSeconds = 900
    public var maxOutputBytes = 1 << 20

    public init() {}
}

/// `[redaction]`: extra patterns on top of the built-in ones.
public struct RedactionSection: Sendable, Equatable {
    /// kind → regular expression, in the order read (sorted by kind).
    public var patterns: [(kind: String, regex: String)] = []

    public init() {}

    public static func == (lhs: RedactionSection, rhs: RedactionSection) -> Bool {
        lhs.patterns.map(\.kind) == rhs.patterns.map(\.kind)
            && lhs.patterns.map(\.regex) == rhs.patterns.map(\.regex)
    }
}

/// `[agents.NAME]`: a CLI coding agent used as an implement or review provider.
public struct AgentSettings: Sendable, Equatable {
    public var name: String
    public var kind: CLIAgentKind
    /// The program and fixed leading arguments; default: the agent's usual binary name.
    public var command: [String]
    /// Arguments for `.custom`, with `{prompt}` and `{tools}` placeholders.
    public var arguments: [String]
    public var versionFlag = "--version"
    /// role (`implementer`, `reviewer`) → tools the agent may use in that role.
    public var allowedTools: [String: [String]] = [:]
    public var envAllowlist: [String] = []
    public var timeoutSeconds = 900

    public init(name: String, kind: CLIAgentKind, command: [String]? = nil, arguments: [String] = []) {
        self.name = name
        self.kind = kind
        self.command = command ?? [kind.defaultBinary ?? name]
        self.arguments = arguments
    }
}

/// The CLI agents whose argument conventions Pilothouse knows.
public enum CLIAgentKind: String, Sendable, Equatable, CaseIterable {
    case claude, codex, aider, opencode, custom

    var defaultBinary: String? { self == .custom ? nil : rawValue }
}

extension PilothouseConfig {
    /// Reads the workspace-related sections; called from `parse`.
    static func parseWorkspaceSections(_ reader: inout ConfigReader, into config: inout PilothouseConfig)
        throws(ConfigError)
    {
        try reader.section("workspace") { (section: inout ConfigReader.Section) throws(ConfigError) in
            if let branch = try section.string("integration_branch") {
                guard !branch.isEmpty, !branch.hasPrefix("-"), !branch.contains(" "), !branch.contains("..")
                else {
                    throw section.invalid(
                        "integration_branch", branch, expected: "a branch name such as \"main\"")
                }
                config.workspace.integrationBranch = branch
            }
            if let value = try section.string("retention") {
                guard let retention = WorktreeRetention(rawValue: value) else {
                    throw section.invalid("retention", value, expected: "remove, keep or keep_failed")
                }
                config.workspace.retention = retention
            }
            if let value = try section.bool("allow_checked_out_merge") {
                config.workspace.allowCheckedOutMerge = value
            }
            if let remote = try section.string("push_remote") {
                guard !remote.isEmpty, !remote.hasPrefix("-") else {
                    throw section.invalid("push_remote", remote, expected: "a remote name such as \"origin\"")
                }
                config.workspace.pushRemote = remote
            }
            if let base = try section.string("pull_request_base") {
                guard !base.isEmpty, !base.hasPrefix("-") else {
                    throw section.invalid(
                        "pull_request_base", base, expected: "a branch name such as \"main\"")
                }
                guard config.workspace.pushRemote != nil else {
                    throw section.invalid(
                        "pull_request_base", base,
                        expected: "push_remote to be set too (a pull request needs a pushed branch)")
                }
                config.workspace.pullRequestBase = base
            }
        }
        try reader.section("policy") { (section: inout ConfigReader.Section) throws(ConfigError) in
            if let globs = try section.stringArray("forbidden_globs") { config.policy.forbiddenGlobs = globs }
            if let value = try section.int("max_files", range: 1...100_000) { config.policy.maxFiles = value }
            if let value = try section.int("max_lines", range: 1...10_000_000) {
                config.policy.maxLines = value
            }
            if let kinds = try section.stringArray("block_secrets") { config.policy.blockSecrets = kinds }
            if let value = try section.string("network") {
                guard let network = NetworkPolicy(rawValue: value) else {
                    throw section.invalid("network", value, expected: "allow or deny")
                }
                config.policy.network = network
            }
        }
        try reader.section("test") { (section: inout ConfigReader.Section) throws(ConfigError) in
            if let command = try section.stringArray("command") {
                if let first = command.first, first.isEmpty {
                    throw section.invalid(
                        "command", "\(command)", expected: "an argv array such as [\"swift\", \"test\"]")
                }
                config.test.command = command
            }
            if let value = try section.bool("detect") { config.test.detect = value }
            if let names = try section.stringArray("env_allowlist") { config.test.envAllowlist = names }
            if let value = try section.int("timeout_seconds", range: 1...86_400) {
                config.test.timeoutSeconds = value
            }
            if let value = try section.int("max_output_bytes", range: 1024...(256 << 20)) {
                config.test.maxOutputBytes = value
            }
        }
        try reader.section("redaction") { (section: inout ConfigReader.Section) throws(ConfigError) in
            guard let patterns = try section.subtable("patterns") else { return }
            // Counted before any is compiled: compiling is what costs seconds and gigabytes.
            if patterns.keys.count > config.limits.redactionPatterns {
                throw .tooLarge(
                    path: section.reader.path, line: section.reader.line(of: "patterns", in: "redaction"),
                    limit: InputLimitExceeded(
                        subject: "[redaction] patterns", key: "redaction_patterns",
                        limit: config.limits.redactionPatterns, unit: "patterns"))
            }
            for kind in patterns.keys.sorted() {
                var nested = ConfigReader.Section(
                    name: "redaction.patterns", table: patterns, reader: section.reader)
                guard let regex = try nested.string(kind) else { continue }
                do {
                    _ = try SecretPattern(kind: kind, regex: regex)
                } catch {
                    throw .invalidValue(
                        path: section.reader.path, line: nested.line(of: kind),
                        key: "redaction.patterns.\(kind)",
                        value: regex.debugDescription, expected: String(describing: error))
                }
                config.redaction.patterns.append((kind, regex))
            }
        }
        // Checked once [redaction] is read, since its kinds may be named.
        let known = SecretPattern.builtInKinds + config.redaction.patterns.map(\.kind)
        if let unknown = config.policy.blockSecrets?.first(where: { !known.contains($0) }) {
            throw .invalidValue(
                path: reader.path, line: reader.line(of: "block_secrets", in: "policy"),
                key: "policy.block_secrets",
                value: unknown.debugDescription,
                expected: "names of secret patterns: \(known.joined(separator: ", "))")
        }
        try reader.section("agents") { (section: inout ConfigReader.Section) throws(ConfigError) in
            try section.namedTables { (name: String, agent: inout ConfigReader.Section) throws(ConfigError) in
                let kindText = try agent.string("kind") ?? name
                guard let kind = CLIAgentKind(rawValue: kindText) else {
                    throw agent.invalid(
                        "kind", kindText,
                        expected: "one of \(CLIAgentKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let command = try agent.stringArray("command")
                if let command, command.first?.isEmpty ?? true {
                    throw agent.invalid(
                        "command", "\(command)", expected: "a non-empty argv array such as [\"claude\"]")
                }
                let arguments = try agent.stringArray("args") ?? []
                if kind == .custom, !arguments.contains(where: { $0.contains("{prompt}") }) {
                    throw agent.invalid(
                        "args", "\(arguments)",
                        expected: "an argv array containing {prompt} (required for kind = \"custom\")")
                }
                if kind == .custom, command == nil {
                    throw agent.invalid(
                        "command", "(missing)", expected: "the agent's program, e.g. [\"my-agent\"]")
                }
                var settings = AgentSettings(name: name, kind: kind, command: command, arguments: arguments)
                if let flag = try agent.string("version_flag") { settings.versionFlag = flag }
                if let names = try agent.stringArray("env_allowlist") { settings.envAllowlist = names }
                if let value = try agent.int("timeout_seconds", range: 1...86_400) {
                    settings.timeoutSeconds = value
                }
                if let tools = try agent.subtable("allowed_tools") {
                    var nested = ConfigReader.Section(
                        name: "\(agent.name).allowed_tools", table: tools, reader: agent.reader)
                    for role in tools.keys.sorted() {
                        settings.allowedTools[role] = try nested.stringArray(role) ?? []
                    }
                }
                config.agents[name] = settings
            }
        }
    }

    /// The redactor for this configuration: built-in patterns plus `[redaction] patterns`.
    /// Patterns were compiled once while parsing, so this cannot fail for a parsed config.
    public var redactor: Redactor {
        Redactor.standard.adding(
            redaction.patterns.compactMap { try? SecretPattern(kind: $0.kind, regex: $0.regex) })
    }
}
