/* SPDX-License-Identifier: ISC */
/* common/test_words.c - every event kind in every form, byte for byte as users have seen them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"
#include "words.h"

/* 2023-11-14 22:13:20 UTC, the time of PROTOCOL.md's MSG example. */
#define T0 1700000000000ULL

static struct buf out, frames, list;

static const struct words_view lobby = {.room = {"#lobby", 6}};

/* out as a NUL-terminated string. */
static const char *text(void)
{
	buf_append(&out, "", 1);
	out.len--;
	return (const char *)out.data;
}

/* The words of ev in form, lines joined with newlines. */
static const char *say(enum words_form form, const struct event *ev, const struct words_view *v)
{
	buf_clear(&out);
	words_render(&out, form, ev, v);
	return text();
}

#define HEADLESS(ev) say(WORDS_HEADLESS, ev, NULL)
#define SCREEN(ev)   say(WORDS_SCREEN, ev, &lobby)

/*
 * What natterd's line mode writes to reader me for the frames queued in
 * frames, as linemode_render does it: decoded, then the line form's words.
 */
static const char *line_mode(const char *me)
{
	const unsigned char *p = frames.data;
	size_t n = frames.len;

	buf_clear(&out);
	while (n > 0) {
		long whole = frame_complete(p, n);
		struct frame f;
		struct event ev;

		assert_true(whole > 0);
		assert_int_equal(
		    proto_decode(p + FRAME_HEADER_BYTES, (size_t)whole - FRAME_HEADER_BYTES, &f),
		    0);
		if (event_from_frame(&ev, &f, 0, &list)) {
			ev.own = ev.private_msg && str_eq(ev.nick, me);
			words_render(&out, WORDS_LINE, &ev, NULL);
		}
		p += whole;
		n -= (size_t)whole;
	}
	buf_clear(&frames);
	return text();
}

/* Queue one frame for line_mode. */
static void queue(const struct frame *f)
{
	assert_int_equal(proto_encode(&frames, f), 0);
}

static struct frame msg_frame(const char *target, const char *from, unsigned flags,
			      const char *said)
{
	struct frame f = {.type = T_MSG};

	f.f[MSG_ID].n = 7;
	f.f[MSG_TIME].n = T0;
	f.f[MSG_TARGET].s = str_c(target);
	f.f[MSG_FROM].s = str_c(from);
	f.f[MSG_FLAGS].n = flags;
	f.f[MSG_TEXT].s = str_c(said);
	return f;
}

static struct who_entry who[2] = {
    {.nick = {"alice", 5}, .login = {"a", 1}, .idle = 5, .rooms = {"#lobby #dev", 11}},
    {.nick = {"bob", 3}, .idle = 3700, .flags = WHOF_NOID | WHOF_AWAY, .away = {"lunch", 5}},
};

static const struct room_entry rooms[2] = {
    {.name = {"#lobby", 6}, .members = 3},
    {.name = {"#dev", 4}, .members = 2, .topic = {"plans", 5}},
};

static void test_clock(void **state)
{
	char clock[CLOCK_BYTES];

	(void)state;
	words_clock(clock, T0 + 999);
	assert_string_equal(clock, "22:13:20");
}

static void test_welcome(void **state)
{
	struct event ev = {.kind = EV_WELCOME, .time = T0, .where = "/run/natter.sock", .users = 3};
	struct frame f = {.type = T_WELCOME};
	struct words_view again = {.room = lobby.room, .again = true};

	(void)state;
	ev.nick = str_c("alice");
	ev.server = str_c("natterd");
	ev.room = str_c("#lobby");
	assert_string_equal(
	    HEADLESS(&ev),
	    "[22:13:20] -!- connected to /run/natter.sock as alice in #lobby (3 users)");
	assert_string_equal(SCREEN(&ev),
			    "connected to /run/natter.sock as alice in #lobby (3 users)");
	ev.users = 1;
	assert_string_equal(say(WORDS_SCREEN, &ev, &again),
			    "back: reconnected to /run/natter.sock as alice in #lobby (1 user)");
	ev.where = NULL;
	assert_string_equal(HEADLESS(&ev),
			    "[22:13:20] -!- connected to the server as alice in #lobby (1 user)");

	f.f[WELCOME_VERSION].n = PROTO_VERSION;
	f.f[WELCOME_NICK].s = ev.nick;
	f.f[WELCOME_SERVER].s = ev.server;
	f.f[WELCOME_ROOM].s = ev.room;
	f.f[WELCOME_USERS].n = 3;
	queue(&f);
	f.f[WELCOME_USERS].n = 1;
	queue(&f);
	assert_string_equal(
	    line_mode("alice"),
	    "-- welcome to natterd, you are alice (3 users here); type /help for commands\n"
	    "-- welcome to natterd, you are alice (1 user here); type /help for commands\n");
}

