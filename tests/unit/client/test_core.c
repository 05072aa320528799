/* SPDX-License-Identifier: ISC */
/* client/test_core.c - the client core and session against a scripted server on a socketpair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "version.h"
#include "core.h"
#include "format.h"
#include "sys.h"

/* One test's world: the client under test and the server end of its socketpair. */
struct world {
	struct core c;
	int server;
	struct buf events; /* every event as a JSON line */
	struct buf rx;	   /* bytes the server end has read */
	struct buf last;   /* the frame server_recv returned last (its strings point here) */
	uint32_t sending_req, done_req,
	    who_tag; /* the last EV_SENDING's and EV_DONE's req; EV_WHO's tag */
};

static void record(void *ctx, const struct event *ev)
{
	struct world *w = ctx;

	format_json(&w->events, ev);
	buf_append(&w->events, "\n", 1);
	if (ev->kind == EV_SENDING)
		w->sending_req = ev->req;
	else if (ev->kind == EV_DONE || ev->kind == EV_ERROR)
		w->done_req = ev->req;
	else if (ev->kind == EV_WHO)
		w->who_tag = ev->tag;
}

static const struct core_ops recorder = {.event = record};

static int setup(void **state)
{
	struct world *w = xcalloc(1, sizeof *w);
	struct errmsg e;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	core_init(&w->c, &recorder, w);
	if (core_attach(&w->c, sv[0], "test-peer", "alice", &e) < 0)
		return -1;
	w->server = sv[1];
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	core_free(&w->c);
	if (w->server >= 0)
		close(w->server);
	buf_free(&w->events);
	buf_free(&w->rx);
	buf_free(&w->last);
	free(w);
	return 0;
}

/* Let the client do all the I/O it can right now. */
static void pump(struct world *w)
{
	for (int i = 0; i < 4 && !core_done(&w->c); i++) {
		struct pollfd p = {.fd = core_fd(&w->c), .events = core_poll_events(&w->c)};

		if (poll(&p, 1, 0) <= 0)
			break;
		core_handle(&w->c, p.revents);
	}
}

static void server_write(struct world *w, const void *p, size_t n)
{
	assert_int_equal(write(w->server, p, n), (ssize_t)n);
}

static void server_send(struct world *w, const struct frame *f)
{
	struct buf b = {0};

	assert_int_equal(proto_encode(&b, f), 0);
	server_write(w, b.data, b.len);
	buf_free(&b);
	pump(w);
}

/* Read the next frame the client sent; false if none is waiting. */
static bool server_recv(struct world *w, struct frame *f)
{
	unsigned char tmp[4096];
	struct pollfd p = {.fd = w->server, .events = POLLIN};
	long size;
	ssize_t n;

	pump(w);
	while ((size = w->rx.len > 0 ? frame_complete(w->rx.data, w->rx.len) : 0) == 0) {
		if (poll(&p, 1, 0) <= 0 || (n = read(w->server, tmp, sizeof tmp)) <= 0)
			return false;
		buf_append(&w->rx, tmp, (size_t)n);
	}
	assert_true(size > 0);
	buf_clear(&w->last);
	buf_append(&w->last, w->rx.data, (size_t)size);
	buf_consume(&w->rx, (size_t)size);
	assert_int_equal(
	    proto_decode(w->last.data + FRAME_HEADER_BYTES, (size_t)size - FRAME_HEADER_BYTES, f),
	    0);
	return true;
}

static void expect_frame(struct world *w, uint8_t type, struct frame *f)
{
	assert_true(server_recv(w, f));
	assert_int_equal(f->type, type);
}

static void welcome(struct world *w, const char *nick)
{
	struct frame f = {.type = T_WELCOME};

	f.f[WELCOME_VERSION].n = 1;
	f.f[WELCOME_NICK].s = str_c(nick);
	f.f[WELCOME_SERVER].s = str_c("natterd");
	f.f[WELCOME_ROOM].s = str_c("#lobby");
	f.f[WELCOME_USERS].n = 2;
	server_send(w, &f);
}

/* An ERROR answering the request with tag (0: none). */
static void error_tagged(struct world *w, unsigned code, const char *text, uint32_t tag)
{
	struct frame f = {.type = T_ERROR};

	f.f[ERROR_CODE].n = code;
	f.f[ERROR_TEXT].s = str_c(text);
	f.tag = tag;
	server_send(w, &f);
}

static void error_frame(struct world *w, unsigned code, const char *text)
{
	error_tagged(w, code, text, 0);
}

/* The DONE that ends the request with tag (protocol 3). */
static void done_frame(struct world *w, uint32_t tag)
{
	struct frame f = {.type = T_DONE};

	f.f[DONE_TAG].n = tag;
	server_send(w, &f);
}

static void bye(struct world *w, const char *reason)
{
	struct frame f = {.type = T_BYE};

	f.f[BYE_REASON].s = str_c(reason);
	server_send(w, &f);
}

/* The recorded events as one string. */
static const char *events(struct world *w)
{
	buf_append(&w->events, "", 1);
	w->events.len--;
	return (const char *)w->events.data;
}

/* Handshake done: HELLO read, WELCOME delivered. */
static struct world *ready(void **state)
{
	struct world *w = *state;
	struct frame f;

	expect_frame(w, T_HELLO, &f);
	welcome(w, "alice");
	assert_int_equal(core_state(&w->c), CORE_READY);
	return w;
}

static void test_hello(void **state)
{
	struct world *w = *state;
	struct frame f;

	expect_frame(w, T_HELLO, &f);
	assert_int_equal(f.f[HELLO_VERSION].n, 3); /* our client speaks version 3 */
	assert_true(str_eq(f.f[HELLO_NICK].s, "alice"));
	assert_true(str_eq(f.f[HELLO_CLIENT].s, "natter/" NATTER_VERSION));
	assert_false(server_recv(w, &f));
	assert_int_equal(core_state(&w->c), CORE_HANDSHAKE);
}

