/* SPDX-License-Identifier: ISC */
/* server/test_bucket.c - the rate limit's token bucket: bursts, refills, and when the next token is
 * due.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bucket.h"

/* A full bucket gives exactly burst tokens at one instant, then none. */
static void test_burst_then_empty(void **state)
{
	struct bucket b;

	(void)state;
	bucket_init(&b, 10, 1000);
	for (int i = 0; i < 10; i++)
		assert_true(bucket_take(&b, 50, 10, 1000));
	assert_false(bucket_take(&b, 50, 10, 1000));
	assert_false(bucket_take(&b, 50, 10, 1000)); /* a refusal costs nothing */
}

/* Empty at --rate R, the next token is due in 1000/R ms (rounded up), not a fixed tick. */
static void test_next_token_delay(void **state)
{
	static const struct {
		unsigned rate;
		uint64_t want_ms;
	} cases[] = {{1, 1000}, {2, 500}, {3, 334},  {5, 200},
		     {10, 100}, {50, 20}, {1000, 1}, {3000, 1}};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct bucket b;

		bucket_init(&b, 1, 5000);
		assert_true(bucket_take(&b, cases[i].rate, 1, 5000));
		assert_int_equal(bucket_wait_ms(&b, cases[i].rate, 1, 5000), cases[i].want_ms);
		/* One ms early there is still no token; at the promised time there is. */
		if (cases[i].want_ms > 1)
			assert_false(
			    bucket_take(&b, cases[i].rate, 1, 5000 + cases[i].want_ms - 1));
		assert_true(bucket_take(&b, cases[i].rate, 1, 5000 + cases[i].want_ms));
	}
}

/* Part of a token already earned shortens the wait. */
static void test_partial_token_shortens_wait(void **state)
{
	struct bucket b;

	(void)state;
	bucket_init(&b, 1, 0);
	assert_true(bucket_take(&b, 10, 1, 0));
	assert_int_equal(bucket_wait_ms(&b, 10, 1, 30), 70);
	assert_int_equal(bucket_wait_ms(&b, 10, 1, 100), 0);
	assert_int_equal(bucket_wait_ms(&b, 10, 1, 5000), 0);
}

/*
 * Draining a backlog by waiting exactly as long as bucket_wait_ms says:
 * 200 requests at --rate 50 --burst 10 take (200 - 10) / 50 s = 3800 ms of
 * the bucket's clock, and --rate 2 gives 2 a second, not 1.
 */
static void test_drain_follows_rate(void **state)
{
	static const struct {
		unsigned rate, burst, n;
		uint64_t want_ms;
	} cases[] = {{50, 10, 200, 3800}, {2, 1, 11, 5000}, {5, 10, 40, 6000}, {7, 3, 10, 1000}};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct bucket b;
		uint64_t now = 100000;
		unsigned done = 0;

		bucket_init(&b, cases[i].burst, now);
		for (int guard = 0; done < cases[i].n && guard < 100000; guard++) {
			if (bucket_take(&b, cases[i].rate, cases[i].burst, now))
				done++;
			else
				now += bucket_wait_ms(&b, cases[i].rate, cases[i].burst, now);
		}
		assert_int_equal(done, cases[i].n);
		assert_int_equal(now - 100000, cases[i].want_ms);
	}
}

/* A long idle spell refills only up to the burst. */
static void test_refill_capped_at_burst(void **state)
{
	struct bucket b;
	int got = 0;

	(void)state;
	bucket_init(&b, 4, 0);
	for (int i = 0; i < 4; i++)
		assert_true(bucket_take(&b, 5, 4, 0));
	while (got < 100 && bucket_take(&b, 5, 4, 3600 * 1000))
		got++;
	assert_int_equal(got, 4);
}

/* A clock that reads earlier than the last refill (never, with mono_ms) earns nothing. */
static void test_clock_going_back(void **state)
{
	struct bucket b;

	(void)state;
	bucket_init(&b, 1, 1000);
	assert_true(bucket_take(&b, 5, 1, 1000));
	assert_false(bucket_take(&b, 5, 1, 500));
	assert_int_equal(bucket_wait_ms(&b, 5, 1, 1000), 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_burst_then_empty),
	    cmocka_unit_test(test_next_token_delay),
	    cmocka_unit_test(test_partial_token_shortens_wait),
	    cmocka_unit_test(test_drain_follows_rate),
	    cmocka_unit_test(test_refill_capped_at_burst),
	    cmocka_unit_test(test_clock_going_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
