/* test_client_core.c - the client core and session against a scripted server on a socketpair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "core.h"
#include "format.h"
#include "sys.h"

/* One test's world: the client under test and the server end of its socketpair. */
struct world {
	struct core c;
	int server;
	struct buf events; /* every event as a JSON line */
	struct buf rx;     /* bytes the server end has read */
	struct buf last;   /* the frame server_recv returned last (its strings point here) */
};

static void record(void *ctx, const struct event *ev)
{
	struct world *w = ctx;

	format_json(&w->events, ev);
	buf_append(&w->events, "\n", 1);
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

static void error_frame(struct world *w, unsigned code, const char *text)
{
	struct frame f = {.type = T_ERROR};

	f.f[ERROR_CODE].n = code;
	f.f[ERROR_TEXT].s = str_c(text);
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
	assert_int_equal(f.f[HELLO_VERSION].n, 1);
	assert_true(str_eq(f.f[HELLO_NICK].s, "alice"));
	assert_true(str_eq(f.f[HELLO_CLIENT].s, "natter/0.1.0"));
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
	assert_string_equal(events(w),
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
	assert_true(str_eq(f.f[WHO_TARGET].s, ""));
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
	                               "\"action\":false}\n"
	                               "{\"type\":\"msg\",\"id\":7,\"time\":1700000000000,"
	                               "\"room\":\"#lobby\",\"from\":\"bob\",\"text\":\"hi\","
	                               "\"action\":false}\n");
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

	buf_clear(&w->events);
	who_begin(&wb, &out, str_c("#lobby"));
	who_add(&wb, &a);
	who_finish(&wb, true);
	server_write(w, out.data, out.len);
	pump(w);
	assert_int_equal(w->events.len, 0); /* more=1: wait for the rest */
	buf_clear(&out);
	who_begin(&wb, &out, str_c("#lobby"));
	who_add(&wb, &b);
	who_add(&wb, &a);
	who_finish(&wb, false);
	server_write(w, out.data, out.len);
	pump(w);
	buf_free(&out);
	assert_string_equal(events(w), "{\"type\":\"who\",\"room\":\"#lobby\",\"users\":["
	                               "{\"nick\":\"a\",\"login\":\"la\",\"idle\":1},"
	                               "{\"nick\":\"b\",\"login\":\"\",\"idle\":2},"
	                               "{\"nick\":\"a\",\"login\":\"la\",\"idle\":1}]}\n");
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
	assert_int_equal(core_timeout_ms(&w->c, mono_ms()), -1);
	assert_int_equal(core_quit(&w->c, str_c(""), &e), 0);
	core_tick(&w->c, mono_ms() + QUIT_TIMEOUT_MS + 1000);
	assert_int_equal(core_status(&w->c), EXIT_LOST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hello, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_requests_held_until_welcome, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_commands_become_frames, setup, teardown),
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
	    cmocka_unit_test_setup_teardown(test_deadlines, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