static void test_requests_held_until_welcome(void **state)
{
	struct world *w = *state;
	struct errmsg e;
	struct frame f;

	assert_int_equal(core_say(&w->c, str_c("early"), 0, &e), 0);
	assert_int_equal(core_quit(&w->c, str_c("done"), &e), 0);
	assert_false(core_accepting(&w->c));
	expect_frame(w, T_HELLO, &f);
	assert_false(server_recv(w, &f)); /* nothing but HELLO before WELCOME */
	welcome(w, "alice2");
	assert_string_equal(core_nick_now(&w->c), "alice2");
	assert_string_equal(core_room(&w->c), "#lobby");
	expect_frame(w, T_SAY, &f);
	assert_true(str_eq(f.f[SAY_TEXT].s, "early"));
	assert_int_equal(f.f[SAY_FLAGS].n, 0);
	assert_true(str_eq(f.f[SAY_TARGET].s, ""));
	expect_frame(w, T_QUIT, &f);
	assert_true(str_eq(f.f[QUIT_REASON].s, "done"));
	assert_int_equal(core_state(&w->c), CORE_QUITTING);
	bye(w, "quit");
	assert_true(core_done(&w->c));
	assert_int_equal(core_status(&w->c), EXIT_CLEAN);
	/* The held SAY is told at once (EV_SENDING): shown as not yet confirmed. */
	assert_string_equal(events(w),
			    "{\"type\":\"sending\",\"room\":\"#lobby\",\"text\":\"early\","
			    "\"action\":false}\n"
			    "{\"type\":\"welcome\",\"nick\":\"alice2\",\"server\":\"natterd\","
			    "\"room\":\"#lobby\",\"users\":2}\n"
			    "{\"type\":\"bye\",\"reason\":\"quit\"}\n");
}

static void test_commands_become_frames(void **state)
{
	struct world *w = ready(state);
	struct command cmd;
	struct errmsg e;
	struct frame f;

	command_parse("/me waves", 9, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_SAY, &f);
	assert_int_equal(f.f[SAY_FLAGS].n, MSGF_ACTION);
	assert_true(str_eq(f.f[SAY_TEXT].s, "waves"));
	command_parse("/nick bob", 9, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_NICK, &f);
	assert_true(str_eq(f.f[NICK_NICK].s, "bob"));
	command_parse("/who", 4, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_WHO, &f);
	assert_true(str_eq(f.f[WHO_TARGET].s, "#lobby")); /* the current room */
	command_parse("/who *", 6, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_WHO, &f);
	assert_true(str_eq(f.f[WHO_TARGET].s, "")); /* everyone */
	command_parse("/help", 5, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 1);
	command_parse("/quit", 5, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_QUIT, &f);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0); /* a second /quit sends nothing */
	assert_false(server_recv(w, &f));
	command_parse("late", 4, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), -1);
}

/* The classroom commands are version 2 requests; a bad argument is caught before sending. */
static void test_classroom_frames(void **state)
{
	struct world *w = ready(state);
	struct command cmd;
	struct errmsg e;
	struct frame f;

	command_parse("/announce quiz at 10", 20, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_ANNOUNCE, &f);
	assert_true(str_eq(f.f[ANNOUNCE_TEXT].s, "quiz at 10"));
	command_parse("/slow 30", 8, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_SLOW, &f);
	assert_true(str_eq(f.f[SLOW_ROOM].s, "#lobby")); /* the current room */
	assert_int_equal(f.f[SLOW_SECONDS].n, 30);
	command_parse("/slow 5 #lab", 12, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_SLOW, &f);
	assert_true(str_eq(f.f[SLOW_ROOM].s, "#lab"));
	command_parse("/slow soon", 10, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), -1);
	command_parse("/unmute bob", 11, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_MUTE, &f);
	assert_true(str_eq(f.f[MUTE_NICK].s, "bob"));
	assert_int_equal(f.f[MUTE_ON].n, 0);
	command_parse("/kick bob bye", 13, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_KICK, &f);
	assert_true(str_eq(f.f[KICK_NICK].s, "bob"));
	assert_true(str_eq(f.f[KICK_REASON].s, "bye"));
	command_parse("/hand next", 10, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_HAND, &f);
	assert_int_equal(f.f[HAND_OP].n, HAND_NEXT);
	command_parse("/hands", 6, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_HAND, &f);
	assert_int_equal(f.f[HAND_OP].n, HAND_LIST);
	command_parse("/hand wave", 10, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), -1);
	assert_false(server_recv(w, &f));
}

static void test_refused(void **state)
{
	struct world *w = *state;

	error_frame(w, ERR_NICK_INVALID, "nick 'x y' is not valid");
	assert_true(core_done(&w->c));
	assert_int_equal(core_status(&w->c), EXIT_REFUSED);
	assert_non_null(strstr(core_why(&w->c), "nick 'x y' is not valid"));
	assert_string_equal(events(w),
			    "{\"type\":\"error\",\"code\":200,\"name\":\"ERR_NICK_INVALID\","
			    "\"text\":\"nick 'x y' is not valid\"}\n");
}

static void test_unrequested_bye(void **state)
{
	struct world *w = ready(state);

	bye(w, "server \x1b[31mshutting down");
	assert_true(core_done(&w->c));
	assert_int_equal(core_status(&w->c), EXIT_LOST);
	/* The reason is shown, but never with a raw escape. */
	assert_non_null(strstr(core_why(&w->c), "server ^[[31mshutting down"));
	assert_false(core_fd(&w->c) >= 0);
}

