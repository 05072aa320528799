/* SPDX-License-Identifier: ISC */
/* common/test_text.c - unit tests for UTF-8, text and nick rules and display sanitizing
 * (common/text.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "text.h"

/*
 * Reference decoder written from the Unicode standard's table of well-formed
 * byte sequences (Table 3-7), independently of utf8_decode's bit arithmetic.
 */
static size_t ref_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	static const struct {
		unsigned char lead_lo, lead_hi, second_lo, second_hi;
		size_t len;
	} rows[] = {
	    {0x00, 0x7f, 0, 0, 1},	 {0xc2, 0xdf, 0x80, 0xbf, 2}, {0xe0, 0xe0, 0xa0, 0xbf, 3},
	    {0xe1, 0xec, 0x80, 0xbf, 3}, {0xed, 0xed, 0x80, 0x9f, 3}, {0xee, 0xef, 0x80, 0xbf, 3},
	    {0xf0, 0xf0, 0x90, 0xbf, 4}, {0xf1, 0xf3, 0x80, 0xbf, 4}, {0xf4, 0xf4, 0x80, 0x8f, 4},
	};

	if (n == 0)
		return 0;
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		size_t len = rows[r].len;
		unsigned v;

		if (s[0] < rows[r].lead_lo || s[0] > rows[r].lead_hi)
			continue;
		if (n < len)
			return 0;
		if (len > 1 && (s[1] < rows[r].second_lo || s[1] > rows[r].second_hi))
			return 0;
		for (size_t i = 2; i < len; i++)
			if (s[i] < 0x80 || s[i] > 0xbf)
				return 0;
		v = len == 1 ? s[0] : s[0] & (0x7fu >> len);
		for (size_t i = 1; i < len; i++)
			v = v << 6 | (s[i] & 0x3fu);
		*cp = v;
		return len;
	}
	return 0;
}

/* Encode a code point as UTF-8 (no validity checks); returns the length. */
static size_t encode_cp(unsigned cp, unsigned char *out)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | cp >> 18);
	out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Compare utf8_decode with the reference on one input. */
static void check_decode_matches(const unsigned char *s, size_t n)
{
	unsigned cp = 0xdeadbeef, ref_cp = 0xfeedface;
	size_t got = utf8_decode((const char *)s, n, &cp);
	size_t want = ref_decode(s, n, &ref_cp);

	if (got != want || (want > 0 && cp != ref_cp))
		fail_msg("utf8_decode(%02x %02x %02x %02x, n=%zu) = %zu U+%04X, want %zu U+%04X",
			 s[0], n > 1 ? s[1] : 0, n > 2 ? s[2] : 0, n > 3 ? s[3] : 0, n, got, cp,
			 want, ref_cp);
}

