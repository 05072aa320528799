/* SPDX-License-Identifier: ISC */
/* client/test_format.c - the client's event lines, JSON output and escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "format.h"
#include "json.h"

/* 2023-11-14 22:13:20 UTC, the time of PROTOCOL.md's MSG example. */
#define T0 1700000000000ULL

static struct buf out;

static int reset_out(void **state)
{
	(void)state;
	buf_clear(&out);
	return 0;
}

static int free_out(void **state)
{
	(void)state;
	buf_free(&out);
	return 0;
}

/* out as a NUL-terminated string. */
static const char *text(void)
{
	buf_append(&out, "", 1);
	out.len--;
	return (const char *)out.data;
}

static const char *line(const struct event *ev)
{
	buf_clear(&out);
	format_line(&out, ev);
	return text();
}

static const char *json(const struct event *ev)
{
	buf_clear(&out);
	format_json(&out, ev);
	return text();
}

static const char *escaped(const char *s, size_t n)
{
	buf_clear(&out);
	json_append_str(&out, s, n);
	return text();
}

static void test_clock(void **state)
{
	char clock[CLOCK_BYTES];

	(void)state;
	words_clock(clock, T0);
	assert_string_equal(clock, "22:13:20");
	words_clock(clock, T0 + 999);
	assert_string_equal(clock, "22:13:20");
	words_clock(clock, 0);
	assert_string_equal(clock, "00:00:00");
}

static void test_line_welcome(void **state)
{
	struct event ev = {.kind = EV_WELCOME, .time = T0, .where = "/run/natter.sock", .users = 3};

	(void)state;
	ev.nick = str_c("alice");
	ev.server = str_c("natterd");
	ev.room = str_c("#lobby");
	assert_string_equal(
	    line(&ev), "[22:13:20] -!- connected to /run/natter.sock as alice in #lobby (3 users)");
	ev.users = 1;
	assert_string_equal(
	    line(&ev), "[22:13:20] -!- connected to /run/natter.sock as alice in #lobby (1 user)");
}

static void test_line_who(void **state)
{
	struct who_entry who[3] = {
	    {.nick = str_c("alice"), .login = str_c("a")},
	    {.nick = str_c("bob"), .login = str_c("")},
	    {.nick = str_c("carol"), .login = str_c("c"), .idle = 5},
	};
	struct event ev = {.kind = EV_WHO, .time = T0, .who = who, .who_len = 3};

	(void)state;
	ev.room = str_c("#lobby");
	assert_string_equal(line(&ev), "[22:13:20] -!- users in #lobby: alice bob carol");
	ev.who_len = 0;
	assert_string_equal(line(&ev), "[22:13:20] -!- users in #lobby: (none)");
}

static void test_line_msg(void **state)
{
	struct event ev = {.kind = EV_MSG, .time = T0, .id = 7};

	(void)state;
	ev.room = str_c("#lobby");
	ev.nick = str_c("bob");
	ev.text = str_c("hello");
	assert_string_equal(line(&ev), "[22:13:20] <bob> hello");
	ev.action = true;
	ev.text = str_c("waves");
	assert_string_equal(line(&ev), "[22:13:20] * bob waves");
}

static void test_line_notices(void **state)
{
	struct event ev = {.kind = EV_JOIN, .time = T0};

	(void)state;
	ev.room = str_c("#lobby");
	ev.nick = str_c("carol");
	ev.login = str_c("carol");
	assert_string_equal(line(&ev), "[22:13:20] -!- carol joined #lobby (login carol)");
	ev.login = str_c("");
	ev.room = str_c("#dev");
	assert_string_equal(line(&ev), "[22:13:20] -!- carol joined #dev (tcp, no OS identity)");
	ev.room = str_c("#lobby");
	ev.kind = EV_LEAVE;
	ev.reason = str_c("quit");
	assert_string_equal(line(&ev), "[22:13:20] -!- carol left #lobby (quit)");
	ev.reason = str_c("");
	assert_string_equal(line(&ev), "[22:13:20] -!- carol left #lobby");
	ev.kind = EV_RENAME;
	ev.nick = str_c("bob");
	ev.new_nick = str_c("bobby");
	assert_string_equal(line(&ev), "[22:13:20] -!- bob is now known as bobby");
	ev.kind = EV_NOTICE;
	ev.text = str_c("nobody is in #void");
	assert_string_equal(line(&ev), "[22:13:20] -!- notice: nobody is in #void");
}