static void test_who(void **state)
{
	struct event ev = {.kind = EV_WHO, .time = T0, .who = who, .who_len = 2};
	struct list_builder wb;

	(void)state;
	ev.room = str_c("#dev");
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- users in #dev: alice bob");
	assert_string_equal(SCREEN(&ev), "users in #dev: alice bob");
	ev.requested = true;
	assert_string_equal(HEADLESS(&ev),
			    "[22:13:20] -!- users in #dev: alice bob\n"
			    "[22:13:20] -!- alice (login a, idle 5s, in #lobby #dev)\n"
			    "[22:13:20] -!- bob (tcp, no OS identity, idle 1h, away: lunch)");
	assert_string_equal(SCREEN(&ev), "users in #dev: alice bob\n"
					 "alice (login a, idle 5s, in #lobby #dev)\n"
					 "bob (tcp, no OS identity, idle 1h, away: lunch)");
	ev.room = str_c("");
	ev.who_len = 0;
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- users on the server: (none)");
	assert_string_equal(SCREEN(&ev), "users on the server: (none)");

	who_begin(&wb, &frames, str_c("#dev"));
	for (size_t i = 0; i < 2; i++)
		assert_true(who_add(&wb, &who[i]));
	who_finish(&wb, false);
	who_begin(&wb, &frames, str_c(""));
	who_finish(&wb, false);
	assert_string_equal(line_mode("alice"),
			    "-- in #dev:\n"
			    "-- alice  login a  idle 5s  in #lobby #dev\n"
			    "-- bob  (tcp, no OS identity)  idle 3700s  in   away: lunch\n"
			    "-- on this server:\n");
}

static void test_msg(void **state)
{
	struct event ev = {.kind = EV_MSG, .time = T0, .id = 7};

	(void)state;
	ev.room = str_c("#lobby");
	ev.nick = str_c("bob");
	ev.text = str_c("hello");
	assert_string_equal(HEADLESS(&ev), "[22:13:20] <bob> hello");
	assert_string_equal(SCREEN(&ev), "hello");
	ev.action = true;
	assert_string_equal(HEADLESS(&ev), "[22:13:20] * bob hello");
	ev.action = false;
	ev.history = true;
	assert_string_equal(HEADLESS(&ev), "[22:13:20] #lobby (history) <bob> hello");
	ev.room = str_c("#dev");
	assert_string_equal(SCREEN(&ev), "[#dev] hello");
	ev.history = false;
	assert_string_equal(HEADLESS(&ev), "[22:13:20] #dev <bob> hello");
	ev.private_msg = true;
	ev.room = str_c("alice");
	assert_string_equal(HEADLESS(&ev), "[22:13:20] [private] <bob> hello");
	assert_string_equal(SCREEN(&ev), "(private) hello");
	ev.history = true;
	assert_string_equal(HEADLESS(&ev), "[22:13:20] [private] (history) <bob> hello");
	ev.own = true;
	assert_string_equal(HEADLESS(&ev), "[22:13:20] [private to alice] (history) <bob> hello");
	assert_string_equal(SCREEN(&ev), "(private to alice) hello");

	for (int i = 0; i < 4; i++) {
		struct frame f = msg_frame("#lobby", "bob", (unsigned)i, "hello");

		queue(&f);
	}
	assert_string_equal(line_mode("alice"), "22:13:20 #lobby <bob> hello\n"
						"22:13:20 #lobby * bob hello\n"
						"22:13:20 #lobby (history) <bob> hello\n"
						"22:13:20 #lobby (history) * bob hello\n");
	for (int i = 0; i < 2; i++) {
		struct frame f = msg_frame("alice", "bob", MSGF_HISTORY, "psst");

		queue(&f);
		assert_string_equal(line_mode(i == 0 ? "alice" : "bob"),
				    i == 0 ? "22:13:20 [private] <bob> psst\n"
					   : "22:13:20 [private to alice] <bob> psst\n");
	}
}

