/* SPDX-License-Identifier: ISC */
/* client/test_labfaults.c - natter --lab-faults: the parser, and the write planner driven by hand.
 */
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

#include "core.h"
#include "labfaults.h"
#include "proto.h"
#include "sys.h"

static void test_parse_each(void **state)
{
	struct lab_faults f;
	struct errmsg e;
	char text[LAB_DESCRIBE_BYTES];

	(void)state;
	assert_int_equal(lab_faults_parse("bytewise", &f, &e), 0);
	assert_true(f.on && f.bytewise);
	assert_int_equal(f.merge, 0);
	assert_false(f.drop);
	assert_int_equal(lab_faults_parse("bytewise,merge=4,delay=200,drop=5", &f, &e), 0);
	assert_true(f.on && f.bytewise && f.drop);
	assert_int_equal(f.merge, 4);
	assert_int_equal(f.delay_ms, 200);
	assert_int_equal(f.drop_after, 5);
	lab_faults_describe(&f, text, sizeof text);
	assert_string_equal(text, "bytewise,merge=4,delay=200,drop=5");
	assert_int_equal(lab_faults_parse("drop=0", &f, &e), 0);
	assert_true(f.drop);
	assert_int_equal(f.drop_after, 0);
	lab_faults_describe(&f, text, sizeof text);
	assert_string_equal(text, "drop=0");
	assert_int_equal(lab_faults_parse("merge=64,delay=10000", &f, &e), 0);
}

static void test_parse_errors(void **state)
{
	static const char *const bad[] = {
	    "",		 "bytes",	 "bytewise=1", "merge",	    "merge=",
	    "merge=1",	 "merge=65",	 "merge=x",    "delay=0",   "delay=10001",
	    "drop=-1",	 "drop=1000001", "bytewise,",  ",bytewise", "bytewise,,merge=2",
	    "delay=5ms", " bytewise",
	};
	struct lab_faults f;
	struct errmsg e;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.text[0] = '\0';
		assert_int_equal(lab_faults_parse(bad[i], &f, &e), -1);
		assert_false(f.on);
		assert_non_null(strstr(e.text, "--lab-faults"));
	}
	assert_int_equal(lab_faults_parse("frobnicate", &f, &e), -1);
	assert_string_equal(e.text, "--lab-faults: 'frobnicate' is not a fault; use bytewise, "
				    "merge=N, delay=MS or drop=N, separated by commas");
	assert_int_equal(lab_faults_parse("merge=1", &f, &e), -1);
	assert_string_equal(e.text,
			    "--lab-faults: merge= needs a number of frames from 2 to 64, not '1'");
}

/* An output buffer of k PING frames (13 bytes each). */
static void pings(struct buf *out, int k)
{
	struct frame p = {.type = T_PING};

	buf_clear(out);
	for (int i = 0; i < k; i++) {
		p.f[PING_TOKEN].n = (uint64_t)i;
		assert_int_equal(proto_encode(out, &p), 0);
	}
}

/* Carry out one planned write of len bytes (as the lab layer does after send()). */
static void wrote(const struct lab_faults *f, struct lab_state *st, struct buf *out, size_t len,
		  uint64_t now)
{
	lab_wrote(f, st, out->data, out->len, len, now);
	buf_consume(out, len);
}

static void test_bytewise(void **state)
{
	struct lab_faults f;
	struct lab_state st = {0};
	struct buf out = {0};
	struct errmsg e;
	size_t len, writes = 0;
	uint64_t wake;

	(void)state;
	assert_int_equal(lab_faults_parse("bytewise", &f, &e), 0);
	pings(&out, 2);
	while (lab_next(&f, &st, out.data, out.len, 1000, &len, &wake) == LAB_WRITE) {
		assert_int_equal(len, 1);
		if (writes == 0 || writes == 13) {
			assert_true(st.chunk_started);
			assert_int_equal(st.chunk_frames, 1);
			assert_int_equal(st.chunk_bytes, 13);
		} else {
			assert_false(st.chunk_started);
		}
		wrote(&f, &st, &out, len, 1000);
		writes++;
	}
	assert_int_equal(writes, 26);
	assert_int_equal(st.frames_done, 2);
	assert_int_equal(wake, 0);
	buf_free(&out);
}

