/* commands.h - an input line parsed into a chat command (shared by every front end). */
#ifndef NATTER_COMMANDS_H
#define NATTER_COMMANDS_H

#include <stddef.h>

#include "proto.h"

enum command_kind {
	CMD_EMPTY,       /* nothing to do */
	CMD_SAY,         /* arg: text to send as is */
	CMD_ME,          /* arg: action text */
	CMD_NICK,        /* arg: wanted nick */
	CMD_WHO,         /* arg: room, or empty for the current one */
	CMD_QUIT,        /* arg: reason, may be empty */
	CMD_HELP,        /* no argument */
	CMD_UNKNOWN,     /* arg: the command word as typed, e.g. "/frob" */
	CMD_MISSING_ARG, /* arg: the command word; usage: how to call it */
};

/* A parsed line; arg points into the line and is not NUL-terminated. */
struct command {
	enum command_kind kind;
	struct str arg;
	const char *usage;
};

/*
 * Parse one input line (without its newline). A line not starting with '/'
 * is text to say; "//..." says the rest literally with one '/' removed.
 * Command names ignore case.
 */
void command_parse(const char *line, size_t len, struct command *cmd);

/* One line listing every command, for /help. */
const char *command_help(void);

#endif