/* Our own SAY, shown at once on the screen only. */
static void test_sending(void **state)
{
	struct event ev = {.kind = EV_SENDING, .time = T0, .own = true};

	(void)state;
	ev.room = str_c("#dev");
	ev.nick = str_c("alice");
	ev.text = str_c("hi");
	assert_string_equal(SCREEN(&ev), "[#dev] hi");
	ev.room = str_c("#lobby");
	assert_string_equal(SCREEN(&ev), "hi");
	ev.room = str_c("carol");
	ev.private_msg = true;
	assert_string_equal(SCREEN(&ev), "(private to carol) hi");
	assert_string_equal(HEADLESS(&ev), "");
	assert_string_equal(say(WORDS_LINE, &ev, NULL), "");
}

static void test_presence(void **state)
{
	struct event ev = {.kind = EV_JOIN, .time = T0};
	struct frame f = {.type = T_JOIN};

	(void)state;
	ev.room = str_c("#dev");
	ev.nick = str_c("carol");
	ev.login = str_c("carol");
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- carol joined #dev (login carol)");
	assert_string_equal(SCREEN(&ev), "carol joined #dev");
	ev.login = str_c("");
	assert_string_equal(HEADLESS(&ev),
			    "[22:13:20] -!- carol joined #dev (tcp, no OS identity)");
	ev.kind = EV_LEAVE;
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- carol left #dev");
	assert_string_equal(SCREEN(&ev), "carol left #dev");
	ev.reason = str_c("bye all");
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- carol left #dev (bye all)");
	assert_string_equal(SCREEN(&ev), "carol left #dev (bye all)");

	f.f[JOIN_TIME].n = T0;
	f.f[JOIN_ROOM].s = ev.room;
	f.f[JOIN_NICK].s = ev.nick;
	f.f[JOIN_LOGIN].s = str_c("carol");
	queue(&f);
	f.f[JOIN_LOGIN].s = str_c("");
	queue(&f);
	f.type = T_LEAVE;
	queue(&f);
	f.f[LEAVE_REASON].s = ev.reason;
	queue(&f);
	assert_string_equal(line_mode("alice"),
			    "22:13:20 #dev -- carol (login carol) joined\n"
			    "22:13:20 #dev -- carol (tcp, no OS identity) joined\n"
			    "22:13:20 #dev -- carol left\n"
			    "22:13:20 #dev -- carol left (bye all)\n");
}

static void test_rename_notice(void **state)
{
	struct event ev = {.kind = EV_RENAME, .time = T0};
	struct frame f = {.type = T_RENAME};

	(void)state;
	ev.nick = str_c("bob");
	ev.new_nick = str_c("bobby");
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- bob is now known as bobby");
	assert_string_equal(SCREEN(&ev), "bob is now known as bobby");
	ev = (struct event){.kind = EV_NOTICE, .time = T0, .text = str_c("server restarting")};
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- notice: server restarting");
	assert_string_equal(SCREEN(&ev), "server restarting");

	f.f[RENAME_TIME].n = T0;
	f.f[RENAME_OLD].s = str_c("bob");
	f.f[RENAME_NEW].s = str_c("bobby");
	queue(&f);
	f = (struct frame){.type = T_NOTICE};
	f.f[NOTICE_TIME].n = T0;
	f.f[NOTICE_TEXT].s = ev.text;
	queue(&f);
	assert_string_equal(line_mode("alice"), "22:13:20 -- bob is now known as bobby\n"
						"22:13:20 -- server restarting\n");
}

