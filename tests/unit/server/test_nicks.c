/* SPDX-License-Identifier: ISC */
/* server/test_nicks.c - the server's nick index agrees with a plain search through many adds,
 * renames and removes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "text.h"

enum { N = 3000 };

/* The reference answer: a linear walk over the clients still present. */
static struct client *brute_find(struct client *cs, const bool *present, const char *nick)
{
	for (int i = 0; i < N; i++)
		if (present[i] && nick_equal(cs[i].nick, strlen(cs[i].nick), nick, strlen(nick)))
			return &cs[i];
	return NULL;
}

static void test_index_matches_linear_search(void **state)
{
	struct client *cs = calloc(N, sizeof *cs);
	bool *present = calloc(N, sizeof *present);
	struct nick_index ix = {0};
	unsigned seed = 12345;

	(void)state;
	assert_non_null(cs);
	assert_non_null(present);
	for (int i = 0; i < N; i++) {
		snprintf(cs[i].nick, sizeof cs[i].nick, "%s%d", i % 2 ? "User" : "user", i);
		nicks_add(&ix, &cs[i]);
		present[i] = true;
	}
	assert_int_equal(ix.count, N);
	/* Remove and rename at random; after each step every lookup must agree. */
	for (int step = 0; step < 20000; step++) {
		int i;
		char probe[MAX_NICK_BYTES + 1];

		seed = seed * 1103515245u + 12345u;
		i = (int)((seed >> 8) % N);
		if (present[i] && (seed & 1)) {
			nicks_remove(&ix, &cs[i]);
			present[i] = false;
		} else if (present[i]) {
			nicks_remove(&ix, &cs[i]);
			snprintf(cs[i].nick, sizeof cs[i].nick, "R%dx%d", i, step);
			nicks_add(&ix, &cs[i]);
		} else {
			snprintf(cs[i].nick, sizeof cs[i].nick, "back%d", i);
			nicks_add(&ix, &cs[i]);
			present[i] = true;
		}
		snprintf(probe, sizeof probe, "USER%d", (int)((seed >> 4) % N));
		assert_ptr_equal(nicks_find(&ix, probe, strlen(probe)),
				 brute_find(cs, present, probe));
		assert_ptr_equal(nicks_find(&ix, cs[i].nick, strlen(cs[i].nick)),
				 present[i] ? &cs[i] : brute_find(cs, present, cs[i].nick));
	}
	for (int i = 0; i < N; i++)
		assert_ptr_equal(nicks_find(&ix, cs[i].nick, strlen(cs[i].nick)),
				 brute_find(cs, present, cs[i].nick));
	assert_null(nicks_find(&ix, "nobody-here", 11));
	nicks_free(&ix);
	free(cs);
	free(present);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_index_matches_linear_search),
	};

	return cmocka_run_group_tests_name("nicks", tests, NULL, NULL);
}
