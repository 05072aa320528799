/* SPDX-License-Identifier: ISC */
/* keepalive.h - pure: when to PING a silent server, how late its answers are, when to give up. */
#ifndef NATTER_KEEPALIVE_H
#define NATTER_KEEPALIVE_H

#include <stdbool.h>
#include <stdint.h>

enum {
	PING_INTERVAL_MS = 10000, /* PING a server silent this long (NATTER_PING_MS) */
	LAG_SHOW_MS = 2000,	  /* an answer this late is lag worth showing */
	PING_TIMEOUT_FACTOR = 3,  /* the connection is lost after this many intervals unanswered */
};

/* One connection's keepalive; times are mono_ms() milliseconds, 0 meaning none. */
struct keepalive {
	unsigned interval_ms; /* PING after this much silence */
	unsigned lag_ms;      /* lag is shown from this much */
	unsigned timeout_ms;  /* silence after an unanswered PING that ends the connection */
	uint64_t heard_ms;    /* when the server last sent anything */
	uint64_t asked_ms;    /* our first request since then */
	uint64_t ping_ms;     /* our PING, not answered yet */
	uint64_t token;	      /* its token */
};

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

#endif
