/* SPDX-License-Identifier: ISC */
/* command.c - the command table, and lines parsed into commands and the requests they mean. */
#include "command.h"

#include <string.h>
#include <strings.h>

#define CLASS SCOPE_CLASSROOM
#define TEACH (SCOPE_CLASSROOM | SCOPE_TEACHER)

static const struct command_def command_defs[] = {
    {"/join", CMD_JOIN, ARG_REQUIRED, 0, 1, "/join #ROOM",
     "enter a room (made if new); your lines go there"},
    {"/part", CMD_PART, ARG_OPTIONAL, 0, 1, "/part [#ROOM] [REASON]",
     "leave a room, the current one if none is named"},
    {"/rooms", CMD_ROOMS, ARG_NONE, 0, 1, "/rooms", "list the rooms, their sizes and topics"},
    {"/list", CMD_ROOMS, ARG_NONE, SCOPE_HIDDEN, 1, "/list", "the same as /rooms"},
    {"/msg", CMD_MSG, ARG_REQUIRED, 0, 1, "/msg NICK TEXT", "a private message to NICK"},
    {"/me", CMD_ME, ARG_REQUIRED, 0, 1, "/me TEXT", "an action: * you TEXT"},
    {"/topic", CMD_TOPIC, ARG_OPTIONAL, 0, 1, "/topic [TEXT]",
     "show the current room's topic, or set it"},
    {"/away", CMD_AWAY, ARG_OPTIONAL, 0, 1, "/away [TEXT]",
     "mark yourself away with a message; without one, back"},
    {"/nick", CMD_NICK, ARG_REQUIRED, 0, 1, "/nick NEW", "change your nick"},
    {"/who", CMD_WHO, ARG_OPTIONAL, 0, 1, "/who [#ROOM|*]",
     "who is here (the current room, #ROOM, or * for the whole server)"},
    {"/quit", CMD_QUIT, ARG_OPTIONAL, 0, 1, "/quit [REASON]", "leave the server"},
    {"/help", CMD_HELP, ARG_NONE, 0, 1, "/help", "this list"},
    {"/clear", CMD_CLEAR, ARG_NONE, SCOPE_SCREEN, 1, "/clear", "empty this window"},
    {"/reconnect", CMD_RECONNECT, ARG_NONE, SCOPE_SCREEN, 1, "/reconnect",
     "connect again now: after a kick, or without waiting for the next try"},
    {"/search", CMD_SEARCH, ARG_OPTIONAL, SCOPE_SCREEN, 1, "/search [TEXT]",
     "find TEXT in this window's older lines; again for the next match"},
    {"/hand", CMD_HAND, ARG_OPTIONAL, CLASS, 2, "/hand [down|next]",
     "raise your hand, or lower it; teachers: call on the first raised"},
    {"/hands", CMD_HANDS, ARG_NONE, TEACH, 2, "/hands", "list the raised hands, oldest first"},
    {"/announce", CMD_ANNOUNCE, ARG_REQUIRED, TEACH, 2, "/announce TEXT",
     "a message in #announcements"},
    {"/slow", CMD_SLOW, ARG_REQUIRED, TEACH, 2, "/slow N [#ROOM]",
     "students may speak once every N seconds (0: off)"},
    {"/mute", CMD_MUTE, ARG_REQUIRED, TEACH, 2, "/mute NICK", "silence a student"},
    {"/unmute", CMD_UNMUTE, ARG_REQUIRED, TEACH, 2, "/unmute NICK", "let a student speak again"},
    {"/kick", CMD_KICK, ARG_REQUIRED, TEACH, 2, "/kick NICK [REASON]",
     "send a student off the server"},
};

enum { COMMAND_COUNT = sizeof command_defs / sizeof command_defs[0] };

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The row of a command word ("/join", any case), or NULL. */
static const struct command_def *find_def(const char *word, size_t len)
{
	for (const struct command_def *d = command_defs; d < command_defs + COMMAND_COUNT; d++)
		if (strlen(d->name) == len && strncasecmp(d->name, word, len) == 0)
			return d;
	return NULL;
}