static void test_errors_after_welcome(void **state)
{
	struct world *w = ready(state);

	error_frame(w, ERR_NICK_TAKEN, "nick bob is taken");
	assert_false(core_done(&w->c));
	error_frame(w, ERR_TIMEOUT, "you did not answer PING");
	assert_true(core_done(&w->c));
	assert_int_equal(core_status(&w->c), EXIT_LOST);
}

static void test_eof(void **state)
{
	struct world *w = ready(state);

	close(w->server);
	w->server = -1;
	pump(w);
	assert_true(core_done(&w->c));
	assert_int_equal(core_status(&w->c), EXIT_LOST);
	assert_non_null(strstr(core_why(&w->c), "test-peer closed the connection"));
}

static void test_ping_answered(void **state)
{
	struct world *w = ready(state);
	struct frame f = {.type = T_PING};

	f.f[PING_TOKEN].n = 0x0102030405060708ULL;
	server_send(w, &f);
	expect_frame(w, T_PONG, &f);
	assert_int_equal(f.f[PING_TOKEN].n, 0x0102030405060708ULL);
	assert_null(strstr(events(w), "ping"));
}

/* Frames trickling in one byte at a time are reassembled and delivered once. */
static void test_byte_by_byte(void **state)
{
	struct world *w = ready(state);
	struct frame f = {.type = T_MSG};
	struct buf b = {0};

	f.f[MSG_ID].n = 7;
	f.f[MSG_TIME].n = 1700000000000ULL;
	f.f[MSG_TARGET].s = str_c("#lobby");
	f.f[MSG_FROM].s = str_c("bob");
	f.f[MSG_TEXT].s = str_c("hi");
	proto_encode(&b, &f);
	proto_encode(&b, &f);
	buf_clear(&w->events);
	for (size_t i = 0; i < b.len; i++) {
		server_write(w, b.data + i, 1);
		pump(w);
		if (i + 1 < b.len / 2)
			assert_int_equal(w->events.len, 0);
	}
	buf_free(&b);
	assert_string_equal(events(w), "{\"type\":\"msg\",\"id\":7,\"time\":1700000000000,"
				       "\"room\":\"#lobby\",\"from\":\"bob\",\"text\":\"hi\","
				       "\"action\":false,\"history\":false,\"private\":false}\n"
				       "{\"type\":\"msg\",\"id\":7,\"time\":1700000000000,"
				       "\"room\":\"#lobby\",\"from\":\"bob\",\"text\":\"hi\","
				       "\"action\":false,\"history\":false,\"private\":false}\n");
}

/* A header announcing 65537 bytes ends the connection at once, with no body read. */
static void test_oversize_rejected(void **state)
{
	static const unsigned char too_big[] = {0x00, 0x01, 0x00, 0x01};
	struct world *w = ready(state);

	server_write(w, too_big, sizeof too_big);
	pump(w);
	assert_true(core_done(&w->c));
	assert_int_equal(core_status(&w->c), EXIT_ERROR);
	assert_non_null(strstr(core_why(&w->c), "65537"));
}

static void test_zero_length_rejected(void **state)
{
	static const unsigned char empty[] = {0x00, 0x00, 0x00, 0x00};
	struct world *w = ready(state);

	server_write(w, empty, sizeof empty);
	pump(w);
	assert_true(core_done(&w->c));
	assert_int_equal(core_status(&w->c), EXIT_ERROR);
}

static void test_protocol_violations(void **state)
{
	struct world *w = ready(state);
	struct frame f = {.type = T_SAY};

	/* A frame only clients may send. */
	f.f[SAY_TEXT].s = str_c("x");
	server_send(w, &f);
	assert_int_equal(core_status(&w->c), EXIT_ERROR);
	assert_non_null(strstr(core_why(&w->c), "SAY"));
}

static void test_msg_before_welcome(void **state)
{
	struct world *w = *state;
	struct frame f = {.type = T_NOTICE};

	f.f[NOTICE_TEXT].s = str_c("early");
	server_send(w, &f);
	assert_true(core_done(&w->c));
	assert_int_equal(core_status(&w->c), EXIT_ERROR);
}

static void test_whoreply_gathered(void **state)
{
	struct world *w = ready(state);
	struct who_entry a = {.nick = str_c("a"), .login = str_c("la"), .idle = 1};
	struct who_entry b = {.nick = str_c("b"), .login = str_c(""), .idle = 2};
	struct list_builder wb;
	struct buf out = {0};

	struct buf tagged = {0};
	uint32_t tag = 1u << 8 | T_WHO; /* the answer to our first request, a WHO */

	buf_clear(&w->events);
	who_begin(&wb, &out, str_c("#lobby"));
	who_add(&wb, &a);
	who_finish(&wb, true);
	assert_int_equal(proto_tag_frames(&tagged, out.data, out.len, tag), 0);
	server_write(w, tagged.data, tagged.len);
	pump(w);
	assert_int_equal(w->events.len, 0); /* more=1: wait for the rest */
	buf_clear(&out);
	buf_clear(&tagged);
	who_begin(&wb, &out, str_c("#lobby"));
	who_add(&wb, &b);
	who_add(&wb, &a);
	who_finish(&wb, false);
	assert_int_equal(proto_tag_frames(&tagged, out.data, out.len, tag), 0);
	server_write(w, tagged.data, tagged.len);
	pump(w);
	buf_free(&out);
	buf_free(&tagged);
	/* Its tag says it answers a WHO of ours. */
	assert_string_equal(events(w),
			    "{\"type\":\"who\",\"room\":\"#lobby\",\"users\":["
			    "{\"nick\":\"a\",\"login\":\"la\",\"idle\":1,\"flags\":0,\"away\":\"\","
			    "\"rooms\":\"\",\"tcp\":false},"
			    "{\"nick\":\"b\",\"login\":\"\",\"idle\":2,\"flags\":0,\"away\":\"\","
			    "\"rooms\":\"\",\"tcp\":false},"
			    "{\"nick\":\"a\",\"login\":\"la\",\"idle\":1,\"flags\":0,\"away\":\"\","
			    "\"rooms\":\"\",\"tcp\":false}],\"requested\":true,\"tag\":1}\n");
}

