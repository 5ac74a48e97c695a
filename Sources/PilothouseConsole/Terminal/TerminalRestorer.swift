import CNcurses

/// Puts the terminal back (endwin) when the process dies from a signal, then lets the signal take
/// its normal course (exit status, core dump) by re-raising it.
///
/// Without this, a crash or `kill` leaves the operator's shell in raw mode with no echo. It must be
/// installed *before* ncurses starts: ncurses installs its own SIGINT/SIGTERM handlers only when
/// the current action is the default, and ours are better because they re-raise rather than exit.
/// SIGWINCH is deliberately left to ncurses, which turns it into `KEY_RESIZE`.
///
/// Not Sendable: install and uninstall from the thread that owns the backend.
public final class TerminalRestorer {
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGABRT]

    private var previous: [Int32: sigaction] = [:]
    public init() {}

    /// Installs the handlers (once; repeated calls do nothing) and an atexit hook.
    public func install() {
        _ = AtExitHook.registered
        guard previous.isEmpty else { return }
        for signal in Self.signals {
            var old = sigaction()
            if ph_install_terminal_restorer(signal, &old) == 0 { previous[signal] = old }
        }
    }

    /// Restores whatever handlers were there before `install`.
    public func uninstall() {
        for (signal, action) in previous {
            var old = action
            _ = ph_restore_signal_action(signal, &old)
        }
        previous.removeAll()
    }

    public var isInstalled: Bool { !previous.isEmpty }

    deinit { uninstall() }
}

/// atexit hooks cannot be removed, so register exactly once per process; a `static let` is
/// initialised once, thread-safely.
private enum AtExitHook {
    static let registered: Bool = ph_register_endwin_at_exit() == 0
}
