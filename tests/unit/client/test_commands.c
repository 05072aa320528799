/* SPDX-License-Identifier: ISC */
/* client/test_commands.c - input line parsing and stdin line splitting for the client. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "command.h"
#include "lines.h"

/* Whether /help for the allowed scopes contains needle. */
static bool help_has(unsigned allowed, const char *needle)
{
	struct buf help = {0};
	bool found;

	command_help(&help, allowed, "-- ");
	buf_append(&help, "", 1);
	found = strstr((const char *)help.data, needle) != NULL;
	buf_free(&help);
	return found;
}

static struct command parse(const char *line)
{
	struct command cmd;

	command_parse(line, strlen(line), &cmd);
	return cmd;
}

static void assert_arg(struct command cmd, const char *want)
{
	assert_int_equal(cmd.arg.len, strlen(want));
	assert_memory_equal(cmd.arg.p, want, cmd.arg.len);
}

static void test_plain_text(void **state)
{
	struct command cmd;

	(void)state;
	assert_int_equal(parse("").kind, CMD_EMPTY);
	cmd = parse("hello world");
	assert_int_equal(cmd.kind, CMD_SAY);
	assert_arg(cmd, "hello world");
	/* Leading blanks or a slash later in the line do not make a command. */
	cmd = parse(" /me no");
	assert_int_equal(cmd.kind, CMD_SAY);
	assert_arg(cmd, " /me no");
	cmd = parse("a/b");
	assert_int_equal(cmd.kind, CMD_SAY);
}

static void test_double_slash(void **state)
{
	struct command cmd;

	(void)state;
	cmd = parse("//text");
	assert_int_equal(cmd.kind, CMD_SAY);
	assert_arg(cmd, "/text");
	cmd = parse("//me is not an action");
	assert_int_equal(cmd.kind, CMD_SAY);
	assert_arg(cmd, "/me is not an action");
	cmd = parse("//");
	assert_int_equal(cmd.kind, CMD_SAY);
	assert_arg(cmd, "/");
}

static void test_me(void **state)
{
	struct command cmd;

	(void)state;
	cmd = parse("/me waves");
	assert_int_equal(cmd.kind, CMD_ME);
	assert_arg(cmd, "waves");
	cmd = parse("/ME  waves twice  ");
	assert_int_equal(cmd.kind, CMD_ME);
	assert_arg(cmd, "waves twice  ");
	cmd = parse("/me\tshrugs");
	assert_int_equal(cmd.kind, CMD_ME);
	assert_arg(cmd, "shrugs");
	cmd = parse("/me");
	assert_int_equal(cmd.kind, CMD_MISSING_ARG);
	assert_arg(cmd, "/me");
	assert_string_equal(cmd.usage, "/me TEXT");
	assert_int_equal(parse("/me   ").kind, CMD_MISSING_ARG);
	/* A longer word is a different (unknown) command. */
	assert_int_equal(parse("/meow").kind, CMD_UNKNOWN);
}

static void test_nick_who_help(void **state)
{
	struct command cmd;

	(void)state;
	cmd = parse("/nick bobby ");
	assert_int_equal(cmd.kind, CMD_NICK);
	assert_arg(cmd, "bobby");
	cmd = parse("/nick");
	assert_int_equal(cmd.kind, CMD_MISSING_ARG);
	assert_string_equal(cmd.usage, "/nick NEW");
	cmd = parse("/who");
	assert_int_equal(cmd.kind, CMD_WHO);
	assert_arg(cmd, "");
	cmd = parse("/who #lobby");
	assert_int_equal(cmd.kind, CMD_WHO);
	assert_arg(cmd, "#lobby");
	assert_int_equal(parse("/help").kind, CMD_HELP);
	assert_int_equal(parse("/help me").kind, CMD_HELP);
	assert_true(help_has(SCOPE_ANYONE, "/quit [REASON]"));
}

static void test_quit(void **state)
{
	struct command cmd;

	(void)state;
	cmd = parse("/quit");
	assert_int_equal(cmd.kind, CMD_QUIT);
	assert_arg(cmd, "");
	cmd = parse("/quit gone fishing");
	assert_int_equal(cmd.kind, CMD_QUIT);
	assert_arg(cmd, "gone fishing");
	cmd = parse("/Quit  bye\t");
	assert_int_equal(cmd.kind, CMD_QUIT);
	assert_arg(cmd, "bye");
}