static void test_error_bye(void **state)
{
	struct event ev = {.kind = EV_ERROR, .time = T0, .code = ERR_NICK_TAKEN};
	struct frame f = {.type = T_ERROR};

	(void)state;
	ev.text = str_c("nick taken");
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- error 201 (ERR_NICK_TAKEN): nick taken");
	assert_string_equal(SCREEN(&ev), "error from the server: nick taken");
	ev = (struct event){.kind = EV_BYE, .time = T0};
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- disconnected");
	assert_string_equal(SCREEN(&ev), "the server says goodbye: ");
	ev.reason = str_c("kicked");
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- disconnected: kicked");
	assert_string_equal(SCREEN(&ev), "the server says goodbye: kicked");

	f.f[ERROR_CODE].n = ERR_NICK_TAKEN;
	f.f[ERROR_TEXT].s = str_c("nick taken");
	queue(&f);
	f = (struct frame){.type = T_BYE};
	queue(&f);
	f.f[BYE_REASON].s = str_c("kicked");
	queue(&f);
	assert_string_equal(line_mode("alice"), "error 201: nick taken\nbye: \nbye: kicked\n");
}

static void test_topic(void **state)
{
	struct event ev = {.kind = EV_TOPIC, .time = T0};
	struct frame f = {.type = T_TOPICIS};

	(void)state;
	ev.room = str_c("#dev");
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- #dev has no topic");
	assert_string_equal(SCREEN(&ev), "no topic in #dev");
	ev.text = str_c("plans");
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- topic of #dev: plans");
	assert_string_equal(SCREEN(&ev), "#dev topic: plans");
	ev.nick = str_c("bob");
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- topic of #dev: plans (set by bob)");
	assert_string_equal(SCREEN(&ev), "#dev topic: plans (set by bob)");

	f.f[TOPICIS_ROOM].s = ev.room;
	queue(&f);
	f.f[TOPICIS_TIME].n = T0;
	f.f[TOPICIS_TEXT].s = ev.text;
	queue(&f);
	f.f[TOPICIS_NICK].s = ev.nick;
	queue(&f);
	assert_string_equal(line_mode("alice"), "#dev -- no topic\n"
						"#dev -- topic: plans (set by )\n"
						"#dev -- topic: plans (set by bob)\n");
}

static void test_roomlist(void **state)
{
	struct event ev = {.kind = EV_ROOMLIST, .time = T0, .rooms = rooms, .rooms_len = 2};
	struct frame head = {.type = T_ROOMLIST};
	struct list_builder lb;

	(void)state;
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- rooms: #lobby (3), #dev (2): plans");
	assert_string_equal(SCREEN(&ev), "2 rooms on the server:\n#lobby (3)\n#dev (2) plans");
	ev.rooms_len = 1;
	assert_string_equal(SCREEN(&ev), "1 room on the server:\n#lobby (3)");
	ev.rooms_len = 0;
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- rooms: (none)");
	assert_string_equal(SCREEN(&ev), "0 rooms on the server:");

	list_begin(&lb, &frames, &head);
	for (size_t i = 0; i < 2; i++) {
		struct field e[3] = {[ROOME_NAME] = {.s = rooms[i].name},
				     [ROOME_MEMBERS] = {.n = rooms[i].members},
				     [ROOME_TOPIC] = {.s = rooms[i].topic}};

		assert_true(list_add(&lb, e));
	}
	list_finish(&lb, false);
	list_begin(&lb, &frames, &head);
	list_finish(&lb, false);
	assert_string_equal(line_mode("alice"), "-- #lobby (3)\n-- #dev (2): plans\n");
}

