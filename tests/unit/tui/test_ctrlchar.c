/* SPDX-License-Identifier: ISC */
/* tui/test_ctrlchar.c - unit tests for finding, naming and stripping control characters in typed
 * lines (tui/ctrlchar.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ctrlchar.h"

/* What ctrl_find and ctrl_describe say about s, or "" if it is clean. */
static const char *describe(const char *s)
{
	static char out[128];
	struct ctrl_found f;

	if (!ctrl_find(s, strlen(s), &f))
		return "";
	ctrl_describe(&f, out, sizeof out);
	return out;
}

/* s stripped, as a string. */
static const char *strip(const char *s)
{
	static char out[256];
	size_t n = strlen(s);

	assert_true(n < sizeof out);
	memcpy(out, s, n);
	out[ctrl_strip(out, n)] = '\0';
	return out;
}

static void test_clean_lines(void **state)
{
	(void)state;
	assert_string_equal(describe("plain text"), "");
	assert_string_equal(describe("tab\tand\nnewline"), "");
	assert_string_equal(describe("café 中文 😀"), "");
	assert_string_equal(strip("café\tok\nyes"), "café\tok\nyes");
}

static void test_columns_count_characters(void **state)
{
	(void)state;
	assert_string_equal(describe("hello world\033[31m"), "ESC (^[) at column 12");
	assert_string_equal(describe("\033"), "ESC (^[) at column 1");
	/* é and 中 are one column each in the count, whatever their bytes. */
	assert_string_equal(describe("é中\001"), "SOH (^A) at column 3");
	assert_string_equal(describe("x\177"), "DEL (^?) at column 2");
	assert_string_equal(describe("ab\xc2\x85"), "U+0085 at column 3");
	assert_string_equal(describe("ab\xff"), "the byte 0xFF (not UTF-8) at column 3");
	assert_string_equal(describe("a\rb"), "CR (^M) at column 2");
}

static void test_lines_named_when_several(void **state)
{
	(void)state;
	assert_string_equal(describe("one\ntwo \a"), "BEL (^G) at line 2, column 5");
	assert_string_equal(describe("\033 then\nmore"), "ESC (^[) at line 1, column 1");
}

static void test_strip(void **state)
{
	(void)state;
	assert_string_equal(strip("red \033[1;31mtext\033[0m end"), "red text end");
	assert_string_equal(strip("title\033]0;evil\atext"), "titletext");
	assert_string_equal(strip("osc\033]2;x\033\\done"), "oscdone");
	/* A lone ESC goes alone: the letter after it may be text. */
	assert_string_equal(strip("\033Hello"), "Hello");
	assert_string_equal(strip("a\001b\177c\xc2\x85"
				  "d\xff"
				  "e"),
			    "abcde");
	assert_string_equal(strip("cut\033["), "cut[");
	assert_string_equal(strip("\033\033[2J"), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clean_lines),
	    cmocka_unit_test(test_columns_count_characters),
	    cmocka_unit_test(test_lines_named_when_several),
	    cmocka_unit_test(test_strip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