static void test_merge_holds_then_writes(void **state)
{
	struct lab_faults f;
	struct lab_state st = {0};
	struct buf out = {0};
	struct errmsg e;
	size_t len;
	uint64_t wake;

	(void)state;
	assert_int_equal(lab_faults_parse("merge=3", &f, &e), 0);
	/* Two frames of three: held, until LAB_MERGE_HOLD_MS passes or a third comes. */
	pings(&out, 2);
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 1000, &len, &wake), LAB_WAIT);
	assert_int_equal(wake, 1000 + LAB_MERGE_HOLD_MS);
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 1050, &len, &wake), LAB_WAIT);
	assert_int_equal(wake, 1000 + LAB_MERGE_HOLD_MS);
	pings(&out, 4);
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 1060, &len, &wake), LAB_WRITE);
	assert_int_equal(len, 3 * 13);
	assert_int_equal(st.chunk_frames, 3);
	/* A partial write: the rest of the chunk goes next, nothing is replanned. */
	wrote(&f, &st, &out, 20, 1060);
	assert_int_equal(st.frames_done, 1);
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 1060, &len, &wake), LAB_WRITE);
	assert_int_equal(len, 19);
	assert_false(st.chunk_started);
	wrote(&f, &st, &out, len, 1060);
	assert_int_equal(st.frames_done, 3);
	/* One frame left: held, then written alone when the hold ends. */
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 1070, &len, &wake), LAB_WAIT);
	assert_int_equal(
	    lab_next(&f, &st, out.data, out.len, 1070 + LAB_MERGE_HOLD_MS, &len, &wake), LAB_WRITE);
	assert_int_equal(len, 13);
	assert_int_equal(st.chunk_frames, 1);
	buf_free(&out);
}

static void test_delay(void **state)
{
	struct lab_faults f;
	struct lab_state st = {0};
	struct buf out = {0};
	struct errmsg e;
	size_t len;
	uint64_t wake;

	(void)state;
	assert_int_equal(lab_faults_parse("delay=200", &f, &e), 0);
	pings(&out, 2);
	/* Every write waits 200 ms: the first after the output appears, the others after the last.
	 */
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 4800, &len, &wake), LAB_WAIT);
	assert_int_equal(wake, 5000);
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 5000, &len, &wake), LAB_WRITE);
	assert_int_equal(len, 13);
	wrote(&f, &st, &out, len, 5000);
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 5100, &len, &wake), LAB_WAIT);
	assert_int_equal(wake, 5200);
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 5200, &len, &wake), LAB_WRITE);
	assert_int_equal(len, 13);
	wrote(&f, &st, &out, len, 5200);
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 5200, &len, &wake), LAB_WAIT);
	assert_int_equal(wake, 0); /* nothing queued */
	buf_free(&out);
}

static void test_drop(void **state)
{
	struct lab_faults f;
	struct lab_state st = {0};
	struct buf out = {0};
	struct errmsg e;
	size_t len;
	uint64_t wake;

	(void)state;
	assert_int_equal(lab_faults_parse("merge=4,drop=2", &f, &e), 0);
	pings(&out, 5);
	/* The merge stops short of the frame that is cut. */
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 0, &len, &wake), LAB_WRITE);
	assert_int_equal(len, 26);
	wrote(&f, &st, &out, len, 0);
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 0, &len, &wake), LAB_WRITE);
	assert_true(st.chunk_started);
	assert_int_equal(st.chunk_frames, 0);
	assert_int_equal(st.drop_frame_bytes, 13);
	assert_int_equal(len, 6);
	wrote(&f, &st, &out, len, 0);
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 0, &len, &wake), LAB_CLOSE);
	assert_int_equal(st.frames_done, 2);
	buf_free(&out);

	/* drop=0: half of the very first frame. */
	memset(&st, 0, sizeof st);
	assert_int_equal(lab_faults_parse("drop=0,bytewise", &f, &e), 0);
	pings(&out, 1);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(lab_next(&f, &st, out.data, out.len, 0, &len, &wake), LAB_WRITE);
		assert_int_equal(len, 1);
		wrote(&f, &st, &out, len, 0);
	}
	assert_int_equal(lab_next(&f, &st, out.data, out.len, 0, &len, &wake), LAB_CLOSE);
	buf_free(&out);
}

