/* SPDX-License-Identifier: ISC */
/* keepalive.c - pure: when to PING a silent server, how late its answers are, when to give up. */
#include "core_int.h"

#include <stdlib.h>

#include "sys.h"

enum { PING_MS_MIN = 100, PING_MS_MAX = 3600000 };

void keepalive_init(struct keepalive *k)
{
	const char *env = getenv("NATTER_PING_MS");
	uint64_t ms = PING_INTERVAL_MS;

	/* A value that is not a number in range is ignored: the defaults are safe. */
	if (env != NULL)
		(void)parse_u64(env, PING_MS_MIN, PING_MS_MAX, &ms);
	*k = (struct keepalive){0};
	k->interval_ms = (unsigned)ms;
	k->lag_ms = ms < LAG_SHOW_MS ? (unsigned)ms : LAG_SHOW_MS;
	k->timeout_ms = (unsigned)ms * PING_TIMEOUT_FACTOR;
}

void keepalive_heard(struct keepalive *k, uint64_t now)
{
	k->heard_ms = now;
	k->asked_ms = 0;
}

void keepalive_start(struct keepalive *k, uint64_t now)
{
	keepalive_heard(k, now);
	k->ping_ms = 0;
}

void keepalive_asked(struct keepalive *k, uint64_t now)
{
	if (k->asked_ms == 0)
		k->asked_ms = now;
}

void keepalive_pong(struct keepalive *k, uint64_t token)
{
	if (token == k->token)
		k->ping_ms = 0;
}

/* A PING after interval_ms of silence, or once a request waited lag_ms: frozen or just slow? */
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

/* What the silence that loses the connection counts from: the PING, or what came after it. */
static uint64_t silent_since(const struct keepalive *k)
{
	return k->heard_ms > k->ping_ms ? k->heard_ms : k->ping_ms;
}

bool keepalive_lost(const struct keepalive *k, uint64_t now)
{
	return k->ping_ms != 0 && now - silent_since(k) >= k->timeout_ms;
}

uint64_t keepalive_lag(const struct keepalive *k, uint64_t now)
{
	uint64_t oldest = k->ping_ms;

	if (k->asked_ms != 0 && (oldest == 0 || k->asked_ms < oldest))
		oldest = k->asked_ms;
	return oldest == 0 || now - oldest < k->lag_ms ? 0 : now - oldest;
}

int keepalive_timeout_ms(const struct keepalive *k, uint64_t now)
{
	uint64_t at =
	    k->ping_ms != 0 ? silent_since(k) + k->timeout_ms : k->heard_ms + k->interval_ms;

	/* A request waiting lag_ms is PINGed sooner (keepalive_ping_due). */
	if (k->ping_ms == 0 && k->asked_ms != 0 && k->asked_ms + k->lag_ms < at)
		at = k->asked_ms + k->lag_ms;
	return ms_until(now, at);
}
