/* SPDX-License-Identifier: ISC */
/* tui.h - the full-screen front end: one poll loop over the terminal, the server and signals. */
#ifndef NATTER_TUI_H
#define NATTER_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "core.h"
#include "sigpipe.h"
#include "ui.h"

enum {
	RECONNECT_FIRST_MS = 500, /* first retry after a lost connection; doubles each time */
	RECONNECT_MAX_MS = 10000,
	TUI_UNREAD_ROOMS = 32, /* as many rooms as a client may be in */
	TUI_REF_NICKS = 1,     /* the reference of our own WHO, which only feeds the nick list */
	TUI_SENDING_MAX = 256, /* messages followed until confirmed; older ones stay unconfirmed */
};

struct tui_options {
	bool bell;	   /* ring the bell when a line mentions my nick */
	size_t scrollback; /* lines kept */
};

/* A message typed while the server was away, sent when it is back. */
struct tui_pending {
	char **lines;
	size_t len, cap;
};

/* A message we sent, shown dimmed and "(sending...)" until the server's echo confirms it. */
struct tui_sending {
	uint64_t seq; /* its scrollback line */
	uint32_t req; /* the core's handle of its SAY: its DONE or ERROR has it */
	uint64_t ms;  /* when it was sent */
	char *room;   /* the SAY's target (a room, or a nick) */
	char *text;   /* as sent, to recognise the echo */
	char *shown;  /* the line's text without the marker */
	bool action, private_msg;
};

struct tui {
	struct core *c;
	struct ui ui;
	char **rooms_seen; /* the rooms of the last /rooms listing, for completion */
	size_t rooms_seen_len, rooms_seen_cap;
	struct tui_options opt;
	const struct addr *addr;
	char nick[MAX_NICK_BYTES + 1]; /* the nick to ask for when reconnecting */
	bool up;		       /* connecting or connected (else waiting to retry) */
	bool quitting;		       /* /quit, Ctrl-D or a signal: end when the server confirms */
	bool finished;
	int status;
	unsigned retry_ms;
	uint64_t retry_at; /* mono_ms of the next connection attempt, while !up */
	bool held;	   /* kicked: no attempt until /reconnect */
	unsigned attempts;
	char **nicks; /* who is in the room, for completion and the user count */
	size_t nicks_len, nicks_cap;
	bool have_who;
	struct tui_sending sending[TUI_SENDING_MAX]; /* oldest first */
	size_t sending_len;
	unsigned lag_shown; /* the lag in the status bar, in seconds (0: none) */
	struct tui_pending pending;
	char *search;	 /* the last /search text */
	char *give_back; /* a line to put back in the input once readline is done with it */
	bool ring;	 /* ring the bell at the end of this pass */
	/* Per room: the id of the last message shown (a history line at or below it replays one
	 * already here), and the messages and mentions of me while another room was current. */
	struct tui_unread {
		char room[MAX_ROOM_BYTES + 1];
		uint64_t last_id;
		unsigned count, mentions;
	} unread[TUI_UNREAD_ROOMS];
	unsigned private_unread; /* private messages to me since I last said anything */
	struct sigpipe sig;	 /* SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH into the loop */
	char why[ERRMSG_BYTES];
};

/* Set up the front end and make it c's event sink (call before connecting c). */
void tui_init(struct tui *t, struct core *c, const struct tui_options *o);

/* Run the full-screen UI until the user quits: c is connected (or connecting) to a as nick, and a
 * lost connection is retried with backoff. The terminal is restored on every way out. Returns the
 * exit status, and says why on stderr when it is not 0. */
int tui_run(struct tui *t, const struct addr *a, const char *nick);

void tui_free(struct tui *t);

#endif
