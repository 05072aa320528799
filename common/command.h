/* SPDX-License-Identifier: ISC */
/* command.h - the one vocabulary of typed commands, for the clients and natterd's line mode. */
#ifndef NATTER_COMMAND_H
#define NATTER_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "proto.h"

enum command_kind {
	CMD_EMPTY,	 /* nothing to do */
	CMD_SAY,	 /* arg: text to send as is */
	CMD_ME,		 /* arg: action text */
	CMD_NICK,	 /* arg: wanted nick */
	CMD_WHO,	 /* arg: room, empty for the current one, "*" for everyone */
	CMD_QUIT,	 /* arg: reason, may be empty */
	CMD_JOIN,	 /* arg: room */
	CMD_PART,	 /* target: room, or empty for the current one; arg: reason, may be empty */
	CMD_ROOMS,	 /* no argument */
	CMD_MSG,	 /* target: nick; arg: text */
	CMD_TOPIC,	 /* arg: new topic, or empty to ask for it */
	CMD_AWAY,	 /* arg: away message, or empty when back */
	CMD_ANNOUNCE,	 /* arg: text for #announcements (teachers) */
	CMD_SLOW,	 /* arg: "N [#ROOM]" (see command_slow_args) */
	CMD_MUTE,	 /* arg: nick */
	CMD_UNMUTE,	 /* arg: nick */
	CMD_KICK,	 /* target: nick; arg: reason, may be empty */
	CMD_HAND,	 /* arg: empty, "up", "down", "next" or "list" (see command_hand_op) */
	CMD_HANDS,	 /* no argument: list the raised hands (teachers) */
	CMD_HELP,	 /* no argument */
	CMD_CLEAR,	 /* no argument: empty the window (full-screen client) */
	CMD_SEARCH,	 /* arg: text to find in the window, or empty for the last one */
	CMD_RECONNECT,	 /* no argument: connect again now (full-screen client) */
	CMD_UNKNOWN,	 /* arg: the command word as typed, e.g. "/frob" */
	CMD_MISSING_ARG, /* arg: the command word; usage: how to call it */
};

/* Who a command is for; a front end lists and completes only what applies. */
enum command_scope {
	SCOPE_ANYONE = 0,
	SCOPE_CLASSROOM = 1, /* only on a classroom server (natterd --teachers) */
	SCOPE_TEACHER = 2,   /* only for its teachers (with SCOPE_CLASSROOM) */
	SCOPE_SCREEN = 4,    /* only in the full-screen client: no request to the server */
	SCOPE_HIDDEN = 8,    /* an alias: understood, never listed */
};

enum command_arg { ARG_NONE, ARG_OPTIONAL, ARG_REQUIRED };

/* One row of the vocabulary: adding a command is adding a row. */
struct command_def {
	const char *name; /* with its '/', as typed: "/join" */
	enum command_kind kind;
	enum command_arg arg;
	unsigned scope;	  /* enum command_scope bits */
	unsigned version; /* the protocol version whose request it needs */
	const char *usage;
	const char *help; /* one line: what it does */
};

/* A parsed line; arg points into the line and is not NUL-terminated. */
struct command {
	enum command_kind kind;
	struct str arg;
	const char *usage;
	struct str target; /* the nick of /msg and /kick, the room of /part; empty otherwise */
};

/* Parse one line (no newline): text to say unless it starts with one '/'; names ignore case. */
void command_parse(const char *line, size_t len, struct command *cmd);

/*
 * The request cmd means in the current room (its strings point into cmd and room): 1 with *f
 * filled; 0: no request (a local or unknown command); -1: a bad argument, *why says why.
 */
int command_request(const struct command *cmd, struct str room, struct frame *f, const char **why);

/* The HAND op (enum hand_op) a /hand argument names, or -1 if it names none. */
int command_hand_op(struct str arg);

/* /slow's arguments: seconds (up to 9 digits) and an optional room; -1 if they are not that. */
int command_slow_args(struct str arg, uint32_t *seconds, struct str *room);

/* /help: "USAGE  HELP" for each command whose scope is within allowed, each line after prefix. */
void command_help(struct buf *out, unsigned allowed, const char *prefix);

/* The i-th allowed command name ("/join"), for completion; NULL past the last. */
const char *command_complete(size_t i, unsigned allowed);

#endif
