/* tui/test_ui.c - unit tests for composing display lines from untrusted events (tui/ui.h
 * ui_add). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "text.h"
#include "ui.h"
#include "wrap.h"

/* 2023-11-14 22:13:20 UTC; the clock part depends on the time zone, so tests skip it. */
#define SOME_MS 1700000000000ull

static const struct sb_line *last(const struct ui *u)
{
	return sb_at(&u->sb, u->sb.count - 1);
}

static int setup(void **state)
{
	(void)state;
	return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void test_message_layout(void **state)
{
	struct ui u;
	const struct sb_line *l;

	(void)state;
	ui_init(&u, 10);
	ui_add(&u, SB_MSG, SOME_MS, "bob", 3, "hello there", 11, false);
	l = last(&u);
	/* "[HH:MM] <bob> hello there" */
	assert_int_equal(l->len, 25);
	assert_memory_equal(l->text + 8, "<bob> hello there", 17);
	assert_int_equal(l->nick_off, 9);
	assert_int_equal(l->nick_len, 3);
	assert_int_equal(l->body_off, 14);
	assert_int_equal(l->prefix_cols, 14);
	ui_add(&u, SB_ACTION, SOME_MS, "bob", 3, "waves", 5, false);
	assert_memory_equal(last(&u)->text + 8, " * bob waves", 12);
	ui_add(&u, SB_NOTICE, SOME_MS, "", 0, "bob joined #lobby", 17, false);
	assert_memory_equal(last(&u)->text + 8, "-!- bob joined #lobby", 21);
	assert_int_equal(last(&u)->nick_len, 0);
	ui_free(&u);
}

static void test_hostile_strings(void **state)
{
	static const char nick[] = "m\x1b[5mal";
	static const char text[] = "\x1b]0;pwned\x07 \xc2\x9b"
				   "2J over\rwrite\nsecond row";
	struct ui u;
	const struct sb_line *l;
	unsigned cp;

	(void)state;
	ui_init(&u, 10);
	ui_add(&u, SB_MSG, SOME_MS, nick, sizeof nick - 1, text, sizeof text - 1, true);
	l = last(&u);
	assert_true(l->mention);
	assert_memory_equal(l->text + l->nick_off, "m^[[5mal", l->nick_len);
	assert_non_null(strstr(l->text, "^[]0;pwned^G <U+009B>2J over^Mwrite\nsecond row"));
	/* Nothing a terminal would act on is left; the newline only separates rows. */
	for (size_t i = 0; i < l->len;) {
		size_t n = utf8_decode(l->text + i, l->len - i, &cp);

		assert_int_not_equal(n, 0);
		assert_false(cp != '\n' && codepoint_unsafe(cp));
		i += n;
	}
	/* The second row of the message wraps under the body, not under the time. */
	assert_int_equal(sb_line_rows(l, 80), 2);
	ui_free(&u);
}

static void test_wide_nick_prefix(void **state)
{
	struct ui u;

	(void)state;
	ui_init(&u, 10);
	ui_add(&u, SB_MSG, SOME_MS, "bob", 3, "\xe4\xb8\xad\xe6\x96\x87", 6, false);
	assert_int_equal(wrap_str_width(last(&u)->text, last(&u)->len), 18);
	ui_free(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_message_layout),
	    cmocka_unit_test(test_hostile_strings),
	    cmocka_unit_test(test_wide_nick_prefix),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
