/* SPDX-License-Identifier: ISC */
/* input.h - the input line: GNU readline's callback interface, fed by our poll loop. */
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
	/* A finished line (may hold '\n'), or NULL at Ctrl-D on an empty line. */
	void (*line)(void *ctx, const char *line);
	void (*key)(void *ctx, enum input_key key);
	void (*changed)(void *ctx); /* the line or prompt changed: draw it at the next pass */
	/* For completion: the i-th nick present, the i-th room known (with its '#'), NULL past the
	 * end; the commands to offer (enum command_scope bits). */
	const char *(*nick)(void *ctx, size_t i);
	const char *(*room)(void *ctx, size_t i);
	unsigned (*command_scopes)(void *ctx);
};

/* What the line looks like now, for drawing: bytes, the cursor's byte offset, the prompt. */
struct input_view {
	const char *prompt, *line;
	size_t len, point;
};

/* Set readline up inside curses (it never touches the terminal), load the history; 0 or -1. */
int input_init(const struct input_ops *ops, void *ctx, struct errmsg *e);

/* Let readline process bytes read from the terminal; callbacks run from here. */
void input_feed(const char *p, size_t n);

/* The current line, for drawing. */
void input_view(struct input_view *v);

/* Replace the line being typed (e.g. to give back a message that was not sent). */
void input_set_line(const char *line);

/* Ctrl-C: leave any search, put the line into the history and empty it; whether there was one. */
bool input_interrupt(void);

/* Save the history and let readline go. */
void input_end(void);

/* Where the history lives: $XDG_STATE_HOME/natter/history, else ~/.local/state/natter/history (a
 * relative $XDG_STATE_HOME is ignored, as the XDG spec says); natter 0.1 kept it in
 * $XDG_DATA_HOME, else ~/.local/share. 0, or -1 without HOME or if it does not fit. */
int input_history_path(char *out, size_t cap);
int input_history_old_path(char *out, size_t cap);

/* The history file to use, its directories made (0700): the old file moved to input_history_path
 * once, or used where it is if it cannot move (no history is lost). 0, or -1 if there is none. */
int input_history_choose(char *out, size_t cap);

#endif
