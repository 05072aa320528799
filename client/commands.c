/* commands.c - parse an input line into a command (pure: no I/O, no state). */
#include "commands.h"

#include <string.h>
#include <strings.h>

enum arg_rule { ARG_NONE, ARG_OPTIONAL, ARG_REQUIRED };

static const struct command_spec {
	const char *name;
	enum command_kind kind;
	enum arg_rule rule;
	const char *usage;
} command_specs[] = {
    {"me", CMD_ME, ARG_REQUIRED, "/me TEXT"},
    {"nick", CMD_NICK, ARG_REQUIRED, "/nick NEW"},
    {"who", CMD_WHO, ARG_OPTIONAL, "/who [#ROOM|*]"},
    {"quit", CMD_QUIT, ARG_OPTIONAL, "/quit [REASON]"},
    {"join", CMD_JOIN, ARG_REQUIRED, "/join #ROOM"},
    {"part", CMD_PART, ARG_OPTIONAL, "/part [#ROOM] [REASON]"},
    {"rooms", CMD_ROOMS, ARG_NONE, "/rooms"},
    {"msg", CMD_MSG, ARG_REQUIRED, "/msg NICK TEXT"},
    {"topic", CMD_TOPIC, ARG_OPTIONAL, "/topic [TEXT]"},
    {"away", CMD_AWAY, ARG_OPTIONAL, "/away [TEXT]"},
    {"announce", CMD_ANNOUNCE, ARG_REQUIRED, "/announce TEXT"},
    {"slow", CMD_SLOW, ARG_REQUIRED, "/slow N [#ROOM]"},
    {"mute", CMD_MUTE, ARG_REQUIRED, "/mute NICK"},
    {"unmute", CMD_UNMUTE, ARG_REQUIRED, "/unmute NICK"},
    {"kick", CMD_KICK, ARG_REQUIRED, "/kick NICK [REASON]"},
    {"hand", CMD_HAND, ARG_OPTIONAL, "/hand [down|next]"},
    {"hands", CMD_HANDS, ARG_NONE, "/hands"},
    {"help", CMD_HELP, ARG_NONE, "/help"},
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const struct command_spec *find_spec(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof command_specs / sizeof command_specs[0]; i++) {
		const struct command_spec *s = &command_specs[i];

		if (strlen(s->name) == len && strncasecmp(s->name, name, len) == 0)
			return s;
	}
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

/*
 * Move the first word of cmd->arg into cmd->target: always for /msg and
 * /kick (the nick), for /part only when it names a room. /msg needs text
 * after the nick; /kick's reason may be empty.
 */
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
	const struct command_spec *spec;
	size_t word = 1;

	memset(cmd, 0, sizeof *cmd);
	if (len == 0) {
		cmd->kind = CMD_EMPTY;
		return;
	}
	if (line[0] != '/' || (len > 1 && line[1] == '/')) {
		cmd->kind = CMD_SAY;
		cmd->arg = line[0] == '/' ? str_n(line + 1, len - 1) : str_n(line, len);
		return;
	}
	while (word < len && !is_blank(line[word]))
		word++;
	spec = find_spec(line + 1, word - 1);
	if (spec == NULL) {
		cmd->kind = CMD_UNKNOWN;
		cmd->arg = str_n(line, word);
		return;
	}
	cmd->kind = spec->kind;
	cmd->usage = spec->usage;
	if (spec->rule != ARG_NONE)
		cmd->arg = argument(line + word, len - word, spec->kind);
	if (spec->kind == CMD_MSG || spec->kind == CMD_PART || spec->kind == CMD_KICK)
		split_target(cmd);
	if (spec->rule == ARG_REQUIRED &&
	    (spec->kind == CMD_KICK ? cmd->target.len : cmd->arg.len) == 0) {
		cmd->kind = CMD_MISSING_ARG;
		cmd->arg = str_n(line, word);
		cmd->target = (struct str){0};
	}
}

int command_hand_op(struct str arg)
{
	static const struct {
		const char *word;
		enum hand_op op;
	} ops[] = {{"", HAND_RAISE},
		   {"up", HAND_RAISE},
		   {"down", HAND_LOWER},
		   {"next", HAND_NEXT},
		   {"list", HAND_LIST}};

	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strlen(ops[i].word) == arg.len && strncasecmp(ops[i].word, arg.p, arg.len) == 0)
			return (int)ops[i].op;
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

const char *command_help(void)
{
	return "commands: /join #ROOM, /part [#ROOM] [REASON], /rooms, /msg NICK TEXT, /me TEXT, "
	       "/topic [TEXT], /away [TEXT], /nick NEW, /who [#ROOM|*], /quit [REASON], /help; "
	       "start a line with // to send it with one leading /. "
	       "In a classroom: /hand raises your hand, /hand down lowers it; teachers: "
	       "/announce TEXT, /slow N [#ROOM] (0 for off), /mute NICK, /unmute NICK, "
	       "/kick NICK [REASON], /hands lists raised hands, /hand next calls on the first";
}
