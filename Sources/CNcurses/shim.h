// Shim over ncursesw for Swift 6.
//
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE, which hides the wide-character API,
// and Swift 6 rejects the mutable globals (stdscr, LINES, COLS) and cannot import the
// attribute macros. This header re-exposes all of them as functions.
#ifndef PILOTHOUSE_CNCURSES_SHIM_H
#define PILOTHOUSE_CNCURSES_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

/// glibc hides wcwidth without _XOPEN_SOURCE.
extern int wcwidth(wchar_t c);

static inline WINDOW *ph_stdscr(void) { return stdscr; }
static inline WINDOW *ph_curscr(void) { return curscr; }
static inline int ph_lines(void) { return LINES; }
static inline int ph_cols(void) { return COLS; }
static inline int ph_colors(void) { return COLORS; }
static inline int ph_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t ph_a_normal(void) { return A_NORMAL; }
static inline attr_t ph_a_bold(void) { return A_BOLD; }
static inline attr_t ph_a_reverse(void) { return A_REVERSE; }
static inline attr_t ph_a_underline(void) { return A_UNDERLINE; }
static inline attr_t ph_a_dim(void) { return A_DIM; }
static inline attr_t ph_a_italic(void) { return A_ITALIC; }

static inline int ph_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }

/// Writes one character with attributes and a colour pair at (y, x).
static inline int ph_put_wch(WINDOW *win, int y, int x, const wchar_t *chars, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, chars, attrs, pair, NULL) != OK) { return ERR; }
    return mvwadd_wch(win, y, x, &cell);
}

/// Like ph_put_wch, but takes an int colour pair so pairs above 32767 work (ncurses passes
/// extended pairs through setcchar's `opts` argument).
static inline int ph_put_wch_ext(WINDOW *win, int y, int x, const wchar_t *chars, attr_t attrs, int pair) {
    cchar_t cell;
    short legacy = pair <= 0x7FFF ? (short)pair : 0;
    if (setcchar(&cell, chars, attrs, legacy, &pair) != OK) { return ERR; }
    return mvwadd_wch(win, y, x, &cell);
}

/// newterm on the process's stdout/stdin (Swift 6 rejects the `stdout`/`stdin` globals).
/// Unlike initscr, newterm returns NULL instead of exiting when the terminal is unusable.
static inline SCREEN *ph_newterm(void) { return newterm(NULL, stdout, stdin); }

/// Signal handler: put the terminal back, then let the signal do what it would have done.
/// SA_RESETHAND has already restored the default action, and the re-raised signal stays blocked
/// until this handler returns, so the process then dies (or dumps core) exactly as without us.
/// endwin is not async-signal-safe; on a fatal signal a usable terminal is worth that risk.
static void ph_restore_terminal_and_reraise(int sig) {
    endwin();
    raise(sig);
}

/// Installs ph_restore_terminal_and_reraise for `sig`, saving the previous action in `previous`.
static inline int ph_install_terminal_restorer(int sig, struct sigaction *previous) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = ph_restore_terminal_and_reraise;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    return sigaction(sig, &action, previous);
}

static inline int ph_restore_signal_action(int sig, const struct sigaction *previous) {
    return sigaction(sig, previous, NULL);
}

static void ph_endwin_at_exit(void) {
    if (!isendwin()) { endwin(); }
}

/// Registers an atexit hook so exit() from anywhere (a precondition, ArgumentParser) restores the
/// terminal too. Harmless when the screen was already ended.
static inline int ph_register_endwin_at_exit(void) { return atexit(ph_endwin_at_exit); }

/// 1 when the terminal that TERM names (as ncurses will see it) can move the cursor (`cup`),
/// 0 when it cannot (TERM=dumb, TERM=unknown with a fallback entry), -1 when terminfo has no
/// entry for it. Loads terminfo without starting ncurses, and frees it again.
static inline int ph_terminal_can_address_cursor(void) {
    int status = 0;
    if (setupterm(NULL, STDOUT_FILENO, &status) != OK) { return -1; }
    const char *cup = tigetstr("cup");
    int result = (cup != NULL && cup != (const char *)-1) ? 1 : 0;
    del_curterm(cur_term);
    return result;
}

/// Bytes waiting in the kernel's input queue of `fd` (FIONREAD), or -1.
static inline int ph_pending_input_bytes(int fd) {
    int count = 0;
    return ioctl(fd, FIONREAD, &count) == 0 ? count : -1;
}

/// State of the resize wake. A static local rather than file-scope statics: Swift's importer
/// does not emit a header's static variables, only what its inline functions reach.
struct ph_resize_wake_state {
    /// The write end of the console's resize pipe, or -1 when nobody listens.
    volatile sig_atomic_t fd;
    /// The SIGWINCH action ncurses installed, which the wake handler calls first.
    struct sigaction previous;
};

static inline struct ph_resize_wake_state *ph_resize_wake(void) {
    static struct ph_resize_wake_state state = {.fd = -1};
    return &state;
}

/// SIGWINCH handler chained in front of ncurses' own: it runs ncurses' handler (which makes the
/// next wget_wch report KEY_RESIZE), then writes a byte to the resize pipe so the console thread,
/// asleep in poll(), wakes at once. Without the pipe the signal may land on any other thread,
/// and the resize would wait for the next timeout. Only async-signal-safe calls here.
static void ph_resize_wake_handler(int sig, siginfo_t *info, void *context) {
    int saved = errno;
    struct ph_resize_wake_state *state = ph_resize_wake();
    const struct sigaction *previous = &state->previous;
    if (previous->sa_flags & SA_SIGINFO) {
        if (previous->sa_sigaction != NULL) { previous->sa_sigaction(sig, info, context); }
    } else if (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN) {
        previous->sa_handler(sig);
    }
    int fd = state->fd;
    if (fd >= 0) {
        char byte = 'w';
        ssize_t written = write(fd, &byte, 1);  // a full pipe already means "wake up"
        (void)written;
    }
    errno = saved;
}

/// Chains ph_resize_wake_handler in front of the current SIGWINCH action (ncurses', so call this
/// after newterm) and makes it write to `fd`.
static inline int ph_install_resize_wake(int fd) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = ph_resize_wake_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    if (sigaction(SIGWINCH, &action, &ph_resize_wake()->previous) != 0) { return -1; }
    ph_resize_wake()->fd = fd;
    return 0;
}

/// Puts ncurses' SIGWINCH action back and stops writing to the pipe.
static inline int ph_uninstall_resize_wake(void) {
    ph_resize_wake()->fd = -1;
    return sigaction(SIGWINCH, &ph_resize_wake()->previous, NULL);
}

#endif