static void test_utf8_decode_examples(void **state)
{
	static const struct {
		const char *s;
		size_t n, len;
		unsigned cp;
	} cases[] = {
	    {"A", 1, 1, 0x41},
	    {"\0", 1, 1, 0x00},
	    {"\x7f", 1, 1, 0x7f},
	    {"\xc2\x80", 2, 2, 0x80},
	    {"\xc2\xa9", 2, 2, 0xa9},
	    {"\xdf\xbf", 2, 2, 0x7ff},
	    {"\xe0\xa0\x80", 3, 3, 0x800},
	    {"\xe2\x82\xac", 3, 3, 0x20ac},
	    {"\xed\x9f\xbf", 3, 3, 0xd7ff},
	    {"\xee\x80\x80", 3, 3, 0xe000},
	    {"\xef\xbf\xbf", 3, 3, 0xffff},
	    {"\xf0\x90\x80\x80", 4, 4, 0x10000},
	    {"\xf0\x9f\x98\x80", 4, 4, 0x1f600},
	    {"\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff},
	    {"\xe4\xb8\x96x", 4, 3, 0x4e16},
	    /* overlong */
	    {"\xc0\x80", 2, 0, 0},
	    {"\xc1\xbf", 2, 0, 0},
	    {"\xe0\x80\x80", 3, 0, 0},
	    {"\xe0\x9f\xbf", 3, 0, 0},
	    {"\xf0\x80\x80\x80", 4, 0, 0},
	    {"\xf0\x8f\xbf\xbf", 4, 0, 0},
	    /* surrogates */
	    {"\xed\xa0\x80", 3, 0, 0},
	    {"\xed\xbf\xbf", 3, 0, 0},
	    /* above U+10FFFF, and leads that can never start a character */
	    {"\xf4\x90\x80\x80", 4, 0, 0},
	    {"\xf5\x80\x80\x80", 4, 0, 0},
	    {"\xf7\xbf\xbf\xbf", 4, 0, 0},
	    {"\xf8\x88\x80\x80\x80", 5, 0, 0},
	    {"\xfc\x84\x80\x80\x80\x80", 6, 0, 0},
	    {"\xfe", 1, 0, 0},
	    {"\xff", 1, 0, 0},
	    /* lone continuation bytes */
	    {"\x80", 1, 0, 0},
	    {"\xbf", 1, 0, 0},
	    /* bad continuation */
	    {"\xc2\x41", 2, 0, 0},
	    {"\xe2\x28\xa1", 3, 0, 0},
	    {"\xe2\x82\xc0", 3, 0, 0},
	    {"\xf0\x9f\x28\x80", 4, 0, 0},
	    /* cut short by the end of the buffer */
	    {"\xc2", 1, 0, 0},
	    {"\xe2\x82", 2, 0, 0},
	    {"\xf0\x9f\x98", 3, 0, 0},
	    {"A", 0, 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned cp = 0xdeadbeef;
		size_t len = utf8_decode(cases[i].s, cases[i].n, &cp);

		if (len != cases[i].len)
			fail_msg("case %zu: length %zu, want %zu", i, len, cases[i].len);
		if (len > 0)
			assert_int_equal(cp, cases[i].cp);
		/* A bad first character makes the whole buffer invalid. */
		if (cases[i].len == 0)
			assert_int_equal(utf8_valid(cases[i].s, cases[i].n), cases[i].n == 0);
		else if (cases[i].len == cases[i].n)
			assert_true(utf8_valid(cases[i].s, cases[i].n));
	}
	/* F5..FF never lead, whatever follows. */
	for (unsigned lead = 0xf5; lead <= 0xff; lead++) {
		const char s[4] = {(char)lead, (char)0x80, (char)0x80, (char)0x80};
		unsigned cp;

		assert_int_equal(utf8_decode(s, sizeof s, &cp), 0);
	}
}

static void test_utf8_decode_exhaustive(void **state)
{
	unsigned char s[4];

	(void)state;
	/* Every 1- and 2-byte input, and every 3-byte input with a 3- or 4-byte lead. */
	for (unsigned a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		check_decode_matches(s, 1);
		for (unsigned b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			check_decode_matches(s, 2);
			if (a < 0xe0)
				continue;
			for (unsigned c = 0; c < 256; c++) {
				s[2] = (unsigned char)c;
				check_decode_matches(s, 3);
			}
		}
	}
	/* 4-byte leads with second bytes around every boundary. */
	for (unsigned a = 0xf0; a <= 0xf7; a++) {
		static const unsigned char tail[] = {0x00, 0x7f, 0x80, 0xa5, 0xbf, 0xc0};

		for (unsigned b = 0x70; b <= 0xcf; b++) {
			for (size_t c = 0; c < sizeof tail; c++) {
				for (size_t d = 0; d < sizeof tail; d++) {
					s[0] = (unsigned char)a;
					s[1] = (unsigned char)b;
					s[2] = tail[c];
					s[3] = tail[d];
					check_decode_matches(s, 4);
					check_decode_matches(s, 3);
				}
			}
		}
	}
	/* Every scalar value round-trips; cut short it is rejected. */
	for (unsigned cp = 0; cp <= 0x10ffff; cp++) {
		size_t len, got;
		unsigned back = 0;

		if (cp == 0xd800)
			cp = 0xe000;
		len = encode_cp(cp, s);
		got = utf8_decode((const char *)s, len, &back);
		if (got != len || back != cp)
			fail_msg("U+%04X: decoded %zu bytes as U+%04X", cp, got, back);
		if (len > 1 && utf8_decode((const char *)s, len - 1, &back) != 0)
			fail_msg("U+%04X cut to %zu bytes was accepted", cp, len - 1);
	}
}

static void test_utf8_valid(void **state)
{
	static const char good[] = "h\xc3\xa9llo \xe4\xb8\x96\xe7\x95\x8c \xf0\x9f\x98\x80!";

	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid(good, sizeof good - 1));
	/* Cut inside the emoji: invalid at the end of the buffer. */
	for (size_t cut = 1; cut < 4; cut++)
		assert_false(utf8_valid(good, sizeof good - 2 - cut));
	assert_false(utf8_valid("ok\xed\xa0\x80ok", 7));
	assert_false(utf8_valid("ok\xc0\x80ok", 6));
	assert_false(utf8_valid("ok\x80", 3));
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));
	assert_true(utf8_valid("a\0b", 3));
}

