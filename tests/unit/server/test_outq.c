/* SPDX-License-Identifier: ISC */
/* server/test_outq.c - the server's output queue: sharing, partial writes, dropping, bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "outq.h"
#include "sys.h"

/* A non-blocking socketpair with a small send buffer, so writes go short. */
static void small_pair(int sv[2])
{
	int size = 4096;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fd_nonblock_cloexec(sv[0]), 0);
	assert_int_equal(fd_nonblock_cloexec(sv[1]), 0);
	assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size), 0);
	assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &size, sizeof size), 0);
}

/* Read everything available from fd into out (bounded by cap). */
static size_t drain(int fd, unsigned char *out, size_t cap)
{
	size_t got = 0;

	for (int i = 0; i < 100000 && got < cap; i++) {
		ssize_t r = read(fd, out + got, cap - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static void test_shared_buffer_refcounts(void **state)
{
	struct outq a = {0}, b = {0};
	struct shbuf *s = shbuf_new("hello", 5);

	(void)state;
	outq_push(&a, s);
	outq_push(&b, s);
	assert_int_equal(s->refs, 3);
	shbuf_unref(s);
	outq_free(&a);
	assert_int_equal(s->refs, 1);
	assert_int_equal(b.bytes, 5);
	outq_free(&b);
	assert_int_equal(b.bytes, 0);
	assert_null(b.items);
}

/* Many buffers through a tiny socket: every byte arrives once, in order. */
static void test_partial_writes_keep_order(void **state)
{
	enum { N = 2000, LEN = 37 };
	static unsigned char got[N * LEN];
	struct outq q = {0};
	size_t total = 0;
	int sv[2];

	(void)state;
	small_pair(sv);
	for (int i = 0; i < N; i++) {
		unsigned char msg[LEN];
		struct shbuf *s;

		for (int j = 0; j < LEN; j++)
			msg[j] = (unsigned char)(i * 7 + j);
		s = shbuf_new(msg, LEN);
		outq_push(&q, s);
		shbuf_unref(s);
	}
	assert_int_equal(q.bytes, (size_t)N * LEN);
	for (int round = 0; round < 100000 && (q.count > 0 || total < sizeof got); round++) {
		assert_int_equal(outq_flush(&q, sv[0]), 0);
		total += drain(sv[1], got + total, sizeof got - total);
	}
	assert_int_equal(total, sizeof got);
	assert_int_equal(q.count, 0);
	assert_int_equal(q.bytes, 0);
	for (int i = 0; i < N; i++)
		for (int j = 0; j < LEN; j++)
			assert_int_equal(got[i * LEN + j], (unsigned char)(i * 7 + j));
	close(sv[0]);
	close(sv[1]);
}

/* Dropping keeps a half-written buffer so the stream stays framed. */
static void test_drop_unstarted_keeps_partial_head(void **state)
{
	static unsigned char big[65536];
	struct outq q = {0};
	struct shbuf *s = shbuf_new(big, sizeof big);
	struct shbuf *t = shbuf_new("tail", 4);
	static unsigned char sink[sizeof big];
	size_t total = 0;
	int sv[2];

	(void)state;
	small_pair(sv);
	outq_push(&q, s);
	outq_push(&q, t);
	outq_push(&q, t);
	assert_int_equal(outq_flush(&q, sv[0]), 0);
	assert_true(q.count == 3 && q.bytes < sizeof big + 8); /* head started, not done */
	outq_drop_unstarted(&q);
	assert_int_equal(q.count, 1);
	assert_int_equal(t->refs, 1);
	for (int round = 0; round < 100000 && q.count > 0; round++) {
		assert_int_equal(outq_flush(&q, sv[0]), 0);
		total += drain(sv[1], sink, sizeof sink);
	}
	total += drain(sv[1], sink, sizeof sink);
	assert_int_equal(q.count, 0);
	assert_int_equal(total, sizeof big); /* the whole head, and none of the dropped tails */
	shbuf_unref(s);
	shbuf_unref(t);
	close(sv[0]);
	close(sv[1]);
}

static void test_flush_reports_peer_gone(void **state)
{
	struct outq q = {0};
	struct shbuf *s = shbuf_new("x", 1);
	int sv[2];

	(void)state;
	assert_int_equal(ignore_sigpipe(), 0);
	small_pair(sv);
	close(sv[1]);
	outq_push(&q, s);
	assert_int_equal(outq_flush(&q, sv[0]), -1);
	assert_true(errno == EPIPE || errno == ECONNRESET);
	outq_free(&q);
	shbuf_unref(s);
	close(sv[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shared_buffer_refcounts),
	    cmocka_unit_test(test_partial_writes_keep_order),
	    cmocka_unit_test(test_drop_unstarted_keeps_partial_head),
	    cmocka_unit_test(test_flush_reports_peer_gone),
	};

	return cmocka_run_group_tests_name("outq", tests, NULL, NULL);
}
