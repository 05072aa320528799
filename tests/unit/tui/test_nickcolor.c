/* SPDX-License-Identifier: ISC */
/* tui/test_nickcolor.c - unit tests for stable per-nick colours (tui/nickcolor.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "nickcolor.h"

static unsigned color(const char *nick, unsigned n)
{
	return nick_color(nick, strlen(nick), n);
}

static void test_stable_and_in_range(void **state)
{
	(void)state;
	/* Pinned values: a change of hash would recolour everyone's nicks. */
	assert_int_equal(color("alice", 12), 1);
	assert_int_equal(color("bob", 12), 10);
	assert_int_equal(color("carol", 6), 0);
	for (unsigned n = 1; n < 20; n++)
		assert_true(color("bob", n) < n);
	assert_int_equal(color("anything", 1), 0);
	assert_int_equal(color("anything", 0), 0);
}

static void test_case_insensitive(void **state)
{
	(void)state;
	assert_int_equal(color("Alice", 12), color("alice", 12));
	assert_int_equal(color("BOB_2", 6), color("bob_2", 6));
}

/* Different nicks spread over the palette rather than sharing one colour. */
static void test_spread(void **state)
{
	unsigned used[12] = {0}, distinct = 0;
	char nick[16];

	(void)state;
	for (int i = 0; i < 120; i++) {
		snprintf(nick, sizeof nick, "user%d", i);
		used[color(nick, 12)]++;
	}
	for (int i = 0; i < 12; i++)
		distinct += used[i] > 0;
	assert_true(distinct >= 10);
	for (int i = 0; i < 12; i++)
		assert_true(used[i] < 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stable_and_in_range),
	    cmocka_unit_test(test_case_insensitive),
	    cmocka_unit_test(test_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
