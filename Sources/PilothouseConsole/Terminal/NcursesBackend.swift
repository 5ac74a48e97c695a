import CNcurses

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The only code that talks to ncurses: takes over the terminal, draws canvases, reads keys.
///
/// ncurses is not thread-safe, and `wget_wch` may refresh the screen itself, so every call —
/// drawing and reading input alike — must happen serially. This is a non-`Sendable` final class
/// rather than an actor on purpose: the compiler then forbids sharing it across isolation domains,
/// which guarantees that serial access statically, with no executor hop per call (a frame is
/// thousands of cell writes). ncurses needs serial access, not a fixed thread, so whoever owns the
/// backend (the console loop, one task or one thread) may drive it from wherever it runs. Input is
/// polled with a timeout (`readKey(timeoutMilliseconds:)`); keep it short when called from an async
/// context, or let a helper thread `poll()` stdin and wake the owner.
public final class NcursesBackend {
    public struct Options: Sendable {
        /// How long ncurses waits after ESC for the rest of an escape sequence. The ncurses default
        /// of one second makes the esc key feel broken.
        public var escapeDelayMilliseconds: Int32
        /// In raw mode ctrl-C, ctrl-Z and ctrl-\ arrive as keys instead of signals, so the console
        /// can shut down gracefully; in cbreak mode (the default) they stay signals.
        public var rawInput: Bool
        /// Environment lookup for colour detection (`NO_COLOR`, `COLORTERM`).
        public var environment: @Sendable (String) -> String?

        public init(
            escapeDelayMilliseconds: Int32 = 25, rawInput: Bool = false,
            environment: @escaping @Sendable (String) -> String? = NcursesBackend.processEnvironment
        ) {
            self.escapeDelayMilliseconds = escapeDelayMilliseconds
            self.rawInput = rawInput
            self.environment = environment
        }
    }

    public let options: Options
    public private(set) var isRunning = false
    /// The colour depth in effect: what the environment allows, capped by what terminfo can do.
    public private(set) var colorDepth: ColorDepth = .none

    private var screen: OpaquePointer?
    private let restorer = TerminalRestorer()
    private var lastFrame: Canvas?
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private var hasDefaultColors = false
    private var scratch: [wchar_t] = Array(repeating: 0, count: 8)
    /// The resize pipe: SIGWINCH writes to `[1]`, the owner polls `[0]` (see `resizeDescriptor`).
    private var resizePipe: [Int32] = [-1, -1]

    public init(options: Options = Options()) {
        self.options = options
    }

    deinit { stop() }

    /// `getenv`, for production; tests pass a dictionary lookup instead.
    public static let processEnvironment: @Sendable (String) -> String? = { name in
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// ncurses' version string, e.g. "ncurses 6.4.20230520"; also proves the library is linked.
    public static var libraryVersion: String { String(cString: curses_version()) }

    /// Column width of `scalar` according to the C library's `wcwidth` in the current locale; -1
    /// for non-printable. For diagnostics against `TextWidth`, which is what layout uses.
    public static func systemWidth(of scalar: Unicode.Scalar) -> Int {
        Int(ph_wcwidth(scalar.value))
    }

    /// Switches the locale to the environment's (UTF-8 needs this before ncurses starts).
    public static func adoptEnvironmentLocale() {
        setlocale(LC_ALL, "")
    }

    // MARK: Lifecycle

    /// Whether this process can run a full-screen console on its terminal at all, checked before
    /// anything is drawn: stdin and stdout are terminals, the process is in the terminal's
    /// foreground (a background one gets EIO on every read), and `TERM` can move the cursor
    /// (`TERM=dumb` would print a garbled stream instead of a screen).
    public static func checkTerminal(term: String?) throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        let foreground = tcgetpgrp(STDIN_FILENO)
        // -1 (ENOTTY): stdin is a terminal but not our controlling one, which reads fine.
        if foreground >= 0 && foreground != getpgrp() { throw .notInForeground }
        switch ph_terminal_can_address_cursor() {
        case 1: return
        case 0: throw .cannotAddressCursor(term: term)
        default: throw .cannotInitialize(term: term)
        }
    }

    /// Takes over the terminal: alternate screen, no echo, keypad decoding, colours.
    public func start() throws(TerminalError) {
        guard !isRunning else { throw .alreadyStarted }
        try Self.checkTerminal(term: options.environment("TERM"))
        Self.adoptEnvironmentLocale()
        // Before newterm, so ncurses keeps our re-raising handlers instead of installing its own.
        restorer.install()
        guard let screen = ph_newterm() else {
            restorer.uninstall()
            throw .cannotInitialize(term: options.environment("TERM"))
        }
        self.screen = screen
        set_term(screen)
        isRunning = true
        if options.rawInput { raw() } else { cbreak() }
        noecho()
        nonl()
        let window = ph_stdscr()
        keypad(window, true)
        intrflush(window, false)
        scrollok(window, false)
        leaveok(window, true)
        curs_set(0)
        set_escdelay(options.escapeDelayMilliseconds)
        setUpColors()
        lastFrame = nil
        do throws(TerminalError) {
            try startResizeWake()
        } catch {
            stop()
            throw error
        }
    }