static void test_text_check(void **state)
{
	char *s = malloc(MAX_TEXT_BYTES + 8);

	(void)state;
	assert_non_null(s);
	assert_int_equal(text_check("", 0, MAX_TEXT_BYTES), TEXT_EMPTY);
	assert_int_equal(text_check("hi", 2, MAX_TEXT_BYTES), TEXT_OK);

	memset(s, 'a', MAX_TEXT_BYTES + 1);
	assert_int_equal(text_check(s, MAX_TEXT_BYTES, MAX_TEXT_BYTES), TEXT_OK);
	assert_int_equal(text_check(s, MAX_TEXT_BYTES + 1, MAX_TEXT_BYTES), TEXT_TOO_LONG);
	/* The limit is in bytes: 2048 two-byte characters fit, one more does not. */
	for (size_t i = 0; i + 1 < MAX_TEXT_BYTES + 2; i += 2)
		memcpy(s + i, "\xc3\xa9", 2);
	assert_int_equal(text_check(s, MAX_TEXT_BYTES, MAX_TEXT_BYTES), TEXT_OK);
	assert_int_equal(text_check(s, MAX_TEXT_BYTES + 2, MAX_TEXT_BYTES), TEXT_TOO_LONG);
	memset(s, 'a', MAX_TEXT_BYTES);
	memcpy(s + MAX_TEXT_BYTES - 4, "\xf0\x9f\x98\x80", 4);
	assert_int_equal(text_check(s, MAX_TEXT_BYTES, MAX_TEXT_BYTES), TEXT_OK);
	assert_int_equal(text_check("abcd", 4, 3), TEXT_TOO_LONG);

	assert_int_equal(text_check("a\nb\tc\n", 6, MAX_TEXT_BYTES), TEXT_OK);
	for (unsigned c = 0; c < 0x20; c++) {
		const char t[3] = {'a', (char)c, 'b'};
		enum text_verdict v = text_check(t, 3, MAX_TEXT_BYTES);

		if (v != (c == '\n' || c == '\t' ? TEXT_OK : TEXT_CONTROL))
			fail_msg("C0 0x%02x gave verdict %d", c, v);
	}
	assert_int_equal(text_check("a\x7f", 2, MAX_TEXT_BYTES), TEXT_CONTROL);
	for (unsigned c = 0x80; c <= 0x9f; c++) {
		const char t[4] = {'a', (char)0xc2, (char)c, 'b'};

		if (text_check(t, 4, MAX_TEXT_BYTES) != TEXT_CONTROL)
			fail_msg("C1 U+%04X was accepted", c);
	}
	assert_int_equal(text_check("\xc2\xa0", 2, MAX_TEXT_BYTES), TEXT_OK);
	assert_int_equal(text_check("\xe4\xb8\x96\xe7\x95\x8c", 6, MAX_TEXT_BYTES), TEXT_OK);
	assert_int_equal(text_check("\xf0\x9f\x98\x80\xf0\x9f\x91\x8d", 8, MAX_TEXT_BYTES),
			 TEXT_OK);
	assert_int_equal(text_check("\xed\xa0\x80", 3, MAX_TEXT_BYTES), TEXT_BAD_UTF8);
	assert_int_equal(text_check("ok\xc3", 3, MAX_TEXT_BYTES), TEXT_BAD_UTF8);
	assert_int_equal(text_check("\xc0\xaf", 2, MAX_TEXT_BYTES), TEXT_BAD_UTF8);

	for (int v = TEXT_OK; v <= TEXT_CONTROL; v++) {
		assert_non_null(text_verdict_str((enum text_verdict)v));
		for (int w = TEXT_OK; w < v; w++)
			assert_string_not_equal(text_verdict_str((enum text_verdict)v),
						text_verdict_str((enum text_verdict)w));
	}
	free(s);
}

