/* SPDX-License-Identifier: ISC */
/* common/test_ctlproto.c - unit tests for the control socket's datagrams (common/ctlproto.h,
 * PROTOCOL.md 8). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "ctlproto.h"

static int parse(const char *s, struct ctl_request *r, struct errmsg *e)
{
	return ctl_request_parse(s, strlen(s), r, e);
}

static void test_request_roundtrip(void **state)
{
	char d[CTL_DGRAM_MAX_BYTES];
	struct ctl_request r;
	struct errmsg e;
	int n;

	(void)state;
	n = ctl_request_encode(d, 42, "kick", "bob be nice", &e);
	assert_int_equal(n, (int)strlen("42 kick bob be nice"));
	assert_memory_equal(d, "42 kick bob be nice", (size_t)n);
	assert_int_equal(ctl_request_parse(d, (size_t)n, &r, &e), 0);
	assert_int_equal(r.id, 42);
	assert_string_equal(r.verb->name, "kick");
	assert_int_equal(r.args_len, strlen("bob be nice"));
	assert_memory_equal(r.args, "bob be nice", r.args_len);

	n = ctl_request_encode(d, 4294967295u, "stats", NULL, &e);
	assert_int_equal(ctl_request_parse(d, (size_t)n, &r, &e), 0);
	assert_int_equal(r.id, 4294967295u);
	assert_int_equal(r.args_len, 0);

	/* One trailing newline (typed by hand) is not part of the request. */
	assert_int_equal(parse("7 who\n", &r, &e), 0);
	assert_string_equal(r.verb->name, "who");
}

static void test_request_malformed(void **state)
{
	static const char *const bad[] = {
	    "stats",		/* no id */
	    "0 stats",		/* id 0 is not an id */
	    "4294967296 stats", /* above 32 bits */
	    "12345678901 stats",
	    "1  stats", /* empty verb */
	    "1 STATS",	/* verbs are lower case */
	    "1 frobnicate",
	    "1 kick",	   /* kick needs a nick */
	    "1 mute a b",  /* mute takes exactly one */
	    "1 stats now", /* stats takes none */
	    "-1 stats",
	    "1",
	    "",
	};
	struct ctl_request r;
	struct errmsg e;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.text[0] = '\0';
		assert_int_equal(parse(bad[i], &r, &e), -1);
		assert_true(e.text[0] != '\0');
	}
	/* The id is still known for an answer to a request with a bad verb. */
	assert_int_equal(parse("9 frobnicate", &r, &e), -1);
	assert_int_equal(r.id, 9);
	assert_non_null(strstr(e.text, "frobnicate"));
	/* Invalid UTF-8 is refused. */
	assert_int_equal(ctl_request_parse("3 say \xff", 7, &r, &e), -1);
	/* A request longer than a datagram cannot be encoded. */
	{
		char big[CTL_DGRAM_MAX_BYTES + 10], d[CTL_DGRAM_MAX_BYTES];

		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		assert_int_equal(ctl_request_encode(d, 1, "say", big, &e), -1);
		assert_int_equal(ctl_request_parse(big, sizeof big - 1, &r, &e), -1);
	}
}

/* Split text into parts as the server does and check every datagram's size. */
static size_t split_all(uint32_t id, enum ctl_status st, const char *text, size_t len,
			char parts[][CTL_DGRAM_MAX_BYTES], size_t *lens, size_t max)
{
	struct ctl_splitter sp;
	size_t n = 0, l;

	ctl_split_begin(&sp, id, st, text, len);
	while ((l = ctl_split_next(&sp, parts[n])) > 0) {
		assert_true(l <= CTL_DGRAM_MAX_BYTES);
		lens[n++] = l;
		assert_true(n <= max);
	}
	return n;
}

static void test_small_reply_one_part(void **state)
{
	char parts[2][CTL_DGRAM_MAX_BYTES];
	size_t lens[2];
	struct ctl_part pt;
	struct errmsg e;

	(void)state;
	assert_int_equal(split_all(5, CTL_OK, "rooms: 1\n", 9, parts, lens, 2), 1);
	assert_int_equal(lens[0], strlen("5 0 end ok\nrooms: 1\n"));
	assert_memory_equal(parts[0], "5 0 end ok\nrooms: 1\n", lens[0]);
	assert_int_equal(ctl_part_parse(parts[0], lens[0], &pt, &e), 0);
	assert_int_equal(pt.id, 5);
	assert_false(pt.more);
	assert_int_equal(pt.status, CTL_OK);
	/* An empty reply is still one part. */
	assert_int_equal(split_all(6, CTL_REFUSED, "", 0, parts, lens, 2), 1);
	assert_memory_equal(parts[0], "6 0 end refused\n", lens[0]);
}