static void test_missed(void **state)
{
	struct event ev = {.kind = EV_MISSED, .time = T0, .count = 5, .first = 42};
	struct frame f = {.type = T_MISSED};

	(void)state;
	ev.room = str_c("#dev");
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- missed: up to 5 message(s) in #dev are "
					   "no longer kept (first kept id 42)");
	assert_string_equal(SCREEN(&ev),
			    "#dev: up to 5 messages sent while you were away are no longer kept");
	ev.count = 1;
	ev.exact = true;
	assert_string_equal(
	    HEADLESS(&ev),
	    "[22:13:20] -!- missed: 1 message(s) in #dev are no longer kept (first kept id 42)");
	assert_string_equal(SCREEN(&ev),
			    "#dev: 1 message sent while you were away is no longer kept");

	f.f[MISSED_ROOM].s = ev.room;
	f.f[MISSED_COUNT].n = 5;
	f.f[MISSED_FIRST].n = 42;
	queue(&f);
	f.f[MISSED_COUNT].n = 1;
	f.f[MISSED_EXACT].n = 1;
	queue(&f);
	assert_string_equal(line_mode("alice"),
			    "-- #dev: up to 5 message(s) you missed are no longer kept\n"
			    "-- #dev: 1 message(s) you missed are no longer kept\n");
}

/* CURRENT and DONE come from the client core: line mode never sees them; DONE has no words. */
static void test_current_done(void **state)
{
	struct event ev = {.kind = EV_CURRENT, .time = T0, .room = {"#dev", 4}};
	struct frame f = {.type = T_DONE};

	(void)state;
	assert_string_equal(HEADLESS(&ev), "[22:13:20] -!- now talking in #dev");
	assert_string_equal(SCREEN(&ev), "now talking in #dev");
	assert_string_equal(say(WORDS_LINE, &ev, NULL), "");
	ev.kind = EV_DONE;
	assert_string_equal(HEADLESS(&ev), "");
	assert_string_equal(SCREEN(&ev), "");
	ev.kind = 99; /* a kind added later: no words, in any form */
	assert_string_equal(HEADLESS(&ev), "");
	f.f[DONE_TAG].n = 1;
	queue(&f);
	f = (struct frame){.type = T_PING};
	queue(&f);
	assert_string_equal(line_mode("alice"), "");
}

/*
 * Network strings are made safe in headless and line words; the screen
 * sanitizes whole lines itself (keeping a message's newlines), except a
 * WHO listing's, which were always sanitized here.
 */
static void test_sanitizes(void **state)
{
	struct who_entry evil = {.nick = {"e\nv", 3}, .login = {"\x1b", 1}};
	struct event ev = {.kind = EV_JOIN, .time = T0, .nick = {"b\x1b[2Jb", 6}};
	struct frame f = msg_frame("#lobby", "b\x1b", 0, "two\nlines\x7f");

	(void)state;
	ev.room = str_c("#dev");
	assert_string_equal(HEADLESS(&ev),
			    "[22:13:20] -!- b^[[2Jb joined #dev (tcp, no OS identity)");
	assert_string_equal(SCREEN(&ev), "b\x1b[2Jb joined #dev");
	ev = (struct event){.kind = EV_MSG, .time = T0, .room = {"#lobby", 6}};
	ev.text = str_c("two\nlines");
	assert_string_equal(SCREEN(&ev), "two\nlines");
	ev = (struct event){.kind = EV_WHO, .time = T0, .who = &evil, .who_len = 1};
	ev.requested = true;
	assert_string_equal(SCREEN(&ev), "users on the server: e^Jv\ne^Jv (login ^[, idle 0s)");
	queue(&f);
	assert_string_equal(line_mode("alice"), "22:13:20 #lobby <b^[> two^Jlines^?\n");
}

static int teardown(void **state)
{
	(void)state;
	buf_free(&out);
	buf_free(&frames);
	buf_free(&list);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clock),	  cmocka_unit_test(test_welcome),
	    cmocka_unit_test(test_who),		  cmocka_unit_test(test_msg),
	    cmocka_unit_test(test_sending),	  cmocka_unit_test(test_presence),
	    cmocka_unit_test(test_rename_notice), cmocka_unit_test(test_error_bye),
	    cmocka_unit_test(test_topic),	  cmocka_unit_test(test_roomlist),
	    cmocka_unit_test(test_missed),	  cmocka_unit_test(test_current_done),
	    cmocka_unit_test(test_sanitizes),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, teardown);
}
