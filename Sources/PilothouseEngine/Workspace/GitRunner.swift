import Foundation
import Synchronization

/// Runs git with an argument vector (never a shell) and a timeout.
///
/// Every git call of Pilothouse goes through here, so quoting bugs and hung git processes
/// (credential prompts, huge repositories) are handled once. Git is started the way every
/// other child is (`ProcessRunner`: `posix_spawn` into its own process group, output drained
/// by dedicated threads): Foundation's `Process` crashed inside `run()` when many stages
/// started git at once, and `/usr/bin/env git` cost two execs per call.
public struct GitRunner: Sendable {
    /// The git binary; by default git on `PATH`, resolved once per process.
    public var executable: String?
    public var timeout: Duration

    /// Git processes this process started (git's own children not counted), for
    /// `pilothouse bench`'s git processes per job.
    public static let processesStarted = Atomic<Int>(0)

    /// Git's absolute path from this process's `PATH`, looked up once.
    public static let pathGit: String? = ProcessRunner.resolve(
        "git", path: ProcessInfo.processInfo.environment["PATH"])

    public init(executable: String? = GitRunner.pathGit, timeout: Duration = .seconds(60)) {
        self.executable = executable
        self.timeout = timeout
    }

    public struct Output: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
        public var text: String {
            String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        public var errorText: String {
            String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Runs `git <arguments>` in `directory`; returns whatever git said, even on failure.
    /// `environment` adds or overrides variables (e.g. `GIT_INDEX_FILE` for a scratch index);
    /// `input` is what git reads on stdin (e.g. `update-ref --stdin`, many ref changes in one
    /// transaction and one process).
    public func run(
        _ arguments: [String], in directory: String, environment extra: [String: String] = [:],
        input: Data? = nil
    ) throws(GitError) -> Output {
        guard let executable else { throw .notInstalled("git is not on PATH") }
        var inputFile: String?
        if let input {
            let file = NSTemporaryDirectory() + "pilothouse-git-stdin-" + UUID().uuidString
            guard
                FileManager.default.createFile(
                    atPath: file, contents: input, attributes: [.posixPermissions: 0o600])
            else { throw .inputNotWritten(path: file) }
            inputFile = file
        }
        defer { if let inputFile { unlink(inputFile) } }
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        environment.merge(extra) { _, new in new }
        // Git's output is data (diffs, trees), never trimmed: the bound is only a backstop.
        var command = ProcessCommand(
            argv: [executable] + arguments, directory: directory, environment: environment, timeout: timeout,
            maxOutputBytes: Int.max / 2, mergeOutput: false)
        if let inputFile { command.standardInput = inputFile }
        let result: ProcessResult
        GitRunner.processesStarted.add(1, ordering: .relaxed)
        do {
            result = try ProcessRunner(gracePeriod: .seconds(1)).runBlocking(command)
        } catch {
            throw .notInstalled(error.description)
        }
        if result.timedOut { throw .timedOut(arguments: arguments, after: timeout) }
        let status: Int32 =
            switch result.termination {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        return Output(status: status, stdout: Data(result.output), stderr: Data(result.errorOutput))
    }

    /// Runs git and returns its trimmed stdout, or throws with git's own message.
    public func output(
        _ arguments: [String], in directory: String, environment: [String: String] = [:], input: Data? = nil
    ) throws(GitError) -> String {
        let result = try run(arguments, in: directory, environment: environment, input: input)
        guard result.status == 0 else {
            throw .failed(arguments: arguments, status: result.status, message: result.errorText)
        }
        return result.text
    }
}

public enum GitError: Error, Equatable, CustomStringConvertible, Sendable {
    case notInstalled(String)
    case timedOut(arguments: [String], after: Duration)
    case failed(arguments: [String], status: Int32, message: String)
    case notARepository(String)
    case inputNotWritten(path: String)

    public var description: String {
        switch self {
        case .notInstalled(let detail):
            "could not start git (\(detail)); install git and make sure it is on PATH"
        case .timedOut(let arguments, let after):
            "git \(arguments.joined(separator: " ")) did not finish within \(after)"
        case .failed(let arguments, let status, let message):
            "git \(arguments.joined(separator: " ")) failed (exit \(status)): \(message)"
        case .inputNotWritten(let path):
            "could not write git's input to \(path); is the temporary directory full or read-only?"
        case .notARepository(let path):
            "\(path) is not inside a git repository; run `git init` there first or pass --repo PATH"
        }
    }
}