static void test_large_reply_split_and_reassembled(void **state)
{
	enum { LINES = 2000, MAXP = 200 };
	static char parts[MAXP][CTL_DGRAM_MAX_BYTES];
	size_t lens[MAXP], np;
	struct buf text = {0};
	struct ctl_assembly a;
	struct errmsg e;

	(void)state;
	for (int i = 0; i < LINES; i++)
		buf_printf(&text, "client%04d  login%04d  unix  #lobby,#room%d\n", i, i, i % 7);
	np = split_all(77, CTL_OK, (const char *)text.data, text.len, parts, lens, MAXP);
	assert_true(np > 10);
	ctl_assembly_init(&a, 77);
	for (size_t i = 0; i < np; i++) {
		struct ctl_part pt;

		assert_int_equal(ctl_part_parse(parts[i], lens[i], &pt, &e), 0);
		assert_int_equal(pt.part, i);
		/* Each part but the last ends on a whole line. */
		if (i + 1 < np)
			assert_int_equal(pt.text[pt.len - 1], '\n');
		assert_int_equal(ctl_assembly_take(&a, parts[i], lens[i], &e),
				 i + 1 < np ? CTL_TAKE_MORE : CTL_TAKE_DONE);
	}
	assert_int_equal(a.text.len, text.len);
	assert_memory_equal(a.text.data, text.data, text.len);
	ctl_assembly_free(&a);
	buf_free(&text);
}

static void test_missing_part_detected(void **state)
{
	enum { MAXP = 20 };
	static char parts[MAXP][CTL_DGRAM_MAX_BYTES];
	size_t lens[MAXP], np;
	char text[12000];
	struct ctl_assembly a;
	struct errmsg e;

	(void)state;
	memset(text, 'a', sizeof text); /* no newlines: cut anywhere */
	np = split_all(3, CTL_OK, text, sizeof text, parts, lens, MAXP);
	assert_int_equal(np, 3);
	ctl_assembly_init(&a, 3);
	assert_int_equal(ctl_assembly_take(&a, parts[0], lens[0], &e), CTL_TAKE_MORE);
	assert_int_equal(ctl_assembly_take(&a, parts[2], lens[2], &e), CTL_TAKE_BROKEN);
	assert_non_null(strstr(e.text, "part 1"));
	ctl_assembly_free(&a);

	/* A reply to another request is ignored, not mixed in. */
	ctl_assembly_init(&a, 4);
	assert_int_equal(ctl_assembly_take(&a, parts[0], lens[0], &e), CTL_TAKE_IGNORED);
	assert_int_equal(a.text.len, 0);
	ctl_assembly_free(&a);
}

static void test_split_keeps_utf8_whole(void **state)
{
	enum { MAXP = 10 };
	static char parts[MAXP][CTL_DGRAM_MAX_BYTES];
	size_t lens[MAXP], np;
	char text[3 * 3000];
	struct errmsg e;

	(void)state;
	for (size_t i = 0; i < sizeof text; i += 3)
		memcpy(text + i, "\xe2\x82\xac", 3); /* the euro sign, 3 bytes */
	np = split_all(1, CTL_OK, text, sizeof text, parts, lens, MAXP);
	for (size_t i = 0; i < np; i++) {
		struct ctl_part pt;

		assert_int_equal(ctl_part_parse(parts[i], lens[i], &pt, &e), 0);
		assert_int_equal(pt.len % 3, 0);
	}
}

static void test_part_malformed(void **state)
{
	static const char *const bad[] = {
	    "1 0 end ok", /* no newline after the header */
	    "1 0 fin ok\n",
	    "1 0 end fine\n",
	    "x 0 end ok\n",
	    "1 end ok\n",
	    "1 0 end ok extra\n",
	    "1  0 end ok\n",
	    "",
	};
	struct ctl_part pt;
	struct errmsg e;
	struct ctl_assembly a;
	char dgram[64];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(ctl_part_parse(bad[i], strlen(bad[i]), &pt, &e), -1);
	/* The status may not change between parts. */
	ctl_assembly_init(&a, 1);
	snprintf(dgram, sizeof dgram, "1 0 more ok\nx");
	assert_int_equal(ctl_assembly_take(&a, dgram, strlen(dgram), &e), CTL_TAKE_MORE);
	snprintf(dgram, sizeof dgram, "1 1 end error\ny");
	assert_int_equal(ctl_assembly_take(&a, dgram, strlen(dgram), &e), CTL_TAKE_BROKEN);
	ctl_assembly_free(&a);
}

static void test_control_path(void **state)
{
	char out[ADDR_PATH_BYTES];
	char longpath[200];
	struct errmsg e;

	(void)state;
	assert_int_equal(ctl_path_for("/run/natter/natter.sock", out, sizeof out, &e), 0);
	assert_string_equal(out, "/run/natter/natter.sock.ctl");
	/* sun_path holds 108 bytes: a path that fits bare may not fit with .ctl. Never truncated.
	 */
	memset(longpath, 'p', 105);
	longpath[0] = '/';
	longpath[105] = '\0';
	assert_int_equal(ctl_path_for(longpath, out, sizeof out, &e), -1);
	assert_non_null(strstr(e.text, "longer than"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request_roundtrip),
	    cmocka_unit_test(test_request_malformed),
	    cmocka_unit_test(test_small_reply_one_part),
	    cmocka_unit_test(test_large_reply_split_and_reassembled),
	    cmocka_unit_test(test_missing_part_detected),
	    cmocka_unit_test(test_split_keeps_utf8_whole),
	    cmocka_unit_test(test_part_malformed),
	    cmocka_unit_test(test_control_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
