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

    /// Takes over the terminal: alternate screen, no echo, keypad decoding, colours.
    public func start() throws(TerminalError) {
        guard !isRunning else { throw .alreadyStarted }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
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
    }

    /// Gives the terminal back. Safe to call more than once and when never started.
    public func stop() {
        guard isRunning else { return }
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

    /// Forces the next `draw` to repaint everything, e.g. after ctrl-L or output from a child process.
    public func invalidate() {
        lastFrame = nil
        if isRunning { clearok(ph_curscr(), true) }
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        var count = 0
        // setcchar takes one spacing character plus up to four combining ones (CCHARW_MAX = 5).
        for scalar in cell.character.unicodeScalars where count < 5 {
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
