import Foundation
import PilothouseEngine
import PilothouseSQLiteStore

/// Runs `[notify] notify_command` for the console: the argv as configured (never a shell), the
/// notification's JSON on stdin, a scrubbed environment that keeps what desktop notifiers need
/// to reach the session, and ten seconds before it is killed.
enum NotifyCommandRunner {
    /// Session variables notifiers (`notify-send`, `osascript`, `terminal-notifier`) need.
    static let sessionVariables = [
        "DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR",
    ]

    /// Nil when the command succeeded, else why not, for the console's status line.
    static func run(argv: [String], input: Data, directory: String) async -> String? {
        // stdin is a private temporary file rather than a pipe: the process runner opens a path
        // for fd 0, and a file cannot block the console when the command never reads it.
        let path = NSTemporaryDirectory() + "pilothouse-notify-\(UUID().uuidString).json"
        guard
            FileManager.default.createFile(
                atPath: path, contents: input, attributes: [.posixPermissions: 0o600])
        else {
            return "cannot write its input to \(path)"
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        var command = ProcessCommand(
            argv: argv, directory: directory,
            environment: ProcessRunner.environment(allowing: sessionVariables), timeout: .seconds(10),
            maxOutputBytes: 4096)
        command.standardInput = path
        do {
            let result = try await ProcessRunner().run(command)
            if result.succeeded { return nil }
            let said = String(decoding: result.output.suffix(200), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            var how: String =
                switch result.termination {
                case .exited(let code): "exited with \(code)"
                case .signaled(let signal): "killed by signal \(signal)"
                }
            if result.timedOut { how = "timed out after 10 s" }
            return said.isEmpty ? how : "\(how): \(said)"
        } catch {
            return "\(error)"
        }
    }
}