/* The argument after the command word: leading blanks skipped, trailing ones kept only for text. */
static struct str argument(const char *p, size_t len, enum command_kind kind)
{
	while (len > 0 && is_blank(*p))
		p++, len--;
	if (kind != CMD_ME && kind != CMD_MSG && kind != CMD_ANNOUNCE)
		while (len > 0 && is_blank(p[len - 1]))
			len--;
	return str_n(p, len);
}

/* Move the first word of cmd->arg into cmd->target: the nick of /msg and /kick, /part's room. */
static void split_target(struct command *cmd)
{
	const char *p = cmd->arg.p;
	size_t len = cmd->arg.len, word = 0;

	if (cmd->kind == CMD_PART && (len == 0 || p[0] != '#'))
		return;
	while (word < len && !is_blank(p[word]))
		word++;
	cmd->target = str_n(p, word);
	p += word, len -= word;
	while (len > 0 && is_blank(*p))
		p++, len--;
	cmd->arg = str_n(p, len);
}

void command_parse(const char *line, size_t len, struct command *cmd)
{
	const struct command_def *spec;
	size_t word = 1;

	memset(cmd, 0, sizeof *cmd);
	if (len == 0)
		return; /* CMD_EMPTY */
	if (line[0] != '/' || (len > 1 && line[1] == '/')) {
		cmd->kind = CMD_SAY;
		cmd->arg = line[0] == '/' ? str_n(line + 1, len - 1) : str_n(line, len);
		return;
	}
	while (word < len && !is_blank(line[word]))
		word++;
	spec = find_def(line, word);
	if (spec == NULL) {
		cmd->kind = CMD_UNKNOWN;
		cmd->arg = str_n(line, word);
		return;
	}
	cmd->kind = spec->kind;
	cmd->usage = spec->usage;
	if (spec->arg != ARG_NONE)
		cmd->arg = argument(line + word, len - word, spec->kind);
	if (spec->kind == CMD_MSG || spec->kind == CMD_PART || spec->kind == CMD_KICK)
		split_target(cmd);
	if (spec->arg == ARG_REQUIRED &&
	    (spec->kind == CMD_KICK ? cmd->target.len : cmd->arg.len) == 0) {
		cmd->kind = CMD_MISSING_ARG;
		cmd->arg = str_n(line, word);
		cmd->target = (struct str){0};
	}
}

int command_hand_op(struct str arg)
{
	static const char *const words[] = {
	    [HAND_RAISE] = "up", [HAND_LOWER] = "down", [HAND_LIST] = "list", [HAND_NEXT] = "next"};

	if (arg.len == 0)
		return HAND_RAISE;
	for (int op = HAND_RAISE; op <= HAND_NEXT; op++)
		if (strlen(words[op]) == arg.len && strncasecmp(words[op], arg.p, arg.len) == 0)
			return op;
	return -1;
}

int command_slow_args(struct str arg, uint32_t *seconds, struct str *room)
{
	size_t i = 0;
	uint32_t v = 0;

	*room = str_n(arg.p, 0);
	for (; i < arg.len && !is_blank(arg.p[i]); i++) {
		if (arg.p[i] < '0' || arg.p[i] > '9' || i >= 9)
			return -1;
		v = v * 10 + (uint32_t)(arg.p[i] - '0');
	}
	if (i == 0)
		return -1;
	while (i < arg.len && is_blank(arg.p[i]))
		i++;
	*room = str_n(arg.p + i, arg.len - i);
	for (size_t j = 0; j < room->len; j++)
		if (is_blank(room->p[j]))
			return -1;
	*seconds = v;
	return 0;
}

