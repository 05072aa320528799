/* SPDX-License-Identifier: ISC */
/* common/test_trace.c - the --trace formatter (common/trace.h): hex layout, fields, bad input,
 * sanitizing, bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "trace.h"

#define STAMP "12:00:01.123456"

/* The trace of one frame as a NUL-terminated string (caller frees). */
static char *traced(enum trace_dir dir, const unsigned char *p, size_t n)
{
	struct buf out = {0};
	char *s;

	trace_frame(&out, STAMP, dir, "#3 alice (unix)", p, n);
	s = malloc(out.len + 1);
	assert_non_null(s);
	memcpy(s, out.data, out.len);
	s[out.len] = '\0';
	buf_free(&out);
	return s;
}

static char *traced_frame(const struct frame *f)
{
	struct buf enc = {0};
	char *s;

	assert_int_equal(proto_encode(&enc, f), 0);
	s = traced(TRACE_IN, enc.data, enc.len);
	buf_free(&enc);
	return s;
}

/* Whether any byte of s is a control character other than newline. */
static bool has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\n') || *s == 0x7f)
			return true;
	return false;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* PROTOCOL.md section 6's SAY "hi": header, the length row alone, then the body row. */
static void test_say_layout(void **state)
{
	static const unsigned char say[] = {0x00, 0x00, 0x00, 0x08, 0x10, 0x00,
					    0x00, 0x00, 0x00, 0x02, 0x68, 0x69};
	static const char want[] =
	    STAMP " in  #3 alice (unix)  SAY target=\"\" flags=0 text=\"hi\"  (12 bytes)\n"
		  "    0000  00 00 00 08                                      "
		  "length prefix = 8: the body is the next 8 bytes\n"
		  "    0004  10 00 00 00 00 02 68 69                          |......hi|\n";
	char *s = traced(TRACE_IN, say, sizeof say);

	(void)state;
	assert_string_equal(s, want);
	free(s);
}

/* A full row splits into two groups of 8; the next row's offset counts from the frame's start. */
static void test_rows_and_offsets(void **state)
{
	struct frame f = {.type = T_SAY};
	char *s, *row2;

	(void)state;
	f.f[SAY_TARGET].s = str_c("#lobby");
	f.f[SAY_TEXT].s = str_c("hello, world");
	s = traced_frame(&f);
	assert_non_null(strstr(s, "length prefix = 24: the body is the next 24 bytes"));
	assert_non_null(strstr(
	    s, "    0004  10 00 06 23 6c 6f 62 62  79 00 00 0c 68 65 6c 6c |...#lobby...hell|\n"));
	row2 = strstr(s, "    0014  6f 2c 20 77 6f 72 6c 64 ");
	assert_non_null(row2);
	assert_non_null(strstr(row2, "|o, world|\n"));
	assert_int_equal(count_lines(s), 4);
	free(s);
	(void)row2;
}

/* Field names come from the protocol table; integers in decimal, ERROR codes named. */
static void test_fields_named(void **state)
{
	struct frame m = {.type = T_MSG}, e = {.type = T_ERROR}, h = {.type = T_HELLO};
	char *s;

	(void)state;
	m.f[MSG_ID].n = 7;
	m.f[MSG_TIME].n = 1700000000000ULL;
	m.f[MSG_TARGET].s = str_c("#lobby");
	m.f[MSG_FROM].s = str_c("bob");
	m.f[MSG_TEXT].s = str_c("hi");
	s = traced_frame(&m);
	assert_non_null(strstr(s, "  MSG id=7 time=1700000000000 target=\"#lobby\" from=\"bob\" "
				  "flags=0 text=\"hi\"  (39 bytes)\n"));
	free(s);

	e.f[ERROR_CODE].n = ERR_NICK_TAKEN;
	e.f[ERROR_TEXT].s = str_c("nick bob is taken");
	s = traced_frame(&e);
	assert_non_null(strstr(s, "ERROR code=201 text=\"nick bob is taken\" (ERR_NICK_TAKEN)"));
	free(s);

	h.f[HELLO_VERSION].n = 1;
	h.f[HELLO_NICK].s = str_c("alice");
	h.f[HELLO_CLIENT].s = str_c("natter/0.1");
	h.f[HELLO_RESUME].n = 41;
	s = traced_frame(&h);
	assert_non_null(strstr(
	    s, "HELLO version=1 nick=\"alice\" client=\"natter/0.1\" resume=41  (34 bytes)"));
	free(s);
}