static void test_rename_tracks_own_nick(void **state)
{
	struct world *w = ready(state);
	struct frame f = {.type = T_RENAME};

	f.f[RENAME_OLD].s = str_c("bob");
	f.f[RENAME_NEW].s = str_c("robert");
	server_send(w, &f);
	assert_string_equal(core_nick_now(&w->c), "alice");
	f.f[RENAME_OLD].s = str_c("ALICE");
	f.f[RENAME_NEW].s = str_c("alicia");
	server_send(w, &f);
	assert_string_equal(core_nick_now(&w->c), "alicia");
}

static void join_frame(struct world *w, const char *room, const char *nick)
{
	struct frame f = {.type = T_JOIN};

	f.f[JOIN_TIME].n = 1700000000000ULL;
	f.f[JOIN_ROOM].s = str_c(room);
	f.f[JOIN_NICK].s = str_c(nick);
	f.f[JOIN_LOGIN].s = str_c("root");
	server_send(w, &f);
}

static void leave_frame(struct world *w, const char *room, const char *nick)
{
	struct frame f = {.type = T_LEAVE};

	f.f[LEAVE_ROOM].s = str_c(room);
	f.f[LEAVE_NICK].s = str_c(nick);
	f.f[LEAVE_REASON].s = str_c("bye");
	server_send(w, &f);
}

static void msg_frame(struct world *w, uint64_t id, const char *target, const char *from,
		      unsigned flags)
{
	struct frame f = {.type = T_MSG};

	f.f[MSG_ID].n = id;
	f.f[MSG_TIME].n = 1700000000000ULL;
	f.f[MSG_TARGET].s = str_c(target);
	f.f[MSG_FROM].s = str_c(from);
	f.f[MSG_FLAGS].n = flags;
	f.f[MSG_TEXT].s = str_c("x");
	server_send(w, &f);
}

/* A one-frame WHOREPLY of room listing alice, answering the request with tag (0: none). */
static void whoreply_tagged(struct world *w, const char *room, uint32_t tag)
{
	struct who_entry a = {.nick = str_c("alice"), .login = str_c("root")};
	struct list_builder wb;
	struct buf out = {0}, tagged = {0};

	who_begin(&wb, &out, str_c(room));
	who_add(&wb, &a);
	who_finish(&wb, false);
	if (tag != 0)
		assert_int_equal(proto_tag_frames(&tagged, out.data, out.len, tag), 0);
	else
		buf_append(&tagged, out.data, out.len);
	server_write(w, tagged.data, tagged.len);
	pump(w);
	buf_free(&out);
	buf_free(&tagged);
}

static void whoreply(struct world *w, const char *room)
{
	whoreply_tagged(w, room, 0);
}

/* Drop the connection and attach a new one; the server end is fresh. */
static void reconnect(struct world *w)
{
	struct errmsg e;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(core_attach(&w->c, sv[0], "again", "alice", &e), 0);
	close(w->server);
	w->server = sv[1];
	buf_clear(&w->rx);
}

static bool has_event(struct world *w, const char *json)
{
	return strstr(events(w), json) != NULL;
}

/* /join sends ENTER; the room becomes current when our JOIN comes, /part falls back to #lobby. */
static void test_join_and_part(void **state)
{
	struct world *w = ready(state);
	struct command cmd;
	struct errmsg e;
	struct frame f;
	uint32_t enter_tag;

	join_frame(w, "#lobby", "alice");
	whoreply(w, "#lobby");
	assert_true(has_event(w, "\"requested\":false}")); /* the listing that comes with a JOIN */
	assert_int_equal(core_room_count(&w->c), 1);
	command_parse("/join dev", 9, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_ENTER, &f);
	assert_true(str_eq(f.f[ENTER_ROOM].s, "#dev"));
	assert_int_equal(f.f[ENTER_AFTER].n, 0);
	assert_int_equal(f.tag & 0xff, T_ENTER); /* tagged: its DONE will say it is handled */
	enter_tag = f.tag;
	/* Lines typed before the JOIN comes back already go to the new room. */
	assert_string_equal(core_room(&w->c), "#lobby");
	assert_int_equal(core_say(&w->c, str_c("early"), 0, &e), 0);
	expect_frame(w, T_SAY, &f);
	assert_true(str_eq(f.f[SAY_TARGET].s, "#dev"));
	buf_clear(&w->events);
	join_frame(w, "#Dev", "ALICE");
	assert_string_equal(core_room(&w->c), "#Dev"); /* the server's spelling */
	assert_true(core_in_room(&w->c, str_c("#dev")));
	assert_string_equal(core_room_at(&w->c, 1), "#Dev");
	assert_non_null(strstr(events(w), "\"nick\":\"ALICE\",\"login\":\"root\"}\n"
					  "{\"type\":\"current\",\"room\":\"#Dev\"}\n"));
	whoreply(w, "#Dev");
	assert_true(has_event(w, "\"requested\":false}"));
	/* Someone else's JOIN: no switch; a WHOREPLY with our WHO's tag answers it. */
	buf_clear(&w->events);
	join_frame(w, "#lobby", "bob");
	assert_string_equal(core_room(&w->c), "#Dev");
	assert_int_equal(core_exec(&w->c, (command_parse("/who", 4, &cmd), &cmd), &e), 0);
	expect_frame(w, T_WHO, &f);
	assert_true(str_eq(f.f[WHO_TARGET].s, "#Dev"));
	whoreply_tagged(w, "#Dev", f.tag);
	assert_true(has_event(w, "\"requested\":true"));
	done_frame(w, enter_tag); /* the JOIN came first, so the DONE changes nothing */
	assert_string_equal(core_room(&w->c), "#Dev");
	command_parse("/part", 5, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_PART, &f);
	assert_true(str_eq(f.f[PART_ROOM].s, "#Dev"));
	buf_clear(&w->events);
	leave_frame(w, "#Dev", "bob"); /* not ours */
	assert_string_equal(core_room(&w->c), "#Dev");
	leave_frame(w, "#Dev", "alice");
	assert_string_equal(core_room(&w->c), "#lobby");
	assert_false(core_in_room(&w->c, str_c("#dev")));
	assert_true(has_event(w, "{\"type\":\"current\",\"room\":\"#lobby\"}\n"));
}

