import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

/// Parses, runs, and turns every error into one line and an exit code: never a trap or a
/// stack trace for something the user typed.
@main
enum Entry {
    static func main() async {
        // A closed stdout must be an error a command can handle (EPIPE), not a death in the
        // middle of a transaction: `run --json | head -1` then stops claiming and requeues.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try Pilothouse.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CommandFailure {
            printError("error: \(error.message)")
            exit(error.code)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = Pilothouse.exitCode(for: error)
            if code == .success {
                print(Pilothouse.fullMessage(for: error))
                exit(0)
            }
            if let message = CommandFailure.describe(error) {
                printError("error: \(message)")
                exit(CommandFailure.code(for: error))
            }
            // Argument parsing problems: argument-parser's message and usage, exit 2.
            printError(Pilothouse.fullMessage(for: error))
            exit(2)
        }
    }
}