    /// Gives the terminal back. Safe to call more than once and when never started.
    public func stop() {
        guard isRunning else { return }
        stopResizeWake()
        curs_set(1)
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
        isRunning = false
        restorer.uninstall()
        lastFrame = nil
        pairs.removeAll()
        nextPair = 1
    }

    /// Hands the terminal to a child process (the operator's editor) and takes it back after,
    /// with a full repaint: the child drew over everything.
    public func suspended<R>(_ body: () throws -> R) rethrows -> R {
        guard isRunning else { return try body() }
        def_prog_mode()
        endwin()
        defer {
            reset_prog_mode()
            invalidate()
            wrefresh(ph_stdscr())
        }
        return try body()
    }

    /// Current terminal size; after `Key.resize` this is already the new size.
    public var size: Size {
        guard isRunning else { return Size(width: 0, height: 0) }
        return Size(width: Int(ph_cols()), height: Int(ph_lines()))
    }

    // MARK: Input

    /// Waits up to `timeoutMilliseconds` for a key (0 returns at once, negative waits forever).
    /// Returns nil on timeout.
    public func readKey(timeoutMilliseconds: Int32 = 0) -> Key? {
        guard isRunning else { return nil }
        let window = ph_stdscr()
        wtimeout(window, timeoutMilliseconds)
        var value: wint_t = 0
        let status = wget_wch(window, &value)
        let key = Key.decode(status: status, value: UInt32(value))
        if key == .resize { lastFrame = nil }
        return key
    }

    /// Readable when the terminal was resized since `consumeResizeWake()`, -1 when not running.
    /// Poll it together with stdin: ncurses learns of a resize from SIGWINCH, which may be
    /// delivered to any thread, so without it a console asleep in `poll()` would draw the new
    /// size only at its next timeout. After it fires, `readKey` returns `Key.resize`.
    public var resizeDescriptor: Int32 { isRunning ? resizePipe[0] : -1 }

    /// Empties the resize pipe, so the next poll sleeps until the next resize.
    public func consumeResizeWake() {
        guard resizePipe[0] >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(resizePipe[0], &buffer, buffer.count) > 0 {}
    }