/* A /join of a room we are in switches at once; a failed one leaves us where we were. */
static void test_join_switch_and_failure(void **state)
{
	struct world *w = ready(state);
	struct errmsg e;
	struct frame f;

	join_frame(w, "#lobby", "alice");
	assert_int_equal(core_join(&w->c, str_c("#dev"), 0, &e), 0);
	expect_frame(w, T_ENTER, &f);
	join_frame(w, "#dev", "alice");
	assert_string_equal(core_room(&w->c), "#dev");
	buf_clear(&w->events);
	assert_int_equal(core_join(&w->c, str_c("#LOBBY"), 0, &e), 0);
	assert_false(server_recv(w, &f)); /* nothing sent: no history replayed again */
	assert_string_equal(core_room(&w->c), "#lobby");
	assert_string_equal(events(w), "{\"type\":\"current\",\"room\":\"#lobby\"}\n");
	assert_int_equal(core_switch(&w->c, str_c("#dev"), &e), 0);
	assert_string_equal(core_room(&w->c), "#dev");
	assert_int_equal(core_switch(&w->c, str_c("#nowhere"), &e), -1);
	assert_non_null(strstr(e.text, "#nowhere"));
	/* A bad name is refused here; a refused ENTER (its tagged ERROR) changes nothing. */
	assert_int_equal(core_join(&w->c, str_c("#no spaces"), 0, &e), -1);
	assert_false(server_recv(w, &f));
	assert_int_equal(core_join(&w->c, str_c("#full"), 0, &e), 0);
	expect_frame(w, T_ENTER, &f);
	error_tagged(w, ERR_ROOM_LIMIT, "too many rooms", f.tag);
	assert_string_equal(core_room(&w->c), "#dev");
	assert_int_equal(core_say(&w->c, str_c("x"), 0, &e), 0);
	expect_frame(w, T_SAY, &f);
	assert_true(str_eq(f.f[SAY_TARGET].s, "#dev"));
}

/* Every request type becomes its frame. */
static void test_room_requests(void **state)
{
	struct world *w = ready(state);
	struct command cmd;
	struct errmsg e;
	struct frame f;

	command_parse("/msg bob  psst", 14, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_SAY, &f);
	assert_true(str_eq(f.f[SAY_TARGET].s, "bob"));
	assert_true(str_eq(f.f[SAY_TEXT].s, "psst"));
	command_parse("/rooms", 6, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_LIST, &f);
	command_parse("/topic", 6, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_TOPIC, &f);
	assert_true(str_eq(f.f[TOPIC_ROOM].s, "#lobby"));
	assert_int_equal(f.f[TOPIC_SET].n, 0);
	command_parse("/topic hot stuff", 16, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_TOPIC, &f);
	assert_int_equal(f.f[TOPIC_SET].n, 1);
	assert_true(str_eq(f.f[TOPIC_TEXT].s, "hot stuff"));
	command_parse("/away lunch", 11, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_AWAY, &f);
	assert_true(str_eq(f.f[AWAY_TEXT].s, "lunch"));
	command_parse("/away", 5, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_AWAY, &f);
	assert_int_equal(f.f[AWAY_TEXT].s.len, 0);
	command_parse("/part #dev gone", 15, &cmd);
	assert_int_equal(core_exec(&w->c, &cmd, &e), 0);
	expect_frame(w, T_PART, &f);
	assert_true(str_eq(f.f[PART_ROOM].s, "#dev"));
	assert_true(str_eq(f.f[PART_REASON].s, "gone"));
}

static void test_private_and_history_flags(void **state)
{
	struct world *w = ready(state);

	buf_clear(&w->events);
	msg_frame(w, 3, "#lobby", "bob", MSGF_HISTORY);
	msg_frame(w, 4, "alice", "bob", 0);
	msg_frame(w, 5, "bob", "alice", MSGF_ACTION);
	assert_true(has_event(w, "\"id\":3,"));
	assert_true(has_event(w,
			      "\"from\":\"bob\",\"text\":\"x\",\"action\":false,\"history\":true,"
			      "\"private\":false}\n"));
	assert_true(has_event(w,
			      "\"room\":\"alice\",\"from\":\"bob\",\"text\":\"x\",\"action\":false,"
			      "\"history\":false,\"private\":true}\n"));
	assert_true(has_event(w, "\"action\":true,\"history\":false,\"private\":true}\n"));
	assert_int_equal(core_last_id(&w->c), 5);
}