static void test_rooms_commands(void **state)
{
	struct command cmd;

	(void)state;
	cmd = parse("/join #dev ");
	assert_int_equal(cmd.kind, CMD_JOIN);
	assert_arg(cmd, "#dev");
	cmd = parse("/join");
	assert_int_equal(cmd.kind, CMD_MISSING_ARG);
	assert_string_equal(cmd.usage, "/join #ROOM");
	cmd = parse("/part");
	assert_int_equal(cmd.kind, CMD_PART);
	assert_arg(cmd, "");
	assert_int_equal(cmd.target.len, 0);
	/* A reason alone, or a room and then the reason. */
	cmd = parse("/part see you later");
	assert_int_equal(cmd.kind, CMD_PART);
	assert_arg(cmd, "see you later");
	assert_int_equal(cmd.target.len, 0);
	cmd = parse("/PART #dev  done here ");
	assert_int_equal(cmd.kind, CMD_PART);
	assert_true(str_eq(cmd.target, "#dev"));
	assert_arg(cmd, "done here");
	cmd = parse("/part #dev");
	assert_true(str_eq(cmd.target, "#dev"));
	assert_arg(cmd, "");
	assert_int_equal(parse("/rooms").kind, CMD_ROOMS);
	assert_int_equal(parse("/rooms extra").kind, CMD_ROOMS);
	cmd = parse("/topic  new topic ");
	assert_int_equal(cmd.kind, CMD_TOPIC);
	assert_arg(cmd, "new topic");
	cmd = parse("/topic");
	assert_int_equal(cmd.kind, CMD_TOPIC);
	assert_arg(cmd, "");
	cmd = parse("/away lunch");
	assert_int_equal(cmd.kind, CMD_AWAY);
	assert_arg(cmd, "lunch");
	cmd = parse("/away");
	assert_int_equal(cmd.kind, CMD_AWAY);
	assert_arg(cmd, "");
	cmd = parse("/who *");
	assert_int_equal(cmd.kind, CMD_WHO);
	assert_arg(cmd, "*");
}

static void test_msg(void **state)
{
	struct command cmd;

	(void)state;
	cmd = parse("/msg bob  psst, over here ");
	assert_int_equal(cmd.kind, CMD_MSG);
	assert_true(str_eq(cmd.target, "bob"));
	assert_arg(cmd, "psst, over here "); /* text is kept as typed */
	cmd = parse("/msg\tbob\thi");
	assert_true(str_eq(cmd.target, "bob"));
	assert_arg(cmd, "hi");
	cmd = parse("/msg bob");
	assert_int_equal(cmd.kind, CMD_MISSING_ARG);
	assert_arg(cmd, "/msg");
	assert_string_equal(cmd.usage, "/msg NICK TEXT");
	assert_int_equal(cmd.target.len, 0);
	assert_int_equal(parse("/msg").kind, CMD_MISSING_ARG);
	assert_int_equal(parse("/msg   ").kind, CMD_MISSING_ARG);
}

static void test_classroom(void **state)
{
	struct command cmd;
	uint32_t secs = 7;
	struct str room;

	(void)state;
	cmd = parse("/announce  test on friday ");
	assert_int_equal(cmd.kind, CMD_ANNOUNCE);
	assert_arg(cmd, "test on friday "); /* text is kept as typed */
	assert_int_equal(parse("/announce").kind, CMD_MISSING_ARG);
	cmd = parse("/kick bob  too loud");
	assert_int_equal(cmd.kind, CMD_KICK);
	assert_true(str_eq(cmd.target, "bob"));
	assert_arg(cmd, "too loud");
	cmd = parse("/kick bob");
	assert_int_equal(cmd.kind, CMD_KICK); /* the reason may be left out */
	assert_true(str_eq(cmd.target, "bob"));
	assert_arg(cmd, "");
	cmd = parse("/kick");
	assert_int_equal(cmd.kind, CMD_MISSING_ARG);
	assert_string_equal(cmd.usage, "/kick NICK [REASON]");
	cmd = parse("/MUTE bob");
	assert_int_equal(cmd.kind, CMD_MUTE);
	assert_arg(cmd, "bob");
	assert_int_equal(parse("/unmute bob").kind, CMD_UNMUTE);
	assert_int_equal(parse("/hands").kind, CMD_HANDS);
	cmd = parse("/hand");
	assert_int_equal(cmd.kind, CMD_HAND);
	assert_int_equal(command_hand_op(cmd.arg), HAND_RAISE);
	assert_int_equal(command_hand_op(parse("/hand down").arg), HAND_LOWER);
	assert_int_equal(command_hand_op(parse("/hand Next").arg), HAND_NEXT);
	assert_int_equal(command_hand_op(parse("/hand up").arg), HAND_RAISE);
	assert_int_equal(command_hand_op(parse("/hand list").arg), HAND_LIST);
	assert_int_equal(command_hand_op(parse("/hand sideways").arg), -1);

	cmd = parse("/slow 30 #lab");
	assert_int_equal(cmd.kind, CMD_SLOW);
	assert_int_equal(command_slow_args(cmd.arg, &secs, &room), 0);
	assert_int_equal(secs, 30);
	assert_true(str_eq(room, "#lab"));
	assert_int_equal(command_slow_args(parse("/slow 0").arg, &secs, &room), 0);
	assert_int_equal(secs, 0);
	assert_int_equal(room.len, 0);
	assert_int_equal(parse("/slow").kind, CMD_MISSING_ARG);
	assert_int_equal(command_slow_args(str_c("x"), &secs, &room), -1);
	assert_int_equal(command_slow_args(str_c("30s"), &secs, &room), -1);
	assert_int_equal(command_slow_args(str_c("1234567890"), &secs, &room), -1);
	assert_int_equal(command_slow_args(str_c("30 #a #b"), &secs, &room), -1);
	assert_int_equal(command_slow_args(str_c("#lab 30"), &secs, &room), -1);
}

