import CNcurses
import Testing

@testable import PilothouseConsole

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Proves the test binary links ncursesw (not narrow ncurses) without needing a terminal.
@Suite struct NcursesLinkTests {
    @Test func linksNcursesw() {
        #expect(NcursesBackend.libraryVersion.hasPrefix("ncurses"))
    }

    @Test func systemWidthAgreesWithTextWidthForCJK() {
        NcursesBackend.adoptEnvironmentLocale()
        // A C/POSIX locale has no wide characters; switch to a UTF-8 one if the environment did not.
        if ph_wcwidth(0x4E2D) != 2 { setlocale(LC_CTYPE, "C.UTF-8") }
        #expect(NcursesBackend.systemWidth(of: "中") == 2)
        #expect(TextWidth.of(Character("中")) == NcursesBackend.systemWidth(of: "中"))
        #expect(NcursesBackend.systemWidth(of: "a") == 1)
    }

    @Test func backendIsInertWhenNotStarted() {
        let backend = NcursesBackend()
        #expect(!backend.isRunning)
        #expect(backend.size == Size(width: 0, height: 0))
        #expect(backend.readKey() == nil)
        backend.draw(Canvas(width: 2, height: 2))
        backend.stop()
    }

    @Test func startRefusesWithoutATerminal() {
        // Test runners pipe stdout, so this is the headless path; under a real terminal skip it.
        guard isatty(STDOUT_FILENO) == 0 || isatty(STDIN_FILENO) == 0 else { return }
        let backend = NcursesBackend()
        #expect(throws: TerminalError.notATerminal) { try backend.start() }
        #expect(!backend.isRunning)
    }

    @Test func restorerInstallsAndUninstalls() {
        let restorer = TerminalRestorer()
        restorer.install()
        #expect(restorer.isInstalled)
        restorer.install()
        restorer.uninstall()
        #expect(!restorer.isInstalled)
    }
}

/// Drives the real backend when run by hand under a terminal (e.g. in tmux):
/// `PILOTHOUSE_TTY_TEST=1 swift test --skip-build --filter LiveTerminalTests`.
/// Reported as skipped otherwise (test runners have no terminal); Scripts/e2e/console.sh covers
/// the backend in CI through tmux.
@Suite(
    .enabled(
        if: getenv("PILOTHOUSE_TTY_TEST") != nil && isatty(STDOUT_FILENO) == 1,
        "needs a terminal and PILOTHOUSE_TTY_TEST=1; Scripts/e2e/console.sh covers the backend in CI"))
struct LiveTerminalTests {
    @Test func drawsAndRestores() throws {
        try TerminalSession.run { backend in
            let theme = Theme.dark
            var frame = Canvas(size: backend.size)
            frame.box(
                frame.bounds, style: theme[.border], title: "Pilothouse 中文 😀", titleStyle: theme[.title])
            frame.put("depth: \(backend.colorDepth)", x: 2, y: 2, style: theme[.accent])
            frame.gauge(
                Rect(x: 2, y: 3, width: 30, height: 1), fraction: 0.42, fillStyle: theme[.gaugeFill],
                emptyStyle: theme[.gaugeEmpty])
            frame.put("selected row", x: 2, y: 4, style: theme[.selection])
            backend.draw(frame)
            usleep(1_500_000)
            frame.put("second frame ✓", x: 2, y: 5, style: theme[.ok])
            backend.draw(frame)
            let key = backend.readKey(timeoutMilliseconds: 3000)
            frame.put("key: \(key.map(String.init(describing:)) ?? "none")", x: 2, y: 6, style: theme[.warn])
            backend.draw(frame)
            usleep(1_500_000)
        }
    }
}
