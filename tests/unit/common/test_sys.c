/* SPDX-License-Identifier: ISC */
/* test_sys.c - unit tests for sys.c's pure helpers: poll timeouts and plain numbers. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sys.h"

/* A deadline as poll(2) wants it: 0 once past, never beyond INT_MAX. */
static void test_ms_until(void **state)
{
	(void)state;
	assert_int_equal(ms_until(1000, 1250), 250);
	assert_int_equal(ms_until(1000, 1000), 0);
	assert_int_equal(ms_until(1000, 999), 0);
	assert_int_equal(ms_until(0, UINT64_MAX), INT_MAX);
	assert_int_equal(ms_until(5, 5 + (uint64_t)INT_MAX + 1), INT_MAX);
}

/* Plain decimals in range only: no sign, no spaces, no overflow. */
static void test_parse_u64(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_true(parse_u64("500", 100, 3600000, &v));
	assert_int_equal(v, 500);
	assert_false(parse_u64(" 500", 100, 3600000, &v));
	assert_false(parse_u64("+500", 100, 3600000, &v));
	assert_false(parse_u64("99", 100, 3600000, &v));
	assert_false(parse_u64("18446744073709551616", 0, UINT64_MAX, &v));
	assert_false(parse_u64("", 0, 10, &v));
	assert_int_equal(v, 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ms_until),
	    cmocka_unit_test(test_parse_u64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
