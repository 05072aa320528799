/* SPDX-License-Identifier: ISC */
/* ui.h - the curses screen: scrollback pane, status bar and input line; layout and drawing. */
#ifndef NATTER_UI_H
#define NATTER_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"
#include "scrollback.h"

enum { UI_MIN_COLS = 20, UI_MIN_ROWS = 5, UI_STATUS_BYTES = 512, UI_ROOM_BYTES = 64 };

/* Bracketed paste off (a raw sequence: terminfo does not know it), for ui_stop and termsafe. */
#define PASTE_OFF "\033[?2004l"

/* What the status bar shows; the front end fills it (network strings already sanitized). */
struct ui_status {
	char nick[UI_STATUS_BYTES];
	char room[UI_STATUS_BYTES];
	char unread[UI_STATUS_BYTES]; /* other rooms with new messages: "#dev 3, #ops 1" */
	char where[UI_STATUS_BYTES];  /* address and transport */
	char state[UI_STATUS_BYTES];  /* "connected", "reconnecting in 2 s", ... */
	long users;		      /* -1 when unknown */
};

struct ui {
	struct scrollback sb;
	struct ui_status status;
	bool color;   /* colours in use (terminal has them and NO_COLOR is unset) */
	bool started; /* curses is on: endwin still owed */
	int rows, cols;
	size_t hscroll; /* first column of the input line shown (horizontal scrolling) */
	bool dirty;	/* something changed: draw at the end of this poll pass */
	bool full_redraw;
	void *screen;	      /* curses' SCREEN, opaque here so that only ui.c includes curses */
	unsigned nick_colors; /* size of the nick palette in use; 0 without colour */
	long last_day; /* local date (YYYYMMDD) of the last line; a new one draws a day line */
	char history_room[UI_ROOM_BYTES]; /* the room whose history the last line replayed, or "" */
};

/* One line to show, for ui_add_line. Strings are untrusted and sanitized there. */
struct ui_text {
	enum sb_kind kind;
	uint64_t ms; /* when it was said, ms since the epoch */
	const char *nick, *text;
	size_t nick_len, text_len;
	bool mention;
	bool history;	  /* replayed from room's history: dimmed, after a "history of" line */
	const char *room; /* for history: the room it belongs to */
	size_t room_len;
	bool pending; /* our message, not yet confirmed by the server: dimmed */
};

/* Prepare the model only (no terminal): a scrollback of sb_lines lines. */
void ui_init(struct ui *u, size_t sb_lines);

/* Take over the terminal: curses, colours unless NO_COLOR is set or the terminal has none,
 * bracketed paste on. Returns 0, or -1 with a sentence. */
int ui_start(struct ui *u, struct errmsg *e);

/* Give the terminal back as it was (safe to call twice); then free the model. */
void ui_stop(struct ui *u);
void ui_free(struct ui *u);

/* The terminal changed size: read the new size and lay everything out again. */
void ui_resize(struct ui *u);

/* Draw everything once, if anything changed since the last draw. */
void ui_draw(struct ui *u, const struct input_view *in);

/* Rows of the scrollback pane and its width. */
size_t ui_pane_rows(const struct ui *u);
size_t ui_pane_cols(const struct ui *u);

/* Ring the terminal bell (at most once per draw). */
void ui_bell(struct ui *u);

/* Compose and store one display line: "[HH:MM] " then, per kind, "<nick> ", " * nick " or "-!- ",
 * then the text; nick and text are untrusted and sanitized here; ms since the epoch. */
void ui_add(struct ui *u, enum sb_kind kind, uint64_t ms, const char *nick, size_t nick_len,
	    const char *text, size_t text_len, bool mention);

/* ui_add with every option: a line from before today shows its date, a line on another local day
 * than the line before it comes after a day line ("-- Saturday 5 December 2026 --"), and the first
 * of a run of history lines after a "-- history of #dev --" line. Returns the line's seq. */
uint64_t ui_add_line(struct ui *u, const struct ui_text *m);
/* Compose m as ui_add_line does in the place of line seq; false if it has scrolled out. */
bool ui_update_line(struct ui *u, uint64_t seq, const struct ui_text *m);

/* ui_add for the client's own sentences (SB_INFO / SB_ERROR), printf-style. */
void ui_say(struct ui *u, enum sb_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* termsafe.c: the terminal checked before curses starts, and put back even when natter dies. */

/* Whether $TERM names a terminal the full-screen client can drive (terminfo knows it and it can
 * move the cursor); also records, from terminfo, the sequence that puts the screen back (see
 * termsafe_arm). Returns 0, or -1 with one sentence in e that suggests --headless. */
int termsafe_check(struct errmsg *e);

/* Save the terminal's modes and catch the signals that kill at once (SIGSEGV, SIGABRT, ...): the
 * handler restores the modes and writes the reset sequence (async-signal-safe), then lets the
 * signal take its old course. Call before curses starts. Returns 0, or -1 with errno. */
int termsafe_arm(void);

/* The terminal is ours again (curses has ended): put the old signal actions back. */
void termsafe_disarm(void);

#endif
