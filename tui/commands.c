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
	if (kind != CMD_ME && kind != CMD_MSG)
		while (len > 0 && is_blank(p[len - 1]))
			len--;
	return str_n(p, len);
}

/*
 * Move the first word of cmd->arg into cmd->target: always for /msg (the
 * nick), for /part only when it names a room. /msg needs text after the nick.
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
	if (spec->kind == CMD_MSG || spec->kind == CMD_PART)
		split_target(cmd);
	if (spec->rule == ARG_REQUIRED && cmd->arg.len == 0) {
		cmd->kind = CMD_MISSING_ARG;
		cmd->arg = str_n(line, word);
		cmd->target = (struct str){0};
	}
}

const char *command_help(void)
{
	return "commands: /join #ROOM, /part [#ROOM] [REASON], /rooms, /msg NICK TEXT, /me TEXT, "
	       "/topic [TEXT], /away [TEXT], /nick NEW, /who [#ROOM|*], /quit [REASON], /help; "
	       "start a line with // to send it with one leading /";
}