/* List frames show their entries, at most TRACE_ENTRIES_MAX of them. */
static void test_list_entries(void **state)
{
	struct list_builder w;
	struct buf enc = {0};
	struct who_entry e = {
	    .nick = str_c("ann"), .login = str_c("ann"), .rooms = str_c("#lobby")};
	char *s;

	(void)state;
	who_begin(&w, &enc, str_c("#lobby"));
	for (int i = 0; i < TRACE_ENTRIES_MAX + 3; i++)
		assert_true(who_add(&w, &e));
	who_finish(&w, false);
	s = traced(TRACE_OUT, enc.data, enc.len);
	assert_non_null(
	    strstr(s, "WHOREPLY room=\"#lobby\" more=0 count=11 {nick=\"ann\" login=\"ann\" "
		      "idle=0 flags=0 away=\"\" rooms=\"#lobby\"}"));
	assert_non_null(strstr(s, "} ...and 3 more"));
	assert_non_null(strstr(s, " out #3 alice"));
	free(s);
	buf_free(&enc);
}

/* Bytes that are not a good frame are dumped with a note, whatever they are. */
static void test_malformed(void **state)
{
	static const unsigned char truncated[] = {0, 0, 0, 5, 0x10, 0x00, 0x09, 0x01, 0x02};
	static const unsigned char unknown[] = {0, 0, 0, 2, 0x7f, 0x00};
	static const unsigned char too_big[] = {0x00, 0x01, 0x00, 0x01, 0x10};
	static const unsigned char zero[] = {0, 0, 0, 0};
	static const unsigned char cut[] = {0, 0, 0, 9, 0x05, 0x00};
	static const unsigned char bad_list[] = {0, 0, 0, 4, 0x27, 0x00, 0x00, 0x02};
	char *s;

	(void)state;
	s = traced(TRACE_IN, truncated, sizeof truncated);
	assert_non_null(
	    strstr(s, "SAY  (malformed: a field runs past the end of the body)  (9 bytes)"));
	assert_non_null(strstr(s, "|.....|"));
	free(s);
	s = traced(TRACE_IN, unknown, sizeof unknown);
	assert_non_null(strstr(s, "type 0x7f (unknown type"));
	free(s);
	s = traced(TRACE_IN, too_big, sizeof too_big);
	assert_non_null(strstr(s, "(bad length)"));
	assert_non_null(strstr(s, "00 01 00 01"));
	assert_non_null(
	    strstr(s, "length prefix = 65537: out of range (1 to 65536), ERR_FRAME_SIZE"));
	free(s);
	s = traced(TRACE_IN, zero, sizeof zero);
	assert_non_null(strstr(s, "length prefix = 0: out of range"));
	free(s);
	s = traced(TRACE_IN, cut, sizeof cut);
	assert_non_null(strstr(s, "(incomplete)"));
	assert_non_null(strstr(s, "length prefix = 9, but only 2 body bytes are here"));
	free(s);
	s = traced(TRACE_IN, cut, 2);
	assert_non_null(strstr(s, "length prefix cut short: 2 of its 4 bytes"));
	free(s);
	s = traced(TRACE_IN, cut, 0);
	assert_non_null(strstr(s, "(0 bytes)"));
	free(s);
	s = traced(TRACE_IN, bad_list, sizeof bad_list);
	assert_non_null(strstr(s, "malformed: count says 2 entries, only 0 are whole"));
	free(s);
}

