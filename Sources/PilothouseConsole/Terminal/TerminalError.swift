/// Why the terminal could not be taken over, or had to be given back.
public enum TerminalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// stdin or stdout is not a terminal (piped, redirected, CI), so full-screen mode is impossible;
    /// callers should fall back to headless output.
    case notATerminal
    /// ncurses could not set up the terminal, usually because `TERM` is unset or has no terminfo entry.
    case cannotInitialize(term: String?)
    /// The terminal cannot move the cursor (`TERM=dumb`): a full-screen console would be garbage.
    case cannotAddressCursor(term: String?)
    /// The process is not in the terminal's foreground process group (started with `&`, or under
    /// `timeout` without `--foreground`), so every read of a key fails.
    case notInForeground
    /// The keyboard went away while the console ran: stdin hung up, reached its end, or reads
    /// fail (the process was moved to the background). Nothing the operator types can arrive.
    case inputLost(String)
    /// The pipe that wakes the console on a resize could not be made.
    case cannotCreateResizePipe(errno: Int32)
    case alreadyStarted

    public var description: String {
        switch self {
        case .notATerminal:
            "console: stdin/stdout is not a terminal (use `run --json` for headless output)"
        case .cannotInitialize(let term):
            "console: ncurses cannot drive TERM=\(term ?? "(unset)"); try TERM=xterm-256color"
        case .cannotAddressCursor(let term):
            "console: TERM=\(term ?? "(unset)") cannot move the cursor, so a full-screen console cannot "
                + "be drawn; run it in a terminal such as TERM=xterm-256color, or use "
                + "`pilothouse run --until-idle --json` for headless output"
        case .notInForeground:
            "console: not in the terminal's foreground process group, so keys cannot be read; run it "
                + "in the foreground (not with `&`; under `timeout`, use `timeout --foreground`)"
        case .inputLost(let why):
            "console: lost the keyboard (\(why)); the terminal was restored and the console stopped"
        case .cannotCreateResizePipe(let code):
            "console: cannot create the resize pipe (errno \(code))"
        case .alreadyStarted:
            "console: the terminal backend is already running"
        }
    }
}