static void test_roomlist_gathered(void **state)
{
	struct world *w = ready(state);
	struct frame head = {.type = T_ROOMLIST};
	struct field a[3] = {{.s = str_c("#lobby")}, {.n = 3}, {.s = str_c("")}};
	struct field b[3] = {{.s = str_c("#dev")}, {.n = 2}, {.s = str_c("C")}};
	struct list_builder lb;
	struct buf out = {0};

	buf_clear(&w->events);
	list_begin(&lb, &out, &head);
	list_add(&lb, a);
	list_finish(&lb, true);
	server_write(w, out.data, out.len);
	pump(w);
	assert_int_equal(w->events.len, 0); /* more=1: wait for the rest */
	buf_clear(&out);
	list_begin(&lb, &out, &head);
	list_add(&lb, b);
	list_finish(&lb, false);
	server_write(w, out.data, out.len);
	pump(w);
	buf_free(&out);
	assert_string_equal(events(w), "{\"type\":\"rooms\",\"rooms\":["
				       "{\"room\":\"#lobby\",\"members\":3,\"topic\":\"\"},"
				       "{\"room\":\"#dev\",\"members\":2,\"topic\":\"C\"}]}\n");
}

/*
 * After a lost connection: HELLO resumes from the highest id seen (private
 * ones too), every other room is entered again with after = that id, before
 * anything typed meanwhile, and we keep talking in the same room.
 */
static void test_resume_after_reconnect(void **state)
{
	struct world *w = ready(state);
	struct errmsg e;
	uint32_t ops_tag;
	struct frame f;

	join_frame(w, "#lobby", "alice");
	assert_int_equal(core_join(&w->c, str_c("#dev"), 0, &e), 0);
	assert_int_equal(core_join(&w->c, str_c("#ops"), 0, &e), 0);
	join_frame(w, "#ops", "alice");
	join_frame(w, "#dev", "alice");
	msg_frame(w, 7, "#lobby", "bob", 0);
	msg_frame(w, 12, "alice", "bob", 0); /* private */
	msg_frame(w, 9, "#dev", "bob", MSGF_HISTORY);
	assert_int_equal(core_last_id(&w->c), 12);
	assert_int_equal(core_room_count(&w->c), 3);
	close(w->server);
	w->server = -1;
	pump(w);
	assert_true(core_done(&w->c));

	reconnect(w);
	assert_string_equal(core_room(&w->c), "#ops"); /* the last /join asked for #ops */
	assert_int_equal(core_say(&w->c, str_c("typed while away"), 0, &e), 0);
	expect_frame(w, T_HELLO, &f);
	assert_int_equal(f.f[HELLO_RESUME].n, 12);
	welcome(w, "alice");
	assert_string_equal(core_room(&w->c), "#ops");
	expect_frame(w, T_ENTER, &f);
	assert_true(str_eq(f.f[ENTER_ROOM].s, "#ops"));
	assert_int_equal(f.f[ENTER_AFTER].n, 12);
	expect_frame(w, T_ENTER, &f);
	assert_true(str_eq(f.f[ENTER_ROOM].s, "#dev"));
	assert_int_equal(f.f[ENTER_AFTER].n, 12);
	expect_frame(w, T_SAY, &f);
	assert_true(str_eq(f.f[SAY_TARGET].s, "#ops"));
	assert_false(server_recv(w, &f));
	/* The server lost #dev's JOIN to a second drop: it is entered again next time. */
	join_frame(w, "#lobby", "alice");
	join_frame(w, "#ops", "alice");
	msg_frame(w, 20, "#lobby", "bob", MSGF_HISTORY);
	reconnect(w);
	expect_frame(w, T_HELLO, &f);
	assert_int_equal(f.f[HELLO_RESUME].n, 20);
	welcome(w, "alice");
	expect_frame(w, T_ENTER, &f);
	assert_true(str_eq(f.f[ENTER_ROOM].s, "#dev"));
	assert_int_equal(f.f[ENTER_AFTER].n, 20);
	expect_frame(w, T_ENTER, &f);
	assert_true(str_eq(f.f[ENTER_ROOM].s, "#ops"));
	ops_tag = f.tag;
	assert_false(server_recv(w, &f));
	/* Entering #ops fails this time (its tagged ERROR): back to #lobby. */
	join_frame(w, "#lobby", "alice");
	buf_clear(&w->events);
	error_tagged(w, ERR_ROOM_LIMIT, "full", ops_tag);
	assert_string_equal(core_room(&w->c), "#lobby");
	assert_true(has_event(w, "\"type\":\"error\""));
	assert_true(has_event(w, "{\"type\":\"current\",\"room\":\"#lobby\""));
}

/* A parted room is not entered again; MISSED becomes an event. */
static void test_resume_missed(void **state)
{
	struct world *w = ready(state);
	struct frame f = {.type = T_MISSED};
	struct errmsg e;

	join_frame(w, "#lobby", "alice");
	join_frame(w, "#dev", "alice");
	assert_int_equal(core_part(&w->c, str_c("#dev"), str_c(""), &e), 0);
	leave_frame(w, "#dev", "alice");
	reconnect(w);
	expect_frame(w, T_HELLO, &f);
	assert_int_equal(f.f[HELLO_RESUME].n, 0); /* no message seen: a fresh start */
	welcome(w, "alice");
	assert_false(server_recv(w, &f));
	buf_clear(&w->events);
	f = (struct frame){.type = T_MISSED};
	f.f[MISSED_ROOM].s = str_c("#lobby");
	f.f[MISSED_COUNT].n = 12;
	f.f[MISSED_FIRST].n = 345;
	f.f[MISSED_EXACT].n = 1;
	server_send(w, &f);
	assert_string_equal(events(w), "{\"type\":\"missed\",\"room\":\"#lobby\",\"count\":12,"
				       "\"first\":345,\"exact\":true}\n");
}

