/* SPDX-License-Identifier: ISC */
/* tui/test_wrap.c - unit tests for width-aware wrapping and display sanitizing (tui/wrap.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "wrap.h"

enum { MAX_ROWS = 64 };

/* Wrap s and return the rows joined by '|', so a test states the whole layout in one string. */
static const char *layout(const char *s, size_t width, size_t indent)
{
	static char out[1024];
	struct wrap_row rows[MAX_ROWS];
	size_t n = wrap_text(s, strlen(s), width, indent, rows, MAX_ROWS), o = 0;

	assert_true(n <= MAX_ROWS);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			out[o++] = '|';
		memcpy(out + o, s + rows[i].off, rows[i].len);
		o += rows[i].len;
	}
	out[o] = '\0';
	return out;
}

/* Every row fits its width and starts at a UTF-8 character boundary. */
static void check_rows(const char *s, size_t width, size_t indent)
{
	struct wrap_row rows[MAX_ROWS];
	size_t n = wrap_text(s, strlen(s), width, indent, rows, MAX_ROWS);
	unsigned cp;

	for (size_t i = 0; i < n && i < MAX_ROWS; i++) {
		size_t avail = i == 0 ? width : width - indent;

		assert_true(wrap_str_width(s + rows[i].off, rows[i].len) <= avail);
		assert_true(utf8_valid(s + rows[i].off, rows[i].len));
		if (rows[i].len > 0)
			assert_int_not_equal(utf8_decode(s + rows[i].off, rows[i].len, &cp), 0);
	}
}

static int setup(void **state)
{
	(void)state;
	/* Widths come from the locale; C.UTF-8 is in every glibc since 2.35. */
	if (setlocale(LC_ALL, "C.UTF-8") == NULL && setlocale(LC_ALL, "C.utf8") == NULL)
		return -1;
	return 0;
}

static void test_ascii_word_wrap(void **state)
{
	(void)state;
	assert_string_equal(layout("hello world", 20, 0), "hello world");
	assert_string_equal(layout("hello world foo", 11, 0), "hello world|foo");
	assert_string_equal(layout("aaa bbb ccc ddd", 8, 0), "aaa bbb|ccc ddd");
	/* Spaces at the soft break vanish instead of starting the next row. */
	assert_string_equal(layout("aaa    bbb", 5, 0), "aaa|bbb");
	assert_int_equal(wrap_text("", 0, 10, 0, NULL, 0), 1);
}

static void test_hanging_indent(void **state)
{
	(void)state;
	/* "[12:00] <bob> " is 14 columns; later rows are 20-14 = 6 wide. */
	assert_string_equal(layout("[12:00] <bob> one two three", 20, 14),
			    "[12:00] <bob> one|two|three");
	check_rows("[12:00] <bob> one two three four five six", 20, 14);
	/* An indent as wide as the pane still leaves one column. */
	assert_string_equal(layout("abcdef", 3, 5), "abc|d|e|f");
}

static void test_long_word(void **state)
{
	(void)state;
	assert_string_equal(layout("abcdefghij", 4, 0), "abcd|efgh|ij");
	/* A word wider than any row starts where it is, not on a row of its own. */
	assert_string_equal(layout("hi abcdefghij", 5, 0), "hi ab|cdefg|hij");
	/* A word that fits on the next row still moves there whole. */
	assert_string_equal(layout("hi abcde", 5, 0), "hi|abcde");
}

/* Issue 13 item 13: the first row ("[12:02] <bot>") is never left with no text of the message.
 */