/* A core on one end of a socketpair with faults f; *peer is the server's end (non-blocking). */
static void attach(struct core *c, const struct lab_faults *f, int *peer)
{
	struct errmsg e;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
	core_init(c, NULL, NULL);
	core_lab_faults(c, f);
	assert_int_equal(core_attach(c, sv[0], "test", "alice", &e), 0);
	*peer = sv[1];
}

/* In the session: a delay is a poll timeout with POLLOUT off, then bytewise is one byte per turn.
 */
static void test_session_delay(void **state)
{
	struct lab_faults f;
	struct errmsg e;
	struct core c;
	unsigned char b[64];
	int peer, ms;

	(void)state;
	assert_int_equal(lab_faults_parse("bytewise,delay=1000", &f, &e), 0);
	attach(&c, &f, &peer);
	assert_true(core_poll_events(&c) & POLLOUT);
	core_handle(&c, POLLOUT); /* the delay starts: nothing written yet */
	assert_false(core_poll_events(&c) & POLLOUT);
	ms = core_timeout_ms(&c, mono_ms());
	assert_true(ms > 0 && ms <= 1000);
	assert_int_equal(read(peer, b, sizeof b), -1);
	assert_int_equal(errno, EAGAIN);
	core_free(&c);
	close(peer);

	assert_int_equal(lab_faults_parse("bytewise", &f, &e), 0);
	attach(&c, &f, &peer);
	for (int i = 0; i < 3; i++) {
		core_handle(&c, POLLOUT);
		assert_int_equal(read(peer, b, sizeof b), 1);
		assert_int_equal(b[0], 0x00); /* the length prefix of HELLO: 00 00 00 .. */
	}
	assert_false(core_done(&c));
	core_free(&c);
	close(peer);
}

/* drop=0: half of HELLO, then end of file for the server; the client ends when the server closes.
 */
static void test_session_drop(void **state)
{
	struct lab_faults f;
	struct errmsg e;
	struct core c;
	unsigned char b[64];
	ssize_t n;
	int peer;

	(void)state;
	assert_int_equal(lab_faults_parse("drop=0", &f, &e), 0);
	attach(&c, &f, &peer);
	core_handle(&c, POLLOUT); /* half of HELLO, then our side is shut */
	assert_false(core_done(&c));
	assert_false(core_poll_events(&c) & POLLOUT);
	n = read(peer, b, sizeof b);
	assert_true(n > FRAME_HEADER_BYTES);
	assert_int_equal((size_t)n, (FRAME_HEADER_BYTES + frame_body_len(b)) / 2);
	assert_int_equal(read(peer, b, sizeof b), 0); /* end of file in the middle of the frame */
	close(peer);
	core_handle(&c, POLLIN);
	assert_true(core_done(&c));
	assert_int_equal(core_status(&c), EXIT_LOST);
	assert_non_null(strstr(core_why(&c), "lab fault drop=0: wrote "));
	assert_non_null(
	    strstr(core_why(&c), " bytes of frame 1 to test and closed the connection on purpose"));
	core_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_each),	  cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_bytewise),	  cmocka_unit_test(test_merge_holds_then_writes),
	    cmocka_unit_test(test_delay),	  cmocka_unit_test(test_drop),
	    cmocka_unit_test(test_session_delay), cmocka_unit_test(test_session_drop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
