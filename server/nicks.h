/* SPDX-License-Identifier: ISC */
/* nicks.h - registered clients by case-folded nick: O(1) lookups for HELLO, NICK and /msg. */
#ifndef NATTER_NICKS_H
#define NATTER_NICKS_H

#include <stddef.h>

struct client;

/* An open-addressing hash set of clients keyed by their nick, folded to lower case. */
struct nick_index {
	struct client **slots;
	size_t cap; /* a power of two, or 0 */
	size_t count;
};

/* Add c under c->nick (which no other member holds). */
void nicks_add(struct nick_index *ix, struct client *c);
/* Remove c (looked up by c->nick); nothing if absent. */
void nicks_remove(struct nick_index *ix, struct client *c);
/* The client holding nick, or NULL. */
struct client *nicks_find(const struct nick_index *ix, const char *nick, size_t len);
void nicks_free(struct nick_index *ix);

#endif