static void test_help_lists_everything(void **state)
{
	static const char *const words[] = {
	    "/join", "/part",	"/rooms", "/msg",  "/me",    "/topic",	  "/away", "/nick",
	    "/who",  "/quit",	"/help",  "//",	   "/clear", "/search",	  "/slow", "/announce",
	    "/mute", "/unmute", "/kick",  "/hand", "/hands", "down|next", "/list"};
	unsigned all = SCOPE_CLASSROOM | SCOPE_TEACHER | SCOPE_SCREEN | SCOPE_HIDDEN;

	(void)state;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		assert_true(help_has(all, words[i]));
}

/* /help and completion offer only what applies where they are asked. */
static void test_help_and_completion_by_scope(void **state)
{
	size_t n = 0;

	(void)state;
	assert_false(help_has(SCOPE_ANYONE, "/hand"));
	assert_false(help_has(SCOPE_ANYONE, "/clear"));
	assert_false(help_has(SCOPE_ANYONE, "/list"));
	assert_true(help_has(SCOPE_CLASSROOM, "/hand [down|next]"));
	assert_false(help_has(SCOPE_CLASSROOM, "/kick"));
	assert_true(help_has(SCOPE_CLASSROOM | SCOPE_TEACHER, "/kick NICK [REASON]"));
	while (command_complete(n, SCOPE_ANYONE) != NULL)
		assert_string_not_equal(command_complete(n++, SCOPE_ANYONE), "/kick");
	assert_int_equal(n, 11);
	assert_string_equal(command_complete(0, SCOPE_ANYONE), "/join");
}

/* One parse, one request: what every front end and line mode send for a line. */
static void test_requests(void **state)
{
	struct command cmd;
	struct frame f;
	const char *why = NULL;
	struct str room = str_c("#dev");

	(void)state;
	cmd = parse("hello");
	assert_int_equal(command_request(&cmd, room, &f, &why), 1);
	assert_int_equal(f.type, T_SAY);
	assert_true(str_eq(f.f[SAY_TARGET].s, "#dev"));
	cmd = parse("/me waves");
	assert_int_equal(command_request(&cmd, room, &f, &why), 1);
	assert_int_equal(f.f[SAY_FLAGS].n, MSGF_ACTION);
	cmd = parse("/msg bob psst");
	assert_int_equal(command_request(&cmd, room, &f, &why), 1);
	assert_true(str_eq(f.f[SAY_TARGET].s, "bob"));
	assert_true(str_eq(f.f[SAY_TEXT].s, "psst"));
	cmd = parse("/who *");
	assert_int_equal(command_request(&cmd, room, &f, &why), 1);
	assert_int_equal(f.f[WHO_TARGET].s.len, 0);
	cmd = parse("/who");
	assert_int_equal(command_request(&cmd, room, &f, &why), 1);
	assert_true(str_eq(f.f[WHO_TARGET].s, "#dev"));
	cmd = parse("/part #x bye now");
	assert_int_equal(command_request(&cmd, room, &f, &why), 1);
	assert_true(str_eq(f.f[PART_ROOM].s, "#x"));
	assert_true(str_eq(f.f[PART_REASON].s, "bye now"));
	cmd = parse("/topic");
	assert_int_equal(command_request(&cmd, room, &f, &why), 1);
	assert_int_equal(f.f[TOPIC_SET].n, 0);
	cmd = parse("/slow 30");
	assert_int_equal(command_request(&cmd, room, &f, &why), 1);
	assert_true(str_eq(f.f[SLOW_ROOM].s, "#dev"));
	assert_int_equal(f.f[SLOW_SECONDS].n, 30);
	cmd = parse("/slow soon");
	assert_int_equal(command_request(&cmd, room, &f, &why), -1);
	assert_non_null(strstr(why, "/slow N"));
	cmd = parse("/hand sideways");
	assert_int_equal(command_request(&cmd, room, &f, &why), -1);
	cmd = parse("/unmute eve");
	assert_int_equal(command_request(&cmd, room, &f, &why), 1);
	assert_int_equal(f.f[MUTE_ON].n, 0);
	cmd = parse("/list");
	assert_int_equal(command_request(&cmd, room, &f, &why), 1);
	assert_int_equal(f.type, T_LIST);
	cmd = parse("/search foo");
	assert_int_equal(cmd.kind, CMD_SEARCH);
	assert_int_equal(command_request(&cmd, room, &f, &why), 0);
	cmd = parse("/help");
	assert_int_equal(command_request(&cmd, room, &f, &why), 0);
}