void command_help(struct buf *out, unsigned allowed, const char *prefix)
{
	for (const struct command_def *d = command_defs; d < command_defs + COMMAND_COUNT; d++)
		if ((d->scope & ~allowed) == 0)
			buf_printf(out, "%s%-22s %s\n", prefix, d->usage, d->help);
	buf_printf(out, "%sA line not starting with / is a message to your current room;\n",
		   prefix);
	buf_printf(out, "%sstart it with // to send it with one leading /.\n", prefix);
}

const char *command_complete(size_t i, unsigned allowed)
{
	for (const struct command_def *d = command_defs; d < command_defs + COMMAND_COUNT; d++)
		if ((d->scope & ~allowed) == 0 && i-- == 0)
			return d->name;
	return NULL;
}

int command_request(const struct command *cmd, struct str room, struct frame *f, const char **why)
{
	struct str named;
	uint32_t secs;
	int op;

	memset(f, 0, sizeof *f);
	switch (cmd->kind) {
	case CMD_SAY:
	case CMD_ME:
	case CMD_MSG:
		f->type = T_SAY;
		f->f[SAY_TARGET].s = cmd->kind == CMD_MSG ? cmd->target : room;
		f->f[SAY_FLAGS].n = cmd->kind == CMD_ME ? MSGF_ACTION : 0;
		f->f[SAY_TEXT].s = cmd->arg;
		return 1;
	case CMD_NICK: f->type = T_NICK, f->f[NICK_NICK].s = cmd->arg; return 1;
	case CMD_WHO:
		f->type = T_WHO;
		f->f[WHO_TARGET].s = str_eq(cmd->arg, "*") ? str_c("")
				     : cmd->arg.len > 0	   ? cmd->arg
							   : room;
		return 1;
	case CMD_QUIT: f->type = T_QUIT, f->f[QUIT_REASON].s = cmd->arg; return 1;
	case CMD_JOIN: f->type = T_ENTER, f->f[ENTER_ROOM].s = cmd->arg; return 1;
	case CMD_PART:
		f->type = T_PART;
		f->f[PART_ROOM].s = cmd->target.len > 0 ? cmd->target : room;
		f->f[PART_REASON].s = cmd->arg;
		return 1;
	case CMD_ROOMS: f->type = T_LIST; return 1;
	case CMD_TOPIC:
		f->type = T_TOPIC;
		f->f[TOPIC_ROOM].s = room;
		f->f[TOPIC_SET].n = cmd->arg.len > 0;
		f->f[TOPIC_TEXT].s = cmd->arg;
		return 1;
	case CMD_AWAY: f->type = T_AWAY, f->f[AWAY_TEXT].s = cmd->arg; return 1;
	case CMD_ANNOUNCE: f->type = T_ANNOUNCE, f->f[ANNOUNCE_TEXT].s = cmd->arg; return 1;
	case CMD_SLOW:
		if (command_slow_args(cmd->arg, &secs, &named) < 0) {
			*why = "use /slow N [#ROOM]: N seconds between a student's messages, 0 for "
			       "off";
			return -1;
		}
		f->type = T_SLOW;
		f->f[SLOW_ROOM].s = named.len > 0 ? named : room;
		f->f[SLOW_SECONDS].n = secs;
		return 1;
	case CMD_MUTE:
	case CMD_UNMUTE:
		f->type = T_MUTE;
		f->f[MUTE_NICK].s = cmd->arg;
		f->f[MUTE_ON].n = cmd->kind == CMD_MUTE;
		return 1;
	case CMD_KICK:
		f->type = T_KICK;
		f->f[KICK_NICK].s = cmd->target;
		f->f[KICK_REASON].s = cmd->arg;
		return 1;
	case CMD_HAND:
	case CMD_HANDS:
		op = cmd->kind == CMD_HANDS ? HAND_LIST : command_hand_op(cmd->arg);
		if (op < 0) {
			*why =
			    "use /hand to raise your hand, /hand down to lower it, or (teachers) "
			    "/hand next";
			return -1;
		}
		f->type = T_HAND;
		f->f[HAND_OP].n = (uint64_t)op;
		return 1;
	default: return 0;
	}
}
