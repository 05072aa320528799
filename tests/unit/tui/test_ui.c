/* SPDX-License-Identifier: ISC */
/* tui/test_ui.c - unit tests for composing display lines from untrusted events (tui/ui.h
 * ui_add). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text.h"
#include "ui.h"
#include "wrap.h"

/* 2023-11-14 22:13:20 UTC: a Tuesday, long before today. */
#define OLD_MS 1700000000000ull

/* Now: today's lines have only a clock ("[HH:MM] "), which depends on the time zone. */
static uint64_t now_ms(void)
{
	return (uint64_t)time(NULL) * 1000;
}

static const struct sb_line *last(const struct ui *u)
{
	return sb_at(&u->sb, u->sb.count - 1);
}

static int setup(void **state)
{
	(void)state;
	/* Dates are local: the tests read them in UTC. */
	if (setenv("TZ", "UTC", 1) != 0)
		return -1;
	tzset();
	return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void test_message_layout(void **state)
{
	struct ui u;
	const struct sb_line *l;

	(void)state;
	ui_init(&u, 10);
	ui_add(&u, SB_MSG, now_ms(), "bob", 3, "hello there", 11, false);
	l = last(&u);
	/* "[HH:MM] <bob> hello there" */
	assert_int_equal(l->len, 25);
	assert_memory_equal(l->text + 8, "<bob> hello there", 17);
	assert_int_equal(l->nick_off, 9);
	assert_int_equal(l->nick_len, 3);
	assert_int_equal(l->body_off, 14);
	assert_int_equal(l->prefix_cols, 14);
	ui_add(&u, SB_ACTION, now_ms(), "bob", 3, "waves", 5, false);
	assert_memory_equal(last(&u)->text + 8, " * bob waves", 12);
	ui_add(&u, SB_NOTICE, now_ms(), "", 0, "bob joined #lobby", 17, false);
	assert_memory_equal(last(&u)->text + 8, "-!- bob joined #lobby", 21);
	assert_int_equal(last(&u)->nick_len, 0);
	ui_free(&u);
}

/* The text of the line n lines before the newest (0 = the newest), as a string. */
static const char *back(const struct ui *u, size_t n)
{
	static char out[256];
	const struct sb_line *l = sb_at(&u->sb, u->sb.count - 1 - n);

	snprintf(out, sizeof out, "%.*s", (int)l->len, l->text);
	return out;
}

/* Issue 13 item 13: old lines show their date, a day change draws a line, history is marked. */
static void test_dates_days_history(void **state)
{
	struct ui u;
	struct ui_text m = {
	    .kind = SB_MSG, .nick = "bob", .nick_len = 3, .text = "hi", .text_len = 2};

	(void)state;
	ui_init(&u, 50);
	m.ms = OLD_MS;
	ui_add_line(&u, &m);
	assert_string_equal(back(&u, 0), "[14 Nov 2023 22:13] <bob> hi");
	assert_string_equal(back(&u, 1), "-- Tuesday 14 November 2023 --");
	assert_int_equal(sb_at(&u.sb, u.sb.count - 2)->kind, SB_MARK);
	/* The same day again: no second day line. */
	ui_add_line(&u, &m);
	assert_int_equal(u.sb.count, 3);
	/* Today: a day line, then a clock without a date. */
	m.ms = now_ms();
	ui_add_line(&u, &m);
	assert_int_equal(u.sb.count, 5);
	assert_memory_equal(back(&u, 1), "-- ", 3);
	assert_int_equal(strlen(back(&u, 0)), strlen("[HH:MM] <bob> hi"));
	/* A run of history lines from #dev: one "history of" line, each line marked. */
	m.history = true;
	m.room = "#dev";
	m.room_len = 4;
	ui_add_line(&u, &m);
	ui_add_line(&u, &m);
	assert_string_equal(back(&u, 2), "-- history of #dev --");
	assert_true(sb_at(&u.sb, u.sb.count - 1)->history);
	assert_int_equal(u.sb.count, 8);
	/* Another room's history, or history after a live line, is announced again. */
	m.room = "#ops";
	ui_add_line(&u, &m);
	assert_string_equal(back(&u, 1), "-- history of #ops --");
	m.history = false;
	ui_add_line(&u, &m);
	assert_false(sb_at(&u.sb, u.sb.count - 1)->history);
	m.history = true;
	ui_add_line(&u, &m);
	assert_string_equal(back(&u, 1), "-- history of #ops --");
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
	ui_add(&u, SB_MSG, now_ms(), nick, sizeof nick - 1, text, sizeof text - 1, true);
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
	ui_add(&u, SB_MSG, now_ms(), "bob", 3, "\xe4\xb8\xad\xe6\x96\x87", 6, false);
	assert_int_equal(wrap_str_width(last(&u)->text, last(&u)->len), 18);
	ui_free(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_message_layout),
	    cmocka_unit_test(test_hostile_strings),
	    cmocka_unit_test(test_wide_nick_prefix),
	    cmocka_unit_test(test_dates_days_history),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
