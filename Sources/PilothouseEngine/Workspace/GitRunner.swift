import Foundation

/// Runs git with an argument vector (never a shell) and a timeout.
///
/// Every git call of Pilothouse goes through here, so quoting bugs and hung git processes
/// (credential prompts, huge repositories) are handled once.
public struct GitRunner: Sendable {
    public var executable: String
    public var timeout: Duration

    public init(executable: String = "/usr/bin/env", timeout: Duration = .seconds(60)) {
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
    /// `environment` adds or overrides variables (e.g. `GIT_INDEX_FILE` for a scratch index).
    public func run(_ arguments: [String], in directory: String, environment extra: [String: String] = [:])
        throws(GitError) -> Output
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = (executable.hasSuffix("/env") ? ["git"] : []) + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        // The handler must be in place before the process starts, or a quick git can exit
        // before anyone listens.
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        do {
            try process.run()
        } catch {
            throw .notInstalled(String(describing: error))
        }
        let deadline = DispatchTime.now() + .milliseconds(Int(timeout.components.seconds * 1000))
        let reader = PipeDrainer(stdout: stdout, stderr: stderr)
        if done.wait(timeout: deadline) == .timedOut {
            process.terminate()
            throw .timedOut(arguments: arguments, after: timeout)
        }
        let (out, err) = reader.finish()
        return Output(status: process.terminationStatus, stdout: out, stderr: err)
    }

    /// Runs git and returns its trimmed stdout, or throws with git's own message.
    public func output(_ arguments: [String], in directory: String, environment: [String: String] = [:])
        throws(GitError) -> String
    {
        let result = try run(arguments, in: directory, environment: environment)
        guard result.status == 0 else {
            throw .failed(arguments: arguments, status: result.status, message: result.errorText)
        }
        return result.text
    }
}

/// Reads both pipes on background threads so a chatty git cannot fill a pipe and block.
private final class PipeDrainer: @unchecked Sendable {
    private let group = DispatchGroup()
    private var out = Data()
    private var err = Data()

    init(stdout: Pipe, stderr: Pipe) {
        group.enter()
        DispatchQueue.global().async {
            self.out = stdout.fileHandleForReading.readDataToEndOfFile()
            self.group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            self.err = stderr.fileHandleForReading.readDataToEndOfFile()
            self.group.leave()
        }
    }

    func finish() -> (Data, Data) {
        group.wait()
        return (out, err)
    }
}

public enum GitError: Error, Equatable, CustomStringConvertible, Sendable {
    case notInstalled(String)
    case timedOut(arguments: [String], after: Duration)
    case failed(arguments: [String], status: Int32, message: String)
    case notARepository(String)

    public var description: String {
        switch self {
        case .notInstalled(let detail):
            "could not start git (\(detail)); install git and make sure it is on PATH"
        case .timedOut(let arguments, let after):
            "git \(arguments.joined(separator: " ")) did not finish within \(after)"
        case .failed(let arguments, let status, let message):
            "git \(arguments.joined(separator: " ")) failed (exit \(status)): \(message)"
        case .notARepository(let path):
            "\(path) is not inside a git repository; run `git init` there first or pass --repo PATH"
        }
    }
}
