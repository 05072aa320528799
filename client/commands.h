/* commands.h - an input line parsed into a chat command (shared by every front end). */
#ifndef NATTER_COMMANDS_H
#define NATTER_COMMANDS_H

#include <stddef.h>
#include <stdint.h>

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
	CMD_UNKNOWN,	 /* arg: the command word as typed, e.g. "/frob" */
	CMD_MISSING_ARG, /* arg: the command word; usage: how to call it */
};

/* A parsed line; arg points into the line and is not NUL-terminated. */
struct command {
	enum command_kind kind;
	struct str arg;
	const char *usage;
	struct str target; /* the nick of /msg and /kick, the room of /part; empty otherwise */
};

/*
 * Parse one input line (without its newline). A line not starting with '/'
 * is text to say; "//..." says the rest literally with one '/' removed.
 * Command names ignore case.
 */
void command_parse(const char *line, size_t len, struct command *cmd);

/* The HAND op (enum hand_op) a /hand argument names, or -1 if it names none. */
int command_hand_op(struct str arg);

/*
 * The arguments of /slow: seconds (0 to 999999999; the server bounds them
 * further) and an optional room, else empty. 0, or -1 if N is not a number
 * or more than one room follows.
 */
int command_slow_args(struct str arg, uint32_t *seconds, struct str *room);

/* One line listing every command, for /help. */
const char *command_help(void);

#endif