/* natter --resume ID: the first HELLO carries it. */
static void test_set_resume(void **state)
{
	struct world *w = *state;
	struct frame f;

	core_set_resume(&w->c, 4242);
	reconnect(w);
	expect_frame(w, T_HELLO, &f);
	assert_int_equal(f.f[HELLO_RESUME].n, 4242);
	assert_int_equal(core_last_id(&w->c), 4242);
	core_set_resume(&w->c, 7); /* never backwards */
	assert_int_equal(core_last_id(&w->c), 4242);
}

/* Frames still coming while we wait for BYE (a server working through held-back input) extend the
 * wait. */
static void test_quit_wait_bounded_by_silence(void **state)
{
	struct world *w = ready(state);
	uint64_t start = mono_ms();
	struct errmsg e;

	assert_int_equal(core_quit(&w->c, str_c(""), &e), 0);
	assert_int_equal(core_state(&w->c), CORE_QUITTING);
	core_tick(&w->c, start + QUIT_TIMEOUT_MS / 2);
	/* The frame comes later than start: its deadline is later than the first one. */
	assert_int_equal(nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL), 0);
	msg_frame(w, 1, "#lobby", "alice", 0);
	/* Past the first deadline, but the server spoke meanwhile. */
	core_tick(&w->c, start + QUIT_TIMEOUT_MS + 1);
	assert_false(core_done(&w->c));
	core_tick(&w->c, mono_ms() + QUIT_TIMEOUT_MS + 1);
	assert_true(core_done(&w->c));
	assert_int_equal(core_status(&w->c), EXIT_LOST);
	assert_non_null(strstr(core_why(&w->c), "went silent"));
}

static void test_deadlines(void **state)
{
	struct world *w = *state;
	uint64_t now = mono_ms();
	struct errmsg e;
	int sv[2];

	assert_true(core_timeout_ms(&w->c, now) > 0);
	core_tick(&w->c, now + HANDSHAKE_TIMEOUT_MS + 1000);
	assert_int_equal(core_status(&w->c), EXIT_NO_SERVER);

	/* Reconnecting resets everything; then a QUIT that is never confirmed. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(core_attach(&w->c, sv[0], "again", "alice", &e), 0);
	close(w->server);
	w->server = sv[1];
	buf_clear(&w->rx);
	ready(state);
	/* Connected, the only deadline is the keepalive's. */
	assert_true(core_timeout_ms(&w->c, mono_ms()) <= PING_INTERVAL_MS);
	assert_int_equal(core_quit(&w->c, str_c(""), &e), 0);
	core_tick(&w->c, mono_ms() + QUIT_TIMEOUT_MS + 1000);
	assert_int_equal(core_status(&w->c), EXIT_LOST);
}

/* A silent server is PINGed; its PONG ends the lag; a PING left unanswered ends the connection. */
static void test_keepalive(void **state)
{
	struct world *w = ready(state);
	uint64_t now = mono_ms();
	struct frame f;

	core_tick(&w->c, now + 1);
	assert_false(server_recv(w, &f)); /* not silent yet */
	core_tick(&w->c, now + PING_INTERVAL_MS + 1);
	expect_frame(w, T_PING, &f);
	assert_int_equal(core_lag_ms(&w->c, now + PING_INTERVAL_MS + 1), 0);
	assert_true(core_lag_ms(&w->c, now + PING_INTERVAL_MS + LAG_SHOW_MS + 1) >= LAG_SHOW_MS);
	f.type = T_PONG;
	server_send(w, &f);
	assert_int_equal(core_lag_ms(&w->c, mono_ms() + LAG_SHOW_MS), 0);
	assert_null(strstr(events(w), "notice")); /* a PONG is no event */
	/* Silent again: another PING, and no answer for the timeout. */
	now = mono_ms();
	core_tick(&w->c, now + PING_INTERVAL_MS + 1);
	expect_frame(w, T_PING, &f);
	core_tick(&w->c, now + PING_INTERVAL_MS + 2);
	assert_false(core_done(&w->c));
	core_tick(&w->c, now + PING_INTERVAL_MS * (1 + PING_TIMEOUT_FACTOR) + 2);
	assert_true(core_done(&w->c));
	assert_int_equal(core_status(&w->c), EXIT_LOST);
	assert_non_null(strstr(core_why(&w->c), "has not answered a PING"));
}

/* A line sent to a server that does not answer shows lag after LAG_SHOW_MS, backed by a PING. */
static void test_lag_of_a_request(void **state)
{
	struct world *w = ready(state);
	struct errmsg e;
	struct frame f;
	uint64_t now;

	assert_int_equal(core_say(&w->c, str_c("hello"), 0, &e), 0);
	now = mono_ms();
	expect_frame(w, T_SAY, &f);
	assert_int_equal(core_lag_ms(&w->c, now), 0);
	core_tick(&w->c, now + LAG_SHOW_MS + 1);
	expect_frame(w, T_PING, &f);
	assert_true(core_lag_ms(&w->c, now + LAG_SHOW_MS + 1) >= LAG_SHOW_MS);
	/*
	 * Anything from the server is an answer, even when it comes within the
	 * millisecond of what was heard before (a fast machine): the keepalive's
	 * last hearing is put ahead of the clock to make that case certain.
	 */
	w->c.ka.heard_ms = mono_ms() + LAG_SHOW_MS;
	done_frame(w, 1 << 8 | T_SAY);
	assert_int_equal(core_lag_ms(&w->c, now + LAG_SHOW_MS + 1), 0);
}