static void test_long_word_after_prefix(void **state)
{
	/* 50 columns of Japanese (25 characters of 2 columns), no spaces. */
	char jp[25 * 3 + 1];

	(void)state;
	for (size_t i = 0; i < 25; i++)
		memcpy(jp + 3 * i, "\xe6\x97\xa5", 3); /* 日 */
	jp[75] = '\0';
	assert_string_equal(
	    layout("[12:02] <bot> https://example.org/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 30, 14),
	    "[12:02] <bot> https://example.|org/aaaaaaaaaaaa|aaaaaaaaaaaaaaaa|aa");
	{
		char line[128];
		struct wrap_row rows[MAX_ROWS];
		size_t n;

		snprintf(line, sizeof line, "[12:02] <bot> %s", jp);
		n = wrap_text(line, strlen(line), 30, 14, rows, MAX_ROWS);
		/* 16 columns (8 characters) on the first row, then 8 per 16-column row: 4 rows. */
		assert_int_equal(n, 4);
		assert_int_equal(rows[0].len, 14 + 8 * 3);
		check_rows(line, 30, 14);
	}
}

static void test_cjk_double_width(void **state)
{
	const char *s = "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97"; /* 中文字: 6 columns */

	(void)state;
	assert_int_equal(wrap_str_width(s, strlen(s)), 6);
	assert_string_equal(layout(s, 4, 0), "\xe4\xb8\xad\xe6\x96\x87|\xe5\xad\x97");
	/* 5 columns fit two characters, never a half one. */
	assert_string_equal(layout(s, 5, 0), "\xe4\xb8\xad\xe6\x96\x87|\xe5\xad\x97");
	/* A 1-column row still takes a 2-column character rather than looping. */
	assert_int_equal(wrap_text(s, strlen(s), 1, 0, NULL, 0), 3);
	check_rows("ab \xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97 cd \xe4\xb8\xad", 5, 2);
}

static void test_emoji(void **state)
{
	const char *s = "ok \xf0\x9f\x98\x80\xf0\x9f\x98\x80 yes"; /* ok 😀😀 yes */

	(void)state;
	assert_int_equal(wrap_str_width("\xf0\x9f\x98\x80", 4), 2);
	assert_string_equal(layout(s, 7, 0), "ok \xf0\x9f\x98\x80\xf0\x9f\x98\x80|yes");
	assert_string_equal(layout("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 5, 0),
			    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80|\xf0\x9f\x98\x80");
}

static void test_combining_marks(void **state)
{
	/* "e" + U+0301 (combining acute), four times: 4 columns. */
	const char *s = "e\xcc\x81"
			"e\xcc\x81"
			"e\xcc\x81"
			"e\xcc\x81";
	size_t used;

	(void)state;
	assert_int_equal(wrap_str_width(s, strlen(s)), 4);
	/* The mark stays with its base letter on the same row. */
	assert_string_equal(layout(s, 3, 0), "e\xcc\x81"
					     "e\xcc\x81"
					     "e\xcc\x81|e\xcc\x81");
	assert_int_equal(wrap_fit(s, strlen(s), 1, &used), 3);
	assert_int_equal(used, 1);
	assert_string_equal(layout("caf\xc3\xa9 au lait", 5, 0), "caf\xc3\xa9|au|lait");
}

static void test_newlines(void **state)
{
	(void)state;
	assert_string_equal(layout("one\ntwo", 20, 2), "one|two");
	assert_string_equal(layout("a\n\nb", 20, 0), "a||b");
	assert_string_equal(layout("a\n", 20, 0), "a|");
	/* A forced break keeps the leading spaces the sender typed. */
	assert_string_equal(layout("x\n  y", 20, 0), "x|  y");
}

static void test_fit(void **state)
{
	size_t used;

	(void)state;
	assert_int_equal(wrap_fit("abc", 3, 2, &used), 2);
	assert_int_equal(used, 2);
	/* 中 does not fit in one column. */
	assert_int_equal(wrap_fit("a\xe4\xb8\xad", 4, 2, &used), 1);
	assert_int_equal(used, 1);
}

/* Sanitize the string literal s (NULs allowed) and compare with want. */
#define check_sanitize(s, nl, want) check_sanitize_n(s, sizeof(s) - 1, nl, want)

static void check_sanitize_n(const char *s, size_t n, bool nl, const char *want)
{
	struct buf b = {0};

	wrap_sanitize(&b, s, n, nl);
	buf_append(&b, "", 1);
	assert_string_equal((const char *)b.data, want);
	buf_free(&b);
}

static void test_sanitize(void **state)
{
	(void)state;
	check_sanitize("plain \xc3\xa9", false, "plain \xc3\xa9");
	/* ESC, OSC title change, C1 CSI (U+009B), CR and BEL become visible text. */
	check_sanitize("\x1b[2J", false, "^[[2J");
	check_sanitize("\x1b]0;pwned\x07", false, "^[]0;pwned^G");
	check_sanitize("a\xc2\x9b"
		       "31mb",
		       false, "a<U+009B>31mb");
	check_sanitize("over\rwrite", false, "over^Mwrite");
	check_sanitize("bad\xff", false, "bad<FF>");
	check_sanitize("two\nlines", true, "two\nlines");
	check_sanitize("two\nlines", false, "two^Jlines");
	/* Right-to-left override would reorder the rest of the screen line. */
	check_sanitize("\xe2\x80\xae"
		       "abc",
		       false, "<U+202E>abc");
	/* An unassigned code point (U+0378) has no width: shown as its number. */
	check_sanitize("\xcd\xb8", false, "<U+0378>");
}

/* No byte that starts a terminal control sequence survives sanitizing. */
static void test_sanitize_no_controls(void **state)
{
	unsigned char all[256 * 2];
	struct buf b = {0};
	unsigned cp;

	(void)state;
	for (int i = 0; i < 256; i++) {
		all[2 * i] = (unsigned char)i;
		all[2 * i + 1] = 'x';
	}
	wrap_sanitize(&b, (const char *)all, sizeof all, true);
	for (size_t i = 0; i < b.len;) {
		size_t len = utf8_decode((const char *)b.data + i, b.len - i, &cp);

		assert_int_not_equal(len, 0);
		assert_false(cp != '\n' && codepoint_unsafe(cp));
		i += len;
	}
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ascii_word_wrap),
	    cmocka_unit_test(test_hanging_indent),
	    cmocka_unit_test(test_long_word),
	    cmocka_unit_test(test_long_word_after_prefix),
	    cmocka_unit_test(test_cjk_double_width),
	    cmocka_unit_test(test_emoji),
	    cmocka_unit_test(test_combining_marks),
	    cmocka_unit_test(test_newlines),
	    cmocka_unit_test(test_fit),
	    cmocka_unit_test(test_sanitize),
	    cmocka_unit_test(test_sanitize_no_controls),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