static void test_line_error_bye(void **state)
{
	struct event ev = {.kind = EV_ERROR, .time = T0, .code = 201};

	(void)state;
	ev.text = str_c("nick bob is taken");
	assert_string_equal(line(&ev),
			    "[22:13:20] -!- error 201 (ERR_NICK_TAKEN): nick bob is taken");
	ev.code = 999;
	assert_string_equal(line(&ev), "[22:13:20] -!- error 999 (ERR_UNKNOWN): nick bob is taken");
	ev.kind = EV_BYE;
	ev.reason = str_c("server shutting down");
	assert_string_equal(line(&ev), "[22:13:20] -!- disconnected: server shutting down");
}

/* Hostile text: nothing below 0x20, no DEL, no C1, no bidi override may reach the terminal. */
static void test_line_sanitizes(void **state)
{
	static const char evil[] = "\x1b]0;pwned\x07\x1b[2Jhi\r\nthere\x7f\xc2\x9b"
				   "31m\xe2\x80\xae"
				   "txt.exe\xff";
	struct event ev = {.kind = EV_MSG, .time = T0};
	const char *s;

	(void)state;
	ev.nick = str_c("m\x1b[1mallory");
	ev.text = str_n(evil, sizeof evil - 1);
	s = line(&ev);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		assert_true(*p >= 0x20);
		assert_true(*p != 0x7f);
	}
	assert_null(strstr(s, "\xc2\x9b"));
	assert_null(strstr(s, "\xe2\x80\xae"));
	assert_string_equal(s, "[22:13:20] <m^[[1mallory> ^[]0;pwned^G^[[2Jhi^M^Jthere^?<U+009B>31m"
			       "<U+202E>txt.exe<FF>");
	/* Network strings in every other event go through the same filter. */
	ev.kind = EV_JOIN;
	ev.room = str_c("#a\nb");
	ev.login = str_c("r\x1b[0m");
	assert_string_equal(line(&ev), "[22:13:20] -!- m^[[1mallory joined #a^Jb (login r^[[0m)");
	ev.kind = EV_TOPIC;
	ev.text = str_c("t\x1b[5m");
	assert_string_equal(line(&ev),
			    "[22:13:20] -!- topic of #a^Jb: t^[[5m (set by m^[[1mallory)");
	ev.kind = EV_MSG;
	ev.private_msg = true;
	assert_string_equal(line(&ev), "[22:13:20] [private] <m^[[1mallory> t^[[5m");
}

static void test_line_rooms_msgs(void **state)
{
	struct event ev = {.kind = EV_MSG, .time = T0, .id = 9};

	(void)state;
	ev.room = str_c("#dev");
	ev.nick = str_c("bob");
	ev.text = str_c("hello");
	assert_string_equal(line(&ev), "[22:13:20] #dev <bob> hello");
	ev.action = true;
	ev.text = str_c("waves");
	assert_string_equal(line(&ev), "[22:13:20] #dev * bob waves");
	ev.action = false;
	ev.history = true;
	ev.room = str_c("#lobby");
	ev.text = str_c("earlier text");
	assert_string_equal(line(&ev), "[22:13:20] #lobby (history) <bob> earlier text");
	ev.room = str_c("#LOBBY");
	ev.history = false;
	assert_string_equal(line(&ev), "[22:13:20] <bob> earlier text");
	/* Private: to me, and my own copy (room holds the recipient). */
	ev.private_msg = true;
	ev.room = str_c("alice");
	ev.text = str_c("psst");
	assert_string_equal(line(&ev), "[22:13:20] [private] <bob> psst");
	ev.own = true;
	ev.room = str_c("bob");
	ev.nick = str_c("alice");
	assert_string_equal(line(&ev), "[22:13:20] [private to bob] <alice> psst");
}