static void test_unknown(void **state)
{
	struct command cmd;

	(void)state;
	cmd = parse("/frob a b");
	assert_int_equal(cmd.kind, CMD_UNKNOWN);
	assert_arg(cmd, "/frob");
	cmd = parse("/");
	assert_int_equal(cmd.kind, CMD_UNKNOWN);
	assert_arg(cmd, "/");
	cmd = parse("/ x");
	assert_int_equal(cmd.kind, CMD_UNKNOWN);
	assert_arg(cmd, "/");
}

/* Lines collected by the splitter's callback: "len:text" or "TOO_LONG", joined by '|'. */
struct seen {
	char log[512];
	unsigned long last_number;
};

static void collect(void *ctx, const char *line, size_t len, unsigned long number, bool too_long)
{
	struct seen *s = ctx;
	size_t at = strlen(s->log);

	if (too_long)
		snprintf(s->log + at, sizeof s->log - at, "%sTOO_LONG", at ? "|" : "");
	else
		snprintf(s->log + at, sizeof s->log - at, "%s%.*s", at ? "|" : "", (int)len, line);
	s->last_number = number;
}

static void feed(struct lines *l, struct seen *s, const char *bytes)
{
	lines_feed(l, bytes, strlen(bytes), collect, s);
}

static void test_lines_partial(void **state)
{
	struct lines l;
	struct seen s = {.log = ""};

	(void)state;
	lines_init(&l, 8);
	feed(&l, &s, "he");
	assert_string_equal(s.log, "");
	feed(&l, &s, "llo\nwor");
	assert_string_equal(s.log, "hello");
	feed(&l, &s, "ld\r\n\n");
	assert_string_equal(s.log, "hello|world|");
	feed(&l, &s, "tail");
	lines_finish(&l, collect, &s);
	assert_string_equal(s.log, "hello|world||tail");
	assert_int_equal(s.last_number, 4);
	lines_finish(&l, collect, &s); /* nothing pending: no extra line */
	assert_int_equal(s.last_number, 4);
	lines_free(&l);
}

static void test_lines_too_long(void **state)
{
	struct lines l;
	struct seen s = {.log = ""};

	(void)state;
	lines_init(&l, 4);
	feed(&l, &s, "abcd\nabcde\nab");
	feed(&l, &s, "cdefgh\nok\n");
	/* Exactly the limit passes, with or without a CR; one more byte does not. */
	feed(&l, &s, "wxyz\r\nwxyz\r\r\n");
	assert_string_equal(s.log, "abcd|TOO_LONG|TOO_LONG|ok|wxyz|TOO_LONG");
	feed(&l, &s, "0123456789");
	lines_finish(&l, collect, &s);
	assert_string_equal(s.log, "abcd|TOO_LONG|TOO_LONG|ok|wxyz|TOO_LONG|TOO_LONG");
	assert_int_equal(s.last_number, 7);
	lines_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_text),
	    cmocka_unit_test(test_double_slash),
	    cmocka_unit_test(test_me),
	    cmocka_unit_test(test_nick_who_help),
	    cmocka_unit_test(test_quit),
	    cmocka_unit_test(test_rooms_commands),
	    cmocka_unit_test(test_msg),
	    cmocka_unit_test(test_classroom),
	    cmocka_unit_test(test_help_lists_everything),
	    cmocka_unit_test(test_help_and_completion_by_scope),
	    cmocka_unit_test(test_requests),
	    cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_lines_partial),
	    cmocka_unit_test(test_lines_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
