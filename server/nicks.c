/* SPDX-License-Identifier: ISC */
/* nicks.c - a linear-probing hash set of registered clients, keyed by case-folded nick. */
#include "nicks.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "server.h"
#include "text.h"

static uint64_t nick_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		h ^= (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
		h *= 1099511628211ull;
	}
	return h;
}

static size_t home_of(const struct nick_index *ix, const char *nick, size_t len)
{
	return (size_t)nick_hash(nick, len) & (ix->cap - 1);
}

/* Grow (or create) the table, keeping it at most half full so probes stay short. */
static void grow(struct nick_index *ix)
{
	struct nick_index bigger = {.cap = ix->cap ? ix->cap * 2 : 64};

	bigger.slots = xcalloc(bigger.cap, sizeof *bigger.slots);
	for (size_t i = 0; i < ix->cap; i++)
		if (ix->slots[i] != NULL)
			nicks_add(&bigger, ix->slots[i]);
	free(ix->slots);
	*ix = bigger;
}

void nicks_add(struct nick_index *ix, struct client *c)
{
	size_t i;

	if ((ix->count + 1) * 2 > ix->cap)
		grow(ix);
	for (i = home_of(ix, c->nick, strlen(c->nick)); ix->slots[i] != NULL;
	     i = (i + 1) & (ix->cap - 1))
		;
	ix->slots[i] = c;
	ix->count++;
}

/* The slot holding nick, or SIZE_MAX. */
static size_t slot_of(const struct nick_index *ix, const char *nick, size_t len)
{
	if (ix->cap == 0)
		return SIZE_MAX;
	for (size_t i = home_of(ix, nick, len); ix->slots[i] != NULL; i = (i + 1) & (ix->cap - 1)) {
		const struct client *c = ix->slots[i];

		if (nick_equal(c->nick, strlen(c->nick), nick, len))
			return i;
	}
	return SIZE_MAX;
}

struct client *nicks_find(const struct nick_index *ix, const char *nick, size_t len)
{
	size_t i = slot_of(ix, nick, len);

	return i == SIZE_MAX ? NULL : ix->slots[i];
}

void nicks_remove(struct nick_index *ix, struct client *c)
{
	size_t i = slot_of(ix, c->nick, strlen(c->nick)), j;

	if (i == SIZE_MAX || ix->slots[i] != c)
		return;
	ix->slots[i] = NULL;
	ix->count--;
	/* Backward-shift deletion: pull later members of the probe run into the hole. */
	for (j = (i + 1) & (ix->cap - 1); ix->slots[j] != NULL; j = (j + 1) & (ix->cap - 1)) {
		struct client *m = ix->slots[j];
		size_t home = home_of(ix, m->nick, strlen(m->nick));

		/* m may move to the hole if its home is not in (i, j] cyclically. */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			ix->slots[i] = m;
			ix->slots[j] = NULL;
			i = j;
		}
	}
}

void nicks_free(struct nick_index *ix)
{
	free(ix->slots);
	ix->slots = NULL;
	ix->cap = ix->count = 0;
}