    /// Why keys can no longer be read, when stdin was reported readable and yet ncurses got no
    /// key from it; nil when nothing is wrong (e.g. ncurses swallowed a partial sequence).
    ///
    /// A process moved to the background gets EIO from every read while the bytes stay queued,
    /// so stdin stays readable forever: without this check the console spins at 100% CPU and
    /// ignores every key, ctrl-C included (raw mode makes it a key).
    public func lostInputReason() -> String? {
        let foreground = tcgetpgrp(STDIN_FILENO)
        if foreground >= 0 && foreground != getpgrp() {
            return "the console is no longer in the terminal's foreground process group"
        }
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) >= 0 else { return nil }
        if descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return "the terminal hung up" }
        if descriptor.revents & Int16(POLLIN) != 0 && ph_pending_input_bytes(STDIN_FILENO) > 0 {
            return "input is waiting on stdin but reading it fails"
        }
        return nil
    }

    private func startResizeWake() throws(TerminalError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw .cannotCreateResizePipe(errno: errno) }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        // After newterm, so the handler chains to ncurses' own (which queues KEY_RESIZE).
        guard ph_install_resize_wake(fds[1]) == 0 else {
            let code = errno
            for fd in fds { close(fd) }
            throw .cannotCreateResizePipe(errno: code)
        }
        resizePipe = fds
    }

    private func stopResizeWake() {
        if resizePipe[1] >= 0 { _ = ph_uninstall_resize_wake() }
        for fd in resizePipe where fd >= 0 { close(fd) }
        resizePipe = [-1, -1]
    }

    // MARK: Output

    /// Draws `canvas`, sending only spans that changed since the previous frame.
    ///
    /// After a resize or `invalidate()` the whole screen is repainted. A canvas larger than the
    /// terminal is clipped by ncurses; a smaller one leaves the rest of the screen blank.
    public func draw(_ canvas: Canvas) {
        guard isRunning else { return }
        let window = ph_stdscr()
        if lastFrame?.size != canvas.size {
            werase(window)
            lastFrame = nil
        }
        let spans = canvas.changes(from: lastFrame)
        let screenSize = size
        for span in spans where span.y < screenSize.height {
            for x in span.x..<min(span.maxX, screenSize.width) {
                let cell = canvas[x, span.y]
                if cell.isContinuation { continue }
                if cell.width == 2 && x + 1 >= screenSize.width {
                    // The canvas is wider than the screen: half a character cannot be drawn.
                    put(Cell(" ", style: cell.style), x: x, y: span.y)
                } else {
                    put(cell, x: x, y: span.y)
                }
            }
        }
        wnoutrefresh(window)
        doupdate()
        lastFrame = canvas
    }

    /// Writes `bytes` to the terminal as they are, after what ncurses drew: for sequences
    /// ncurses has no call for (a desktop notification). They must not move the cursor.
    public func emit(_ bytes: [UInt8]) {
        guard isRunning, !bytes.isEmpty else { return }
        var offset = 0
        bytes.withUnsafeBytes { buffer in
            while offset < buffer.count {
                let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // a terminal that refuses output has no one to notify
                }
            }
        }
    }

    /// Forces the next `draw` to repaint everything, e.g. after ctrl-L or output from a child process.
    public func invalidate() {
        lastFrame = nil
        if isRunning { clearok(ph_curscr(), true) }
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        var count = 0
        // setcchar takes one spacing character plus up to four combining ones (CCHARW_MAX = 5).
        for scalar in cell.scalars where count < 5 {
            scratch[count] = wchar_t(bitPattern: scalar.value)
            count += 1
        }
        scratch[count] = 0
        let style = cell.style.degraded(to: colorDepth)
        let pair = colorPair(foreground: style.foreground, background: style.background)
        _ = ph_put_wch_ext(ph_stdscr(), Int32(y), Int32(x), scratch, attributes(style.attributes), pair)
    }

    private func attributes(_ attributes: TextAttributes) -> attr_t {
        var result = ph_a_normal()
        if attributes.contains(.bold) { result |= ph_a_bold() }
        if attributes.contains(.dim) { result |= ph_a_dim() }
        if attributes.contains(.reverse) { result |= ph_a_reverse() }
        if attributes.contains(.underline) { result |= ph_a_underline() }
        if attributes.contains(.italic) { result |= ph_a_italic() }
        return result
    }

    // MARK: Colours

    private struct PairKey: Hashable {
        var foreground: Int32
        var background: Int32
    }

    private func setUpColors() {
        // COLORS is 0 until start_color, so first ask only whether colour is wanted at all (an
        // unlimited terminal yields .none only under NO_COLOR), then measure what terminfo offers.
        let wanted = ColorDepth.detect(environment: options.environment, terminalColors: Int.max)
        guard wanted != .none, has_colors() else {
            colorDepth = .none
            return
        }
        start_color()
        hasDefaultColors = use_default_colors() == OK
        colorDepth = ColorDepth.detect(environment: options.environment, terminalColors: Int(ph_colors()))
    }

    /// The colour pair for a foreground/background combination, allocated on first use.
    ///
    /// Pairs are never freed: a console uses a few dozen combinations. When the terminal runs out
    /// of pairs, later combinations fall back to the default pair rather than recolouring cells
    /// already on screen.
    private func colorPair(foreground: Color, background: Color) -> Int32 {
        guard colorDepth != .none else { return 0 }
        var key = PairKey(foreground: colorNumber(foreground), background: colorNumber(background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if !hasDefaultColors {
            // Without use_default_colors, -1 is invalid: assume the classic white on black.
            if key.foreground == -1 { key.foreground = Int32(COLOR_WHITE) }
            if key.background == -1 { key.background = Int32(COLOR_BLACK) }
        }
        if let pair = pairs[key] { return pair }
        guard nextPair < ph_color_pairs() else { return 0 }
        let pair = nextPair
        guard init_extended_pair(pair, key.foreground, key.background) == OK else { return 0 }
        nextPair += 1
        pairs[key] = pair
        return pair
    }

    /// The ncurses colour number for an already-degraded colour.
    private func colorNumber(_ color: Color) -> Int32 {
        switch color {
        case .default:
            return -1
        case .ansi(let ansi):
            let number = Int32(ansi.rawValue)
            // Eight-colour terminals have no bright colours: use the base colour.
            if ph_colors() < 16 { return number % 8 }
            if colorDepth == .truecolor && number >= 8 {
                let (r, g, b) = Palette.ansi[Int(number)]
                return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
            }
            return number
        case .indexed(let index):
            if colorDepth == .truecolor && index >= 8 {
                let (r, g, b) = Palette.rgb(ofIndex: index)
                return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
            }
            return Int32(index)
        case .rgb(let r, let g, let b):
            // Only reached in direct-colour mode, where colour numbers are 0xRRGGBB.
            return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        }
    }
}
