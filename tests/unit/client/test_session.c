/* SPDX-License-Identifier: ISC */
/* client/test_session.c - the session's I/O layers: none without options, --trace and --lab-faults
 * around the socket calls for one connection each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "session.h"
#include "sys.h"

static int frames_seen;

static int on_frame(void *ctx, const struct frame *f)
{
	(void)ctx;
	(void)f;
	frames_seen++;
	return 0;
}

/* Attach s to one end of a socketpair; *peer is the server's end (non-blocking). */
static void attach(struct session *s, int *peer)
{
	struct errmsg e;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(session_attach(s, sv[0], "test", "alice", &e), 0);
	*peer = sv[1];
}

/* Without options the session reads and writes with the plain socket calls, and shows nothing. */
static void test_plain(void **state)
{
	struct frame ping = {.type = T_PING};
	struct session s;
	struct buf b = {0};
	unsigned char in[256];
	struct errmsg e;
	ssize_t n;
	int peer;

	(void)state;
	session_init(&s, on_frame, NULL);
	attach(&s, &peer);
	assert_null(s.io->below); /* the plain layer alone */
	assert_ptr_not_equal(s.show, tracing_show);
	assert_int_equal(session_poll_events(&s), POLLIN | POLLOUT);
	assert_int_equal(session_timeout_ms(&s, mono_ms()), -1);
	assert_int_equal(session_handle(&s, POLLOUT, &e), SESSION_OK);
	assert_int_equal(session_backlog(&s), 0);
	n = read(peer, in, sizeof in);
	assert_true(n > FRAME_HEADER_BYTES);
	assert_int_equal(frame_complete(in, (size_t)n), n); /* HELLO, whole, in one write */

	ping.f[PING_TOKEN].n = 7; /* answered inside the session, with no callback */
	assert_int_equal(proto_encode(&b, &ping), 0);
	assert_int_equal(write(peer, b.data, b.len), (ssize_t)b.len);
	assert_int_equal(session_handle(&s, POLLIN | POLLOUT, &e), SESSION_OK);
	assert_int_equal(frames_seen, 0);
	n = read(peer, in, sizeof in);
	assert_int_equal(n, 13);
	assert_int_equal(in[FRAME_HEADER_BYTES], T_PONG);

	close(peer);
	assert_int_equal(session_handle(&s, POLLIN, &e), SESSION_EOF);
	assert_string_equal(e.text, "the server at test closed the connection");
	session_free(&s);
	buf_free(&b);
}

/* --trace and --lab-faults wrap the plain calls for one connection; closing takes them off. */
static void test_layers(void **state)
{
	struct trace_sink sink = {.fd = -1, .name = "a pipe"};
	struct lab_faults f;
	struct session s;
	struct errmsg e;
	char shown[4096];
	unsigned char b[64];
	ssize_t n;
	int peer, tp[2];

	(void)state;
	assert_int_equal(pipe(tp), 0);
	assert_int_equal(fcntl(tp[0], F_SETFL, O_NONBLOCK), 0);
	sink.fd = tp[1];
	assert_int_equal(lab_faults_parse("bytewise", &f, &e), 0);
	session_init(&s, on_frame, NULL);
	s.trace = &sink;
	s.faults = &f;
	attach(&s, &peer);
	assert_non_null(s.io->below); /* the lab layer, around the plain one */
	assert_null(s.io->below->below);
	assert_ptr_equal(s.show, tracing_show);
	assert_int_equal(session_handle(&s, POLLOUT, &e), SESSION_OK);
	assert_int_equal(read(peer, b, sizeof b), 1); /* bytewise: one byte per turn */
	n = read(tp[0], shown, sizeof shown - 1);
	assert_true(n > 0);
	shown[n] = '\0';
	assert_non_null(strstr(shown, " out natterd at test  HELLO "));
	assert_non_null(strstr(shown, "lab fault bytewise: the next frame ("));

	session_close(&s); /* the layers go with the connection... */
	assert_null(s.io->below);
	close(peer);
	attach(&s, &peer); /* ... and the next one has its own, starting afresh */
	assert_non_null(s.io->below);
	assert_int_equal(session_handle(&s, POLLOUT, &e), SESSION_OK);
	assert_int_equal(read(peer, b, sizeof b), 1);
	n = read(tp[0], shown, sizeof shown - 1);
	assert_true(n > 0);
	shown[n] = '\0';
	assert_non_null(strstr(shown, "lab fault bytewise: the next frame ("));
	session_free(&s);
	assert_null(s.io->below);
	close(peer);
	close(tp[0]);
	close(tp[1]);
	buf_free(&sink.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_layers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
