/* SPDX-License-Identifier: ISC */
/* input.h - the input line: GNU readline's callback interface fed by our poll loop, drawn by ui.c.
 */
#ifndef NATTER_INPUT_H
#define NATTER_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "errmsg.h"

/* Keys readline hands back to the front end (bound in input.c, listed in /help). */
enum input_key {
	IK_PAGE_UP,
	IK_PAGE_DOWN,
	IK_SB_TOP,	  /* Alt-Home, Ctrl-Home */
	IK_SB_BOTTOM,	  /* Alt-End, Ctrl-End */
	IK_SEARCH_OLDER,  /* Alt-p: previous match of the last /search */
	IK_SEARCH_NEWER,  /* Alt-n */
	IK_MENTION_OLDER, /* Alt-m: previous line that mentions my nick */
	IK_MENTION_NEWER, /* Alt-M */
	IK_REDRAW,	  /* Ctrl-L */
	IK_ROOM_NEXT,	  /* Alt-Right: talk in the next room we are in */
	IK_ROOM_PREV,	  /* Alt-Left */
};

/* What the front end supplies. */
struct input_ops {
	/* A finished line (may hold '\n' from a paste or Alt-Enter), or NULL at Ctrl-D on an empty
	 * line. */
	void (*line)(void *ctx, const char *line);
	void (*key)(void *ctx, enum input_key key);
	/* The line or prompt changed: draw it at the next pass. */
	void (*changed)(void *ctx);
	/* For completion: the i-th nick present, or NULL past the end. */
	const char *(*nick)(void *ctx, size_t i);
	/* For completion: the i-th room known (with its '#'), or NULL past the end. */
	const char *(*room)(void *ctx, size_t i);
	/* For completion: which commands to offer (enum command_scope bits). */
	unsigned (*command_scopes)(void *ctx);
};

/* What the line looks like now, for drawing: bytes, the cursor's byte offset, the prompt. */
struct input_view {
	const char *prompt;
	const char *line;
	size_t len;
	size_t point;
};

/*
 * Set readline up for use inside curses (it never touches the terminal) and
 * load the history file. Returns 0, or -1 with a sentence in e.
 */
int input_init(const struct input_ops *ops, void *ctx, struct errmsg *e);

/* Let readline process bytes read from the terminal; callbacks run from here. */
void input_feed(const char *p, size_t n);

/* The current line, for drawing. */
void input_view(struct input_view *v);

/* Replace the line being typed (e.g. to give back a message that was not sent). */
void input_set_line(const char *line);

/*
 * Ctrl-C: leave any search or half-read key sequence, put the line typed so
 * far into the history (Up brings it back) and empty the input. Returns
 * whether there was a line.
 */
bool input_interrupt(void);

/* Save the history and let readline go. */
void input_end(void);

/*
 * Where the history lives: $XDG_STATE_HOME/natter/history, else
 * ~/.local/state/natter/history (a relative $XDG_STATE_HOME is ignored, as
 * the XDG spec says). Returns 0, or -1 without HOME or if it does not fit.
 */
int input_history_path(char *out, size_t cap);

/* Where natter 0.1 kept it: $XDG_DATA_HOME/natter/history, else ~/.local/share/.... */
int input_history_old_path(char *out, size_t cap);

/*
 * The history file to use, its directories made (0700): input_history_path,
 * after moving the old file there once if there is none yet. If the move
 * fails (another file system, say), the old file is used where it is, so
 * no history is ever lost. Returns 0, or -1 if there is no place for it.
 */
int input_history_choose(char *out, size_t cap);

#endif
