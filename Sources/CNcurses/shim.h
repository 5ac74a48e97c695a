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
#include <wchar.h>
#include <ncursesw/curses.h>

/// glibc hides wcwidth without _XOPEN_SOURCE.
extern int wcwidth(wchar_t c);

static inline WINDOW *ph_stdscr(void) { return stdscr; }
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

#endif