/* natter --resume ID: each room's first /join asks for the messages after ID, once. */
static void test_resume_joined_rooms(void **state)
{
	struct world *w;
	struct errmsg e;
	struct frame f;

	core_set_resume(&(*(struct world **)state)->c, 4242);
	w = ready(state);
	assert_int_equal(core_join(&w->c, str_c("#dev"), 0, &e), 0);
	expect_frame(w, T_ENTER, &f);
	assert_int_equal(f.f[ENTER_AFTER].n, 4242);
	assert_int_equal(core_join(&w->c, str_c("#Ops"), 0, &e), 0);
	expect_frame(w, T_ENTER, &f);
	assert_int_equal(f.f[ENTER_AFTER].n, 4242);
	/* Entering #dev again later in the run is a fresh entry. */
	assert_int_equal(core_join(&w->c, str_c("#DEV"), 0, &e), 0);
	expect_frame(w, T_ENTER, &f);
	assert_int_equal(f.f[ENTER_AFTER].n, 0);
}

/* A SAY is told as it goes out, with the handle its DONE (or ERROR) comes back with. */
static void test_sending_matches_done(void **state)
{
	struct world *w = ready(state);
	struct errmsg e;
	struct frame f;
	uint32_t first;

	assert_int_equal(core_say(&w->c, str_c("one"), 0, &e), 0);
	first = w->sending_req;
	assert_int_not_equal(first, 0);
	assert_int_equal(core_say(&w->c, str_c("two"), MSGF_ACTION, &e), 0);
	assert_int_not_equal(w->sending_req, first);
	assert_non_null(strstr(events(w),
			       "\"type\":\"sending\",\"room\":\"#lobby\",\"text\":\"two\","
			       "\"action\":true"));
	expect_frame(w, T_SAY, &f);
	done_frame(w, f.tag);
	assert_int_equal(w->done_req, first);
	expect_frame(w, T_SAY, &f);
	error_tagged(w, ERR_MUTED, "muted", f.tag);
	assert_int_equal(w->done_req, w->sending_req);
}

/* A WHO made with a reference: its whole listing carries it, even one ended by another room's. */
static void test_who_reference(void **state)
{
	struct world *w = ready(state);
	struct errmsg e;
	struct frame f, r = {.type = T_WHOREPLY};

	core_set_ref(&w->c, 77);
	assert_int_equal(core_who(&w->c, str_c("#dev"), &e), 0);
	core_set_ref(&w->c, 0);
	expect_frame(w, T_WHO, &f);
	r.f[WHOREPLY_ROOM].s = str_c("#dev");
	r.f[WHOREPLY_MORE].n = 1;
	r.tag = f.tag;
	server_send(w, &r);
	/* A listing of another room (an ENTER's, untagged) ends the first run. */
	r.f[WHOREPLY_ROOM].s = str_c("#ops");
	r.f[WHOREPLY_MORE].n = 0;
	r.tag = 0;
	server_send(w, &r);
	assert_int_equal(w->who_tag, 0); /* the second listing's */
	assert_non_null(strstr(events(w), "\"requested\":true"));
	assert_non_null(strstr(events(w), "\"tag\":77"));
}

/* How many times needle occurs in hay. */
static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/*
 * A listing longer than MAX_WHO_BYTES is shown in parts: every user once,
 * each part for the same room, requested and with the WHO's reference.
 */
static void test_who_listing_in_parts(void **state)
{
	struct world *w = ready(state);
	struct errmsg e;
	struct frame f;
	struct buf out = {0}, tagged = {0};
	struct list_builder wb;
	char nick[16];
	size_t users = 0, sent = 0;

	core_set_ref(&w->c, 78);
	assert_int_equal(core_who(&w->c, str_c("#dev"), &e), 0);
	core_set_ref(&w->c, 0);
	expect_frame(w, T_WHO, &f);
	/* Frames of about 64 KiB each until the run is well past the bound, then the last. */
	for (int frame = 0; sent <= MAX_WHO_BYTES + MAX_BODY_BYTES; frame++) {
		bool last = sent + MAX_BODY_BYTES > MAX_WHO_BYTES + MAX_BODY_BYTES;
		struct who_entry u = {.nick = str_c(nick), .login = str_c("root")};

		buf_clear(&out);
		buf_clear(&tagged);
		who_begin(&wb, &out, str_c("#dev"));
		do {
			snprintf(nick, sizeof nick, "u%zu", users);
		} while (who_add(&wb, &u) && ++users);
		who_finish(&wb, !last);
		assert_int_equal(proto_tag_frames(&tagged, out.data, out.len, f.tag), 0);
		server_write(w, tagged.data, tagged.len);
		pump(w);
		sent += out.len;
		assert_true(frame < 64);
	}
	assert_int_equal(count_of(events(w), "\"requested\":true"), 2);
	assert_int_equal(count_of(events(w), "\"tag\":78"), 2);
	assert_int_equal(count_of(events(w), "\"room\":\"#dev\""), 2);
	assert_int_equal(count_of(events(w), "{\"nick\":"), users);
	buf_free(&out);
	buf_free(&tagged);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hello, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_requests_held_until_welcome, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_commands_become_frames, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_classroom_frames, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unrequested_bye, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_errors_after_welcome, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_eof, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ping_answered, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_byte_by_byte, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_oversize_rejected, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_zero_length_rejected, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_protocol_violations, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_msg_before_welcome, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_whoreply_gathered, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rename_tracks_own_nick, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_join_and_part, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_join_switch_and_failure, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_room_requests, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_private_and_history_flags, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_roomlist_gathered, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resume_after_reconnect, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resume_missed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set_resume, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_quit_wait_bounded_by_silence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deadlines, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_keepalive, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sending_matches_done, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_who_reference, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lag_of_a_request, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resume_joined_rooms, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_who_listing_in_parts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
