/* SPDX-License-Identifier: ISC */
/* keepalive.c - pure: when to PING a silent server, how late its answers are, when to give up. */
#include "keepalive.h"

#include <limits.h>
#include <stdlib.h>

enum { PING_MS_MIN = 100, PING_MS_MAX = 3600000 };

void keepalive_init(struct keepalive *k)
{
	const char *env = getenv("NATTER_PING_MS");
	unsigned long ms = PING_INTERVAL_MS;
	char *end;

	if (env != NULL && env[0] != '\0') {
		unsigned long v = strtoul(env, &end, 10);

		/* A value that is not a number in range is ignored: the defaults are safe. */
		if (*end == '\0' && v >= PING_MS_MIN && v <= PING_MS_MAX)
			ms = v;
	}
	*k = (struct keepalive){0};
	k->interval_ms = (unsigned)ms;
	k->lag_ms = ms < LAG_SHOW_MS ? (unsigned)ms : LAG_SHOW_MS;
	k->timeout_ms = (unsigned)ms * PING_TIMEOUT_FACTOR;
}

void keepalive_start(struct keepalive *k, uint64_t now)
{
	k->heard_ms = now;
	k->asked_ms = 0;
	k->ping_ms = 0;
}

void keepalive_heard(struct keepalive *k, uint64_t now)
{
	k->heard_ms = now;
	k->asked_ms = 0;
}

void keepalive_asked(struct keepalive *k, uint64_t now)
{
	if (k->asked_ms == 0)
		k->asked_ms = now;
}

bool keepalive_pong(struct keepalive *k, uint64_t token)
{
	if (k->ping_ms == 0 || token != k->token)
		return false;
	k->ping_ms = 0;
	return true;
}

/*
 * A PING goes out after interval_ms of silence, or as soon as a request has
 * waited lag_ms: then the lag shown is backed by a PING that will tell a
 * frozen server from a slow one.
 */
bool keepalive_ping_due(struct keepalive *k, uint64_t now, uint64_t *token)
{
	bool silent = now - k->heard_ms >= k->interval_ms;
	bool waiting = k->asked_ms != 0 && now - k->asked_ms >= k->lag_ms;

	if (k->ping_ms != 0 || (!silent && !waiting))
		return false;
	k->ping_ms = now;
	*token = ++k->token;
	return true;
}

/* Silence since the PING went out, or since the last thing heard after it. */
bool keepalive_lost(const struct keepalive *k, uint64_t now)
{
	uint64_t since = k->heard_ms > k->ping_ms ? k->heard_ms : k->ping_ms;

	return k->ping_ms != 0 && now - since >= k->timeout_ms;
}

uint64_t keepalive_lag(const struct keepalive *k, uint64_t now)
{
	uint64_t oldest = k->ping_ms;

	if (k->asked_ms != 0 && (oldest == 0 || k->asked_ms < oldest))
		oldest = k->asked_ms;
	if (oldest == 0 || now - oldest < k->lag_ms)
		return 0;
	return now - oldest;
}

/* Milliseconds from now to at, 0 if past. */
static uint64_t until(uint64_t now, uint64_t at)
{
	return at > now ? at - now : 0;
}

int keepalive_timeout_ms(const struct keepalive *k, uint64_t now)
{
	uint64_t ms;

	if (k->ping_ms != 0) {
		uint64_t since = k->heard_ms > k->ping_ms ? k->heard_ms : k->ping_ms;

		ms = until(now, since + k->timeout_ms);
	} else {
		ms = until(now, k->heard_ms + k->interval_ms);
		if (k->asked_ms != 0 && until(now, k->asked_ms + k->lag_ms) < ms)
			ms = until(now, k->asked_ms + k->lag_ms);
	}
	return ms > INT_MAX ? INT_MAX : (int)ms;
}