static void test_nick_valid(void **state)
{
	static const char *const good[] = {
	    "a",	   "alice", "Bob_2",   "x-y.z",	   "9lives",
	    "_under",	   "serve", "servers", "natterd2", "ABCDEFGHIJKLMNOPQRSTUVWX",
	    "alice/laptop"};
	static const char *const bad[] = {"",		"-dash",
					  ".dot",	"a b",
					  " a",		"a ",
					  "al\xc3\xa9", "\xc3\xa9",
					  "alice!",	"a@b",
					  "/ab",	"a\tb",
					  "server",	"Server",
					  "SERVER",	"natter",
					  "NATTERD",	"NaTtErD",
					  "system",	"nobody",
					  "NoBody",	"ABCDEFGHIJKLMNOPQRSTUVWXY"};

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!nick_valid(good[i], strlen(good[i])))
			fail_msg("'%s' refused", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (nick_valid(bad[i], strlen(bad[i])))
			fail_msg("'%s' accepted", bad[i]);
	assert_int_equal(strlen(good[9]), MAX_NICK_BYTES);
	assert_false(nick_valid("a\0b", 3));
	/* Every byte, first and second. */
	for (unsigned c = 0; c < 256; c++) {
		bool alnum =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		const char one[1] = {(char)c};
		const char two[2] = {'a', (char)c};

		assert_int_equal(nick_valid(one, 1), alnum || c == '_');
		assert_int_equal(nick_valid(two, 2),
				 alnum || c == '_' || c == '-' || c == '.' || c == '/');
	}
}

static void test_nick_equal(void **state)
{
	(void)state;
	assert_true(nick_equal("alice", 5, "alice", 5));
	assert_true(nick_equal("Alice", 5, "aLICE", 5));
	assert_true(nick_equal("A_1-.z", 6, "a_1-.Z", 6));
	assert_false(nick_equal("alice", 5, "alicf", 5));
	assert_false(nick_equal("alice", 5, "alice2", 6));
	assert_false(nick_equal("alice2", 6, "alice", 5));
	assert_true(nick_equal("alice", 3, "ALIxx", 3));
	assert_true(nick_equal("", 0, "", 0));
	/* The lengths are the whole story: bytes after a NUL still count. */
	assert_false(nick_equal("a\0b", 3, "a\0c", 3));
	/* Only ASCII letters fold: '@' is not '`', and UTF-8 bytes are compared as they are. */
	assert_false(nick_equal("@", 1, "`", 1));
	assert_false(nick_equal("[", 1, "{", 1));
	assert_false(nick_equal("\xc3\xa9", 2, "\xc3\x89", 2));
}

/* Sanitize s into a fresh string; the caller frees it. */
static char *sanitized(const char *s, size_t n, int flags)
{
	struct buf out = {0};
	char *r;

	text_sanitize(&out, s, n, flags);
	buf_append(&out, "", 1);
	r = (char *)out.data;
	return r;
}

/* A string literal and its length without the NUL. */
#define LIT(s) s, sizeof(s) - 1

static void expect_sanitized(const char *in, size_t n, int flags, const char *want)
{
	char *got = sanitized(in, n, flags);

	assert_string_equal(got, want);
	free(got);
}

/* Assert out is valid UTF-8 with nothing a terminal would act on. */
static void check_safe(const unsigned char *o, size_t n, bool keep_nl)
{
	if (memchr(o, 0x1b, n) != NULL)
		fail_msg("ESC in sanitized output");
	for (size_t i = 0; i < n;) {
		unsigned cp = 0;
		size_t len = ref_decode(o + i, n - i, &cp);

		if (len == 0)
			fail_msg("sanitized output is not valid UTF-8 at byte %zu", i);
		if (cp == '\n' && keep_nl) {
			i += len;
			continue;
		}
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || codepoint_unsafe(cp))
			fail_msg("U+%04X reached the sanitized output", cp);
		i += len;
	}
}

