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

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

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

#endif
