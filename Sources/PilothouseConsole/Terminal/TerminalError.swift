/// Why the terminal could not be taken over.
public enum TerminalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// stdin or stdout is not a terminal (piped, redirected, CI), so full-screen mode is impossible;
    /// callers should fall back to headless output.
    case notATerminal
    /// ncurses could not set up the terminal, usually because `TERM` is unset or has no terminfo entry.
    case cannotInitialize(term: String?)
    case alreadyStarted

    public var description: String {
        switch self {
        case .notATerminal:
            "console: stdin/stdout is not a terminal (use `run --json` for headless output)"
        case .cannotInitialize(let term):
            "console: ncurses cannot drive TERM=\(term ?? "(unset)"); try TERM=xterm-256color"
        case .alreadyStarted:
            "console: the terminal backend is already running"
        }
    }
}
