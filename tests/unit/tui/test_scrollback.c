/* SPDX-License-Identifier: ISC */
/* tui/test_scrollback.c - unit tests for the scrollback model (tui/scrollback.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "scrollback.h"

enum { WIDTH = 40, HEIGHT = 10 };

/* Push "[12:00] <bob> TEXT" as bob's message. */
static uint64_t push(struct scrollback *sb, const char *text, bool mention)
{
	char s[256];
	struct sb_line l = {0};

	snprintf(s, sizeof s, "[12:00] <bob> %s", text);
	l.kind = SB_MSG;
	l.text = s;
	l.len = strlen(s);
	l.body_off = 14;
	l.nick_off = 9;
	l.nick_len = 3;
	l.prefix_cols = 14;
	l.mention = mention;
	return sb_push(sb, &l);
}

static void push_n(struct scrollback *sb, int n)
{
	char s[32];

	for (int i = 0; i < n; i++) {
		snprintf(s, sizeof s, "line %d", i);
		push(sb, s, false);
	}
}

/* Seq of the line at the bottom of the view. */
static uint64_t bottom_seq(const struct scrollback *sb)
{
	size_t index, skip;

	assert_true(sb_bottom(sb, WIDTH, &index, &skip));
	return sb_at(sb, index)->seq;
}