static void test_line_rooms_notices(void **state)
{
	struct room_entry rooms[2] = {
	    {.name = str_c("#lobby"), .members = 3, .topic = str_c("")},
	    {.name = str_c("#dev"), .members = 2, .topic = str_c("C and coffee")},
	};
	struct event ev = {.kind = EV_TOPIC, .time = T0};

	(void)state;
	ev.room = str_c("#dev");
	ev.nick = str_c("bob");
	ev.text = str_c("C and coffee");
	assert_string_equal(line(&ev), "[22:13:20] -!- topic of #dev: C and coffee (set by bob)");
	ev.text = str_c("");
	assert_string_equal(line(&ev), "[22:13:20] -!- #dev has no topic");
	ev = (struct event){.kind = EV_ROOMLIST, .time = T0, .rooms = rooms, .rooms_len = 2};
	assert_string_equal(line(&ev), "[22:13:20] -!- rooms: #lobby (3), #dev (2): C and coffee");
	ev.rooms_len = 0;
	assert_string_equal(line(&ev), "[22:13:20] -!- rooms: (none)");
	ev =
	    (struct event){.kind = EV_MISSED, .time = T0, .count = 12, .first = 345, .exact = true};
	ev.room = str_c("#dev");
	assert_string_equal(
	    line(&ev),
	    "[22:13:20] -!- missed: 12 message(s) in #dev are no longer kept (first kept id 345)");
	ev.exact = false;
	assert_string_equal(line(&ev),
			    "[22:13:20] -!- missed: up to 12 message(s) in #dev are no longer kept "
			    "(first kept id 345)");
	ev = (struct event){.kind = EV_CURRENT, .time = T0, .room = str_c("#dev")};
	assert_string_equal(line(&ev), "[22:13:20] -!- now talking in #dev");
}

/* /who's answer: the usual line, then one line per user; the automatic listing stays one line. */
static void test_line_who_details(void **state)
{
	struct who_entry who[3] = {
	    {.nick = str_c("alice"),
	     .login = str_c("alice"),
	     .idle = 3,
	     .rooms = str_c("#lobby #dev"),
	     .flags = WHOF_AWAY,
	     .away = str_c("lunch")},
	    {.nick = str_c("tcpbob"), .idle = 125, .rooms = str_c("#dev"), .flags = WHOF_NOID},
	    {.nick = str_c("carol"), .login = str_c("c"), .idle = 7200, .rooms = str_c("#dev")},
	};
	struct event ev = {.kind = EV_WHO, .time = T0, .who = who, .who_len = 3};

	(void)state;
	ev.room = str_c("#dev");
	assert_string_equal(line(&ev), "[22:13:20] -!- users in #dev: alice tcpbob carol");
	ev.requested = true;
	assert_string_equal(
	    line(&ev), "[22:13:20] -!- users in #dev: alice tcpbob carol\n"
		       "[22:13:20] -!- alice (login alice, idle 3s, in #lobby #dev, away: lunch)\n"
		       "[22:13:20] -!- tcpbob (tcp, no OS identity, idle 2m, in #dev)\n"
		       "[22:13:20] -!- carol (login c, idle 2h, in #dev)");
	ev.room = str_c("");
	ev.who_len = 1;
	assert_string_equal(
	    line(&ev), "[22:13:20] -!- users on the server: alice\n"
		       "[22:13:20] -!- alice (login alice, idle 3s, in #lobby #dev, away: lunch)");
}