static void test_sanitize_examples(void **state)
{
	struct buf out = {0};

	(void)state;
	expect_sanitized(LIT("\x1b[2J"), 0, "^[[2J");
	expect_sanitized(LIT("\x1b]0;pwned\x07rest"), 0, "^[]0;pwned^Grest");
	expect_sanitized(LIT("\x1b]2;t\x1b\\"), 0, "^[]2;t^[\\");
	expect_sanitized(LIT("a\xc2\x9b"
			     "31mb"),
			 0, "a<U+009B>31mb");
	expect_sanitized(LIT("\xc2\x80\xc2\x9f"), 0, "<U+0080><U+009F>");
	expect_sanitized(LIT("abc\xe2\x80\xae"
			     "fdp.exe"),
			 0, "abc<U+202E>fdp.exe");
	expect_sanitized(LIT("\xe2\x81\xa6x\xe2\x81\xa9"), 0, "<U+2066>x<U+2069>");
	expect_sanitized(LIT("\xe2\x80\x8b\xef\xbb\xbf"), 0, "<U+200B><U+FEFF>");
	expect_sanitized(LIT("\xff"), 0, "<FF>");
	expect_sanitized(LIT("ok\xc3"), 0, "ok<C3>");
	expect_sanitized(LIT("\xed\xa0\x80"), 0, "<ED><A0><80>");
	expect_sanitized(LIT("\xc0\x80"), 0, "<C0><80>");
	expect_sanitized(LIT("a\nb"), 0, "a^Jb");
	expect_sanitized(LIT("a\nb"), SAN_KEEP_NEWLINE, "a\nb");
	expect_sanitized(LIT("a\r\nb"), SAN_KEEP_NEWLINE, "a^M\nb");
	expect_sanitized(LIT("a\tb"), 0, "a b");
	expect_sanitized(LIT("a\x7f"), 0, "a^?");
	expect_sanitized(LIT("\x00\x01\x1f"), 0, "^@^A^_");
	expect_sanitized(LIT("\x08\x08\x08ok"), 0, "^H^H^Hok");
	expect_sanitized(LIT("h\xc3\xa9 \xe4\xb8\x96 \xf0\x9f\x98\x80 \xc2\xa0"), 0,
			 "h\xc3\xa9 \xe4\xb8\x96 \xf0\x9f\x98\x80 \xc2\xa0");
	expect_sanitized("", 0, 0, "");
	/* Runs of printable ASCII (appended whole) against everything else, on both sides. */
	expect_sanitized(LIT("\xc3"
			     "a"),
			 0, "<C3>a");
	expect_sanitized(LIT("\xe2\x80\xae"
			     "rtl\xe2\x80"),
			 0, "<U+202E>rtl<E2><80>");
	expect_sanitized(LIT("x\xff\xfe"
			     "y\x01"),
			 0, "x<FF><FE>y^A");
	expect_sanitized(LIT("\xed\xa0\x80z"), 0, "<ED><A0><80>z");
	expect_sanitized(LIT("\t\r\n\x7f\xc2\x9b"
			     "31m"),
			 0, " ^M^J^?<U+009B>31m");
	expect_sanitized(LIT("\xf0\x9f\x98\x80!"), 0, "\xf0\x9f\x98\x80!");

	/* Appends to what is already there. */
	buf_append(&out, "> ", 2);
	text_sanitize(&out, "\x1b", 1, 0);
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "> ^[", 4);
	buf_free(&out);
}

static void test_sanitize_exhaustive(void **state)
{
	struct buf out = {0};
	unsigned char s[4];

	(void)state;
	for (int flags = 0; flags <= SAN_KEEP_NEWLINE; flags++) {
		for (unsigned a = 0; a < 256; a++) {
			s[0] = (unsigned char)a;
			buf_clear(&out);
			text_sanitize(&out, (const char *)s, 1, flags);
			check_safe(out.data, out.len, flags & SAN_KEEP_NEWLINE);
			for (unsigned b = 0; b < 256; b++) {
				s[1] = (unsigned char)b;
				buf_clear(&out);
				text_sanitize(&out, (const char *)s, 2, flags);
				check_safe(out.data, out.len, flags & SAN_KEEP_NEWLINE);
			}
		}
	}
	/* Every code point: raw if safe, otherwise a visible form. */
	for (unsigned cp = 0; cp <= 0x10ffff; cp++) {
		char want[16];
		size_t len;

		if (cp == 0xd800)
			cp = 0xe000;
		len = encode_cp(cp, s);
		buf_clear(&out);
		text_sanitize(&out, (const char *)s, len, 0);
		check_safe(out.data, out.len, false);
		if (cp == '\t')
			snprintf(want, sizeof want, " ");
		else if (cp < 0x20)
			snprintf(want, sizeof want, "^%c", (char)(cp + 0x40));
		else if (cp == 0x7f)
			snprintf(want, sizeof want, "^?");
		else if ((cp >= 0x80 && cp <= 0x9f) || codepoint_unsafe(cp))
			snprintf(want, sizeof want, "<U+%04X>", cp);
		else {
			memcpy(want, s, len);
			want[len] = '\0';
		}
		if (out.len != strlen(want) || memcmp(out.data, want, out.len) != 0)
			fail_msg("U+%04X sanitized to %.*s, want %s", cp, (int)out.len,
				 (const char *)out.data, want);
	}
	buf_free(&out);
}