static int setup(void **state)
{
	(void)state;
	return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void test_bound(void **state)
{
	struct scrollback sb;

	(void)state;
	sb_init(&sb, 100);
	push_n(&sb, 250);
	assert_int_equal(sb.count, 100);
	/* The oldest lines went; the newest stayed, in order. */
	assert_int_equal(sb_at(&sb, 0)->seq, 151);
	assert_int_equal(sb_at(&sb, 99)->seq, 250);
	assert_string_equal(sb_at(&sb, 99)->text, "[12:00] <bob> line 249");
	assert_int_equal(sb_index(&sb, 150), -1);
	assert_int_equal(sb_index(&sb, 200), 49);
	sb_clear(&sb);
	assert_int_equal(sb.count, 0);
	assert_int_equal(push(&sb, "again", false), 251);
	sb_free(&sb);
}

/* A line replaced in place keeps its seq and position; one that scrolled out cannot be. */
static void test_replace(void **state)
{
	struct scrollback sb;
	char text[] = "[12:01] <me> confirmed";
	struct sb_line l = {.kind = SB_OWN, .text = text, .len = sizeof text - 1};

	(void)state;
	sb_init(&sb, 3);
	push(&sb, "first", false);
	push(&sb, "mine (sending...)", false);
	push(&sb, "after", false);
	assert_true(sb_replace(&sb, 2, &l));
	assert_int_equal(sb_at(&sb, 1)->seq, 2);
	assert_int_equal(sb_at(&sb, 1)->kind, SB_OWN);
	assert_string_equal(sb_at(&sb, 1)->text, "[12:01] <me> confirmed");
	assert_string_equal(sb_at(&sb, 2)->text, "[12:00] <bob> after");
	push_n(&sb, 3);
	assert_false(sb_replace(&sb, 2, &l));
	sb_free(&sb);
}

static void test_follow_and_scroll(void **state)
{
	struct scrollback sb;

	(void)state;
	sb_init(&sb, 1000);
	push_n(&sb, 50);
	assert_true(sb.following);
	assert_int_equal(bottom_seq(&sb), 50);
	sb_scroll_up(&sb, HEIGHT - 1, WIDTH, HEIGHT);
	assert_false(sb.following);
	assert_int_equal(bottom_seq(&sb), 41);
	sb_scroll_down(&sb, 4, WIDTH);
	assert_int_equal(bottom_seq(&sb), 45);
	sb_scroll_down(&sb, 100, WIDTH);
	assert_true(sb.following);
	/* The top keeps the pane full: line 1 is the top row, line 10 the bottom. */
	sb_scroll_top(&sb, WIDTH, HEIGHT);
	assert_int_equal(bottom_seq(&sb), HEIGHT);
	sb_scroll_up(&sb, 5, WIDTH, HEIGHT);
	assert_int_equal(bottom_seq(&sb), HEIGHT);
	sb_scroll_bottom(&sb);
	assert_true(sb.following);
	sb_free(&sb);
}

/* Push one of the client's own lines (feedback or a marker) with text as its body. */
static void push_own(struct scrollback *sb, enum sb_kind kind, const char *text)
{
	struct sb_line l = {.kind = kind, .text = (char *)text, .len = strlen(text)};

	sb_push(sb, &l);
}

static void test_stable_while_scrolled(void **state)
{
	struct scrollback sb;

	(void)state;
	sb_init(&sb, 1000);
	push_n(&sb, 30);
	sb_scroll_up(&sb, 12, WIDTH, HEIGHT);
	assert_int_equal(bottom_seq(&sb), 18);
	assert_int_equal(sb_unseen(&sb), 0);
	push_n(&sb, 7);
	/* New lines neither move the view nor go unnoticed. */
	assert_int_equal(bottom_seq(&sb), 18);
	assert_int_equal(sb_unseen(&sb), 7);
	/* Lines already seen (19..30) are not counted as they come back into view, new ones
	 * are until they have been at the bottom of the pane. */
	sb_scroll_down(&sb, 15, WIDTH);
	assert_int_equal(bottom_seq(&sb), 33);
	assert_int_equal(sb_unseen(&sb), 4);
	/* Only messages count, not notices or the client's own lines. */
	push_own(&sb, SB_INFO, "no line contains \"x\"");
	push_own(&sb, SB_MARK, "-- Saturday 5 December 2026 --");
	assert_int_equal(sb_unseen(&sb), 4);
	sb_scroll_up(&sb, 5, WIDTH, HEIGHT);
	assert_int_equal(sb_unseen(&sb), 4);
	sb_scroll_bottom(&sb);
	assert_int_equal(sb_unseen(&sb), 0);
	push_n(&sb, 3);
	assert_int_equal(sb_unseen(&sb), 0);
	assert_int_equal(bottom_seq(&sb), 42);
	sb_free(&sb);
}

/* The anchor survives its line being dropped from a full ring. */
static void test_anchor_evicted(void **state)
{
	struct scrollback sb;

	(void)state;
	sb_init(&sb, 20);
	push_n(&sb, 20);
	sb_scroll_top(&sb, WIDTH, HEIGHT);
	push_n(&sb, 15);
	assert_false(sb.following);
	assert_int_equal(bottom_seq(&sb), 16);
	assert_int_equal(sb_unseen(&sb), 15);
	sb_free(&sb);
}

/* Scrolling counts screen rows, so a wrapped line scrolls row by row. */
static void test_wrapped_rows(void **state)
{
	struct scrollback sb;
	size_t index, skip;

	(void)state;
	sb_init(&sb, 100);
	push_n(&sb, 20);
	/* 14 + 60 columns at width 40: 1 + 3 rows of 26. */
	push(&sb, "aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee fffffffff", false);
	assert_int_equal(sb_line_rows(sb_at(&sb, 20), WIDTH), 3);
	sb_scroll_up(&sb, 1, WIDTH, HEIGHT);
	assert_true(sb_bottom(&sb, WIDTH, &index, &skip));
	assert_int_equal(index, 20);
	assert_int_equal(skip, 1);
	sb_scroll_up(&sb, 2, WIDTH, HEIGHT);
	assert_true(sb_bottom(&sb, WIDTH, &index, &skip));
	assert_int_equal(index, 19);
	assert_int_equal(skip, 0);
	/* Wider after a resize: the line has fewer rows, the hidden count is clamped. */
	sb_scroll_down(&sb, 2, WIDTH);
	assert_true(sb_bottom(&sb, 200, &index, &skip));
	assert_int_equal(index, 20);
	assert_int_equal(skip, 0);
	sb_free(&sb);
}

/* Issue 13 item 9: the client's feedback lines are never search hits. */
static void test_search_skips_feedback(void **state)
{
	struct scrollback sb;

	(void)state;
	sb_init(&sb, 100);
	push(&sb, "flood 25", false); /* 1 */
	push_n(&sb, 5);
	push_own(&sb, SB_INFO, "no older line contains \"flood 25\"");
	push_own(&sb, SB_ERROR, "flood 25 went wrong");
	push_own(&sb, SB_MARK, "-- flood 25 --");
	assert_int_equal(sb_search(&sb, "flood 25", true, WIDTH, HEIGHT), SB_FOUND);
	assert_int_equal(sb.hit, 1);
	/* Going on finds the same line again, round the end, and not the feedback. */
	assert_int_equal(sb_search(&sb, "flood 25", true, WIDTH, HEIGHT), SB_FOUND_WRAPPED);
	assert_int_equal(sb.hit, 1);
	sb_free(&sb);
}

static void test_search(void **state)
{
	struct scrollback sb;

	(void)state;
	sb_init(&sb, 1000);
	push_n(&sb, 10);
	push(&sb, "the Needle one", false); /* 11 */
	push_n(&sb, 30);
	push(&sb, "another needle", false); /* 42 */
	push_n(&sb, 30);
	push(&sb, "needle on top", false); /* 73 */
	sb_scroll_top(&sb, WIDTH, HEIGHT);
	/* Near the top the pane stays full: the hit is in view, above the bottom row. */
	assert_true(sb_search(&sb, "needle", false, WIDTH, HEIGHT));
	assert_int_equal(sb.hit, 11);
	assert_int_equal(bottom_seq(&sb), 11);
	sb_scroll_bottom(&sb);
	assert_true(sb_search(&sb, "needle", true, WIDTH, HEIGHT));
	assert_int_equal(sb.hit, 73);
	/* Older from 73: 42, then 11, then nothing more. */
	assert_true(sb_search(&sb, "NEEDLE", true, WIDTH, HEIGHT));
	assert_int_equal(sb.hit, 42);
	assert_int_equal(bottom_seq(&sb), 42);
	assert_true(sb_search(&sb, "needle", true, WIDTH, HEIGHT));
	assert_int_equal(sb.hit, 11);
	assert_int_equal(bottom_seq(&sb), 11);
	/* Past the oldest match the search goes round to the newest, and says so. */
	assert_int_equal(sb_search(&sb, "needle", true, WIDTH, HEIGHT), SB_FOUND_WRAPPED);
	assert_int_equal(sb.hit, 73);
	assert_int_equal(sb_search(&sb, "needle", false, WIDTH, HEIGHT), SB_FOUND_WRAPPED);
	assert_int_equal(sb.hit, 11);
	assert_int_equal(sb_search(&sb, "needle", false, WIDTH, HEIGHT), SB_FOUND);
	assert_int_equal(sb.hit, 42);
	assert_int_equal(sb_search(&sb, "needle", false, WIDTH, HEIGHT), SB_FOUND);
	assert_int_equal(sb.hit, 73);
	assert_int_equal(sb_search(&sb, "absent", false, WIDTH, HEIGHT), SB_NOT_FOUND);
	assert_int_equal(sb.hit, 73);
	/* The prefix (timestamp, nick) is not searched. */
	sb_scroll_bottom(&sb);
	assert_false(sb_search(&sb, "bob", true, WIDTH, HEIGHT));
	assert_true(sb.following);
	sb_free(&sb);
}

static void test_mentions(void **state)
{
	struct scrollback sb;

	(void)state;
	assert_true(sb_mentions("hi alice", 8, "alice"));
	assert_true(sb_mentions("Alice: look", 11, "alice"));
	assert_true(sb_mentions("ping alice.", 11, "alice"));
	assert_false(sb_mentions("malice", 6, "alice"));
	assert_false(sb_mentions("alice2 hi", 9, "alice"));
	assert_false(sb_mentions("", 0, "alice"));
	sb_init(&sb, 100);
	push(&sb, "alice: one", true); /* 1 */
	push_n(&sb, 20);
	push(&sb, "two, alice", true); /* 22 */
	push_n(&sb, 20);
	assert_true(sb_search(&sb, NULL, true, WIDTH, HEIGHT));
	assert_int_equal(sb.hit, 22);
	assert_true(sb_search(&sb, NULL, true, WIDTH, HEIGHT));
	assert_int_equal(sb.hit, 1);
	assert_true(sb_search(&sb, NULL, false, WIDTH, HEIGHT));
	assert_int_equal(sb.hit, 22);
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bound),
	    cmocka_unit_test(test_replace),
	    cmocka_unit_test(test_follow_and_scroll),
	    cmocka_unit_test(test_stable_while_scrolled),
	    cmocka_unit_test(test_anchor_evicted),
	    cmocka_unit_test(test_wrapped_rows),
	    cmocka_unit_test(test_search),
	    cmocka_unit_test(test_search_skips_feedback),
	    cmocka_unit_test(test_mentions),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