static void test_json_events(void **state)
{
	struct who_entry who[2] = {
	    {.nick = str_c("a"),
	     .login = str_c("root"),
	     .idle = 0,
	     .flags = WHOF_AWAY,
	     .away = str_c("out"),
	     .rooms = str_c("#lobby #dev")},
	    {.nick = str_c("b"),
	     .login = str_c(""),
	     .idle = 42,
	     .flags = WHOF_NOID,
	     .rooms = str_c("#lobby")},
	};
	struct event ev = {.kind = EV_WELCOME, .time = T0, .users = 3, .where = "/x"};

	(void)state;
	ev.nick = str_c("alice");
	ev.server = str_c("natterd");
	ev.room = str_c("#lobby");
	assert_string_equal(json(&ev),
			    "{\"type\":\"welcome\",\"nick\":\"alice\",\"server\":\"natterd\","
			    "\"room\":\"#lobby\",\"users\":3}");
	ev = (struct event){.kind = EV_WHO, .room = str_c("#lobby"), .who = who, .who_len = 2};
	assert_string_equal(json(&ev),
			    "{\"type\":\"who\",\"room\":\"#lobby\",\"users\":["
			    "{\"nick\":\"a\",\"login\":\"root\",\"idle\":0,\"flags\":2,"
			    "\"away\":\"out\",\"rooms\":\"#lobby #dev\",\"tcp\":false},"
			    "{\"nick\":\"b\",\"login\":\"\",\"idle\":42,\"flags\":1,\"away\":\"\","
			    "\"rooms\":\"#lobby\",\"tcp\":true}],\"requested\":false}");
	ev.who_len = 0;
	ev.requested = true;
	assert_string_equal(
	    json(&ev), "{\"type\":\"who\",\"room\":\"#lobby\",\"users\":[],\"requested\":true}");
	ev = (struct event){.kind = EV_MSG,
			    .id = 7,
			    .time = T0,
			    .room = str_c("#lobby"),
			    .nick = str_c("bob"),
			    .text = str_c("hi")};
	assert_string_equal(json(&ev), "{\"type\":\"msg\",\"id\":7,\"time\":1700000000000,"
				       "\"room\":\"#lobby\",\"from\":\"bob\",\"text\":\"hi\","
				       "\"action\":false,\"history\":false,\"private\":false}");
	ev.action = true;
	assert_non_null(strstr(json(&ev), "\"action\":true,"));
	ev.history = true;
	ev.private_msg = true;
	assert_non_null(strstr(json(&ev), ",\"history\":true,\"private\":true}"));
	ev = (struct event){.kind = EV_JOIN,
			    .time = T0,
			    .room = str_c("#lobby"),
			    .nick = str_c("c"),
			    .login = str_c("carol")};
	assert_string_equal(json(&ev),
			    "{\"type\":\"join\",\"time\":1700000000000,\"room\":\"#lobby\","
			    "\"nick\":\"c\",\"login\":\"carol\"}");
	ev = (struct event){.kind = EV_LEAVE,
			    .time = T0,
			    .room = str_c("#lobby"),
			    .nick = str_c("c"),
			    .reason = str_c("")};
	assert_string_equal(json(&ev),
			    "{\"type\":\"leave\",\"time\":1700000000000,\"room\":\"#lobby\","
			    "\"nick\":\"c\",\"reason\":\"\"}");
	ev = (struct event){
	    .kind = EV_RENAME, .time = T0, .nick = str_c("b"), .new_nick = str_c("bb")};
	assert_string_equal(
	    json(&ev), "{\"type\":\"rename\",\"time\":1700000000000,\"old\":\"b\",\"new\":\"bb\"}");
	ev = (struct event){.kind = EV_NOTICE, .time = T0, .text = str_c("note")};
	assert_string_equal(json(&ev),
			    "{\"type\":\"notice\",\"time\":1700000000000,\"text\":\"note\"}");
	ev = (struct event){.kind = EV_ERROR, .code = 201, .text = str_c("taken")};
	assert_string_equal(json(&ev),
			    "{\"type\":\"error\",\"code\":201,\"name\":\"ERR_NICK_TAKEN\","
			    "\"text\":\"taken\"}");
	ev = (struct event){.kind = EV_BYE, .reason = str_c("quit")};
	assert_string_equal(json(&ev), "{\"type\":\"bye\",\"reason\":\"quit\"}");
}

