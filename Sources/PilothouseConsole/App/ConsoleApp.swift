import Foundation
import PilothouseCore

/// The console's entry point for the executable.
///
/// Threading: ncurses is not thread-safe and `wget_wch` may redraw, so one dedicated thread
/// (`TerminalLoop`) does all terminal input and output and owns the model. Engine events arrive on
/// an `AsyncStream` consumed by a task that posts them to an `EventInbox` (queue + self-pipe); the
/// terminal thread sleeps in `poll()` on stdin and that pipe, so an idle console costs nothing.
/// Commands go the other way through `send`, each in its own task, and their outcomes come back
/// through the inbox to the status line.
public enum ConsoleApp {
    /// Runs the console until the operator quits (or the calling task is cancelled).
    ///
    /// Throws `KeymapError` for a bad `[keys]` table before the terminal is touched, and
    /// `TerminalError` when stdin/stdout is not a terminal. The terminal is restored on return,
    /// on a thrown error, on SIGINT/SIGTERM/SIGHUP and on fatal signals (`TerminalRestorer`).
    public static func run(
        events: AsyncStream<EngineEvent>,
        send: @escaping @Sendable (OperatorCommand) async -> CommandOutcome,
        options: ConsoleOptions = ConsoleOptions()
    ) async throws {
        let keymap = try Keymap(overrides: options.keyOverrides)
        let inbox = try EventInbox()
        let pump = Task {
            for await event in events { inbox.post(.event(event)) }
            inbox.post(.streamEnded)
        }
        defer { pump.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Void, any Error>) in
                let thread = Thread {
                    let loop = TerminalLoop(options: options, keymap: keymap, inbox: inbox, send: send)
                    do {
                        try loop.run()
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = "pilothouse-console"
                thread.start()
            }
        } onCancel: {
            inbox.post(.stop)
        }
    }
}