static void test_codepoint_unsafe(void **state)
{
	static const unsigned unsafe[] = {0x00,	  0x1b,	  0x7f,	  0x80,	  0x85,	  0x9b,	  0x9f,
					  0x061c, 0x200b, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c,
					  0x202d, 0x202e, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069,
					  0x206a, 0x206f, 0xfeff, 0xfff9, 0xfffb};
	static const unsigned safe[] = {' ',	0x41,	0x7e,	0xa0,	0xe9,	 0x4e16,
					0x20ac, 0x2010, 0x2070, 0xfffd, 0x1f600, 0x10ffff};

	(void)state;
	for (size_t i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++)
		if (!codepoint_unsafe(unsafe[i]))
			fail_msg("U+%04X not flagged unsafe", unsafe[i]);
	for (size_t i = 0; i < sizeof safe / sizeof safe[0]; i++)
		if (codepoint_unsafe(safe[i]))
			fail_msg("U+%04X flagged unsafe", safe[i]);
}

static void test_utf8_truncate(void **state)
{
	static const char s[] = "a\xc3\xa9\xe4\xb8\x96\xf0\x9f\x98\x80z\xf0\x9f\x91\x8d";
	const size_t n = sizeof s - 1;

	(void)state;
	assert_int_equal(utf8_truncate("hello", 5, 10), 5);
	assert_int_equal(utf8_truncate("hello", 5, 5), 5);
	assert_int_equal(utf8_truncate("hello", 5, 3), 3);
	assert_int_equal(utf8_truncate("h\xc3\xa9llo", 6, 2), 1);
	assert_int_equal(utf8_truncate("\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 8, 7), 4);
	assert_int_equal(utf8_truncate("\xf0\x9f\x98\x80", 4, 3), 0);
	assert_int_equal(utf8_truncate("\xf0\x9f\x98\x80", 4, 0), 0);
	for (size_t max = 0; max <= n + 1; max++) {
		size_t r = utf8_truncate(s, n, max);
		unsigned cp;

		assert_true(r <= max || r == n);
		assert_true(r <= n);
		assert_true(utf8_valid(s, r));
		/* The longest such prefix: the next character would not fit. */
		if (r < n)
			assert_true(r + utf8_decode(s + r, n - r, &cp) > max);
	}
}

/* A reason keeps its first line, cut on a character boundary; invalid text is dropped. */
static void test_copy_reason(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(text_copy_reason("first\nsecond", 12, out, 7), 5);
	assert_string_equal(out, "first");
	assert_int_equal(text_copy_reason("caf\xc3\xa9"
					  "s!",
					  7, out, 4),
			 3);
	assert_string_equal(out, "caf");
	assert_int_equal(text_copy_reason("a\xff"
					  "b",
					  3, out, 7),
			 0);
	assert_string_equal(out, "");
	assert_int_equal(text_copy_reason("a\x1b", 2, out, 7), 0);
	assert_int_equal(text_copy_reason(NULL, 0, out, 7), 0);
	assert_string_equal(out, "");
}

static void test_nick_reserved(void **state)
{
	(void)state;
	assert_true(nick_reserved("Nobody", 6));
	assert_true(nick_reserved("SERVER", 6));
	assert_false(nick_reserved("nobody2", 7));
	assert_false(nick_valid("nobody", 6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_decode_examples),
	    cmocka_unit_test(test_utf8_decode_exhaustive),
	    cmocka_unit_test(test_utf8_valid),
	    cmocka_unit_test(test_text_check),
	    cmocka_unit_test(test_nick_valid),
	    cmocka_unit_test(test_nick_equal),
	    cmocka_unit_test(test_sanitize_examples),
	    cmocka_unit_test(test_sanitize_exhaustive),
	    cmocka_unit_test(test_codepoint_unsafe),
	    cmocka_unit_test(test_utf8_truncate),
	    cmocka_unit_test(test_copy_reason),
	    cmocka_unit_test(test_nick_reserved),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