static void test_json_rooms_events(void **state)
{
	struct room_entry rooms[2] = {
	    {.name = str_c("#lobby"), .members = 3, .topic = str_c("")},
	    {.name = str_c("#dev"), .members = 2, .topic = str_c("say \"hi\"")},
	};
	struct event ev = {.kind = EV_TOPIC, .time = T0};

	(void)state;
	ev.room = str_c("#dev");
	ev.nick = str_c("bob");
	ev.text = str_c("t\x1b");
	assert_string_equal(json(&ev),
			    "{\"type\":\"topic\",\"time\":1700000000000,\"room\":\"#dev\","
			    "\"nick\":\"bob\",\"text\":\"t\\u001b\"}");
	ev = (struct event){.kind = EV_ROOMLIST, .rooms = rooms, .rooms_len = 2};
	assert_string_equal(json(&ev),
			    "{\"type\":\"rooms\",\"rooms\":["
			    "{\"room\":\"#lobby\",\"members\":3,\"topic\":\"\"},"
			    "{\"room\":\"#dev\",\"members\":2,\"topic\":\"say \\\"hi\\\"\"}]}");
	ev.rooms_len = 0;
	assert_string_equal(json(&ev), "{\"type\":\"rooms\",\"rooms\":[]}");
	ev = (struct event){.kind = EV_MISSED, .room = str_c("#dev"), .count = 12, .first = 345};
	assert_string_equal(json(&ev), "{\"type\":\"missed\",\"room\":\"#dev\",\"count\":12,"
				       "\"first\":345,\"exact\":false}");
	ev.exact = true;
	assert_non_null(strstr(json(&ev), "\"exact\":true}"));
	ev = (struct event){.kind = EV_CURRENT, .room = str_c("#dev")};
	assert_string_equal(json(&ev), "{\"type\":\"current\",\"room\":\"#dev\"}");
}

static void test_json_escapes(void **state)
{
	(void)state;
	assert_string_equal(escaped("", 0), "\"\"");
	assert_string_equal(escaped("a\"b\\c/d", 7), "\"a\\\"b\\\\c/d\"");
	assert_string_equal(escaped("\n\t\r\b\f", 5), "\"\\n\\t\\r\\b\\f\"");
	assert_string_equal(escaped("\x01\x1b\x1f\x7f", 4), "\"\\u0001\\u001b\\u001f\\u007f\"");
	assert_string_equal(escaped("a\0b", 3), "\"a\\u0000b\"");
	/* C1 controls, bidi overrides and line separators are escaped, not passed raw. */
	assert_string_equal(escaped("\xc2\x85\xc2\x9b", 4), "\"\\u0085\\u009b\"");
	assert_string_equal(escaped("\xe2\x80\xae\xe2\x80\xa8", 6), "\"\\u202e\\u2028\"");
}

static void test_json_invalid_utf8(void **state)
{
	(void)state;
	/* Each invalid byte becomes one U+FFFD. */
	assert_string_equal(escaped("a\xff"
				    "b",
				    3),
			    "\"a\xef\xbf\xbd"
			    "b\"");
	assert_string_equal(escaped("\xc0\xaf", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\""); /* overlong */
	assert_string_equal(escaped("\xed\xa0\x80", 3),
			    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");	     /* surrogate */
	assert_string_equal(escaped("\xe2\x82", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\""); /* cut short */
	assert_string_equal(
	    escaped("\xf4\x90\x80\x80", 4),
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""); /* > U+10FFFF */
}

static void test_json_passthrough(void **state)
{
	static const char cjk_emoji[] = "\xe4\xbd\xa0\xe5\xa5\xbd \xf0\x9f\x98\x80 caf\xc3\xa9";

	(void)state;
	assert_string_equal(escaped(cjk_emoji, sizeof cjk_emoji - 1),
			    "\"\xe4\xbd\xa0\xe5\xa5\xbd \xf0\x9f\x98\x80 caf\xc3\xa9\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clock),
	    cmocka_unit_test(test_line_welcome),
	    cmocka_unit_test(test_line_who),
	    cmocka_unit_test(test_line_msg),
	    cmocka_unit_test(test_line_notices),
	    cmocka_unit_test(test_line_error_bye),
	    cmocka_unit_test(test_line_sanitizes),
	    cmocka_unit_test(test_line_rooms_msgs),
	    cmocka_unit_test(test_line_rooms_notices),
	    cmocka_unit_test(test_line_who_details),
	    cmocka_unit_test(test_json_events),
	    cmocka_unit_test(test_json_rooms_events),
	    cmocka_unit_test(test_json_escapes),
	    cmocka_unit_test(test_json_invalid_utf8),
	    cmocka_unit_test(test_json_passthrough),
	};

	/* Clock strings are local time; pin the zone so the expected text is fixed. */
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, reset_out, free_out);
}