/* Every length of every prefix of a frame: never a crash, always a header line. */
static void test_every_prefix(void **state)
{
	struct frame m = {.type = T_MSG};
	struct buf enc = {0};

	(void)state;
	m.f[MSG_TARGET].s = str_c("#lobby");
	m.f[MSG_FROM].s = str_c("bob");
	m.f[MSG_TEXT].s = str_c("a longer text to cut at every byte");
	assert_int_equal(proto_encode(&enc, &m), 0);
	for (size_t n = 0; n <= enc.len; n++) {
		char *s = traced(TRACE_IN, enc.data, n);

		assert_true(strncmp(s, STAMP " in  ", strlen(STAMP) + 5) == 0);
		assert_false(has_control(s));
		free(s);
	}
	buf_free(&enc);
}

/* Escape sequences, C1 controls, bidi overrides and bad UTF-8 never reach the trace raw. */
static void test_sanitized(void **state)
{
	struct frame f = {.type = T_SAY};
	struct buf out = {0};
	char *s;

	(void)state;
	f.f[SAY_TARGET].s = str_c("#lobby");
	f.f[SAY_TEXT].s = str_c("a\x1b[2Jb\xc2\x9b"
				"c\xe2\x80\xae"
				"d\xff\"q\"\\\r\n");
	s = traced_frame(&f);
	assert_false(has_control(s));
	assert_non_null(strstr(s, "text=\"a^[[2Jb"));
	assert_non_null(strstr(s, "\\\"q\\\"\\\\^M^J\""));
	free(s);

	trace_text(&out, STAMP, TRACE_OUT, "#4 \x1b]0;evil\x07 (unix, line mode)",
		   (const unsigned char *)"one\x1b[31m\ntwo", 12);
	buf_append(&out, "", 1);
	s = (char *)out.data;
	assert_false(has_control(s));
	assert_non_null(strstr(
	    s,
	    "#4 ^[]0;evil^G (unix, line mode)  line \"one^[[31m\"  (9 bytes, newline included)\n"));
	assert_non_null(strstr(s, "line \"two\"  (3 bytes, no newline)\n"));
	assert_non_null(strstr(s, "|one.[31m.|"));
	buf_free(&out);

	trace_note(&out, STAMP, "natterd at /tmp/x", "lab fault\x1b[1m");
	buf_append(&out, "", 1);
	assert_string_equal((char *)out.data, STAMP " --- natterd at /tmp/x: lab fault^[[1m\n");
	buf_free(&out);
}

/* A big frame: the dump stops after TRACE_HEX_MAX_BYTES of body; a long string is cut with a count.
 */
static void test_truncation(void **state)
{
	struct frame f = {.type = T_SAY};
	char *text = malloc(MAX_TEXT_BYTES);
	char *s, *more;
	size_t rows = 0;

	(void)state;
	assert_non_null(text);
	memset(text, 'x', MAX_TEXT_BYTES);
	f.f[SAY_TARGET].s = str_c("#lobby");
	f.f[SAY_TEXT].s = str_n(text, MAX_TEXT_BYTES);
	s = traced_frame(&f);
	for (const char *p = s; (p = strstr(p, "\n    0")) != NULL; p++)
		rows++;
	assert_int_equal(rows, 1 + TRACE_HEX_MAX_BYTES / TRACE_ROW_BYTES);
	more = strstr(s, "    ... ");
	assert_non_null(more);
	/* 4096 text + 2 + 1 + 2 + 6 + 1 = 4108 body bytes, 256 shown. */
	assert_non_null(strstr(more, "... 3852 more bytes\n"));
	assert_non_null(strstr(s, "xxx\"...(+3976 bytes)"));
	free(s);
	free(text);
}

static void test_stamp(void **state)
{
	char stamp[TRACE_STAMP_BYTES];

	(void)state;
	trace_stamp(stamp, sizeof stamp, 0, 42);
	assert_int_equal(strlen(stamp), 15);
	assert_string_equal(stamp + 8, ".000042");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_say_layout),	 cmocka_unit_test(test_rows_and_offsets),
	    cmocka_unit_test(test_fields_named), cmocka_unit_test(test_list_entries),
	    cmocka_unit_test(test_malformed),	 cmocka_unit_test(test_every_prefix),
	    cmocka_unit_test(test_sanitized),	 cmocka_unit_test(test_truncation),
	    cmocka_unit_test(test_stamp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
