/* SPDX-License-Identifier: ISC */
/* core_int.h - what the client core's files share (not for front ends). */
#ifndef NATTER_CORE_INT_H
#define NATTER_CORE_INT_H

#include "core.h"

/*
 * A request's protocol 3 tag: a reference above its type. The reference is the front end's, or
 * with AUTO_REF our own for requests nobody typed: unique, so a DONE settles only its request.
 */
enum { TAG_TYPE_BITS = 8, AUTO_REF = 0x800000 };

/* Give ev to the front end (core.c); 1 if the front end ended the client meanwhile. */
int core_emit(struct core *c, const struct event *ev);
/* Tell the front end that our lines now go to c->room (EV_CURRENT). */
int core_emit_current(struct core *c);
/* Copy an untrusted string into a fixed field, cut at a character boundary. */
void core_copy_str(char *dst, size_t cap, struct str s);

/* requests.c: a new request's tag, for a request of this type. */
uint32_t core_next_tag(struct core *c, uint8_t type);

/* Sets of room names; names compare without regard to case (they are ASCII). */
bool rooms_same(const char *a, struct str b);
/* Index of room in set, or -1. */
int rooms_find(const struct core_rooms *set, struct str room);
/* Add room unless it is there already or the set is full (the server allows no more). */
void rooms_add(struct core_rooms *set, struct str room);
void rooms_remove(struct core_rooms *set, struct str room);

/* keepalive.c, pure: when to PING a silent server, how late its answers are, when to give up. */
/* Intervals from NATTER_PING_MS (milliseconds, 100 to 3600000), else the defaults. */
void keepalive_init(struct keepalive *k);
/* A new connection; the server sent something (which proves it alive). */
void keepalive_start(struct keepalive *k, uint64_t now);
void keepalive_heard(struct keepalive *k, uint64_t now);
/* We sent a request that the server will answer. */
void keepalive_asked(struct keepalive *k, uint64_t now);
/* A PONG with token arrived: it answers our PING if the token is its. */
void keepalive_pong(struct keepalive *k, uint64_t token);
/* Whether a PING is due now; if so, *token is its token and it counts as sent. */
bool keepalive_ping_due(struct keepalive *k, uint64_t now, uint64_t *token);
/* Whether the server has not answered for too long: the connection is lost. */
bool keepalive_lost(const struct keepalive *k, uint64_t now);
/* How long the oldest unanswered request or PING has waited, when at least lag_ms; else 0. */
uint64_t keepalive_lag(const struct keepalive *k, uint64_t now);
/* Milliseconds until one of the above changes its answer. */
int keepalive_timeout_ms(const struct keepalive *k, uint64_t now);

/* listing.c: WHOREPLY and ROOMLIST frames gathered into one event per listing. */
int core_on_whoreply(struct core *c, const struct frame *f);
int core_on_roomlist(struct core *c, const struct frame *f);

#endif
