/* SPDX-License-Identifier: ISC */
/* flood.c - fairness: the token bucket, holding back input (--rate, soft queue cap), resuming. */
#include <stdio.h>

#include "log.h"
#include "server.h"
#include "sys.h"

void flood_init(struct server *s, struct client *c)
{
	bucket_init(&c->flood.bucket, s->cfg.burst, mono_ms());
}

bool flood_take(struct server *s, struct client *c)
{
	if (s->cfg.rate == 0)
		return true;
	return bucket_take(&c->flood.bucket, s->cfg.rate, s->cfg.burst, mono_ms());
}

bool flood_backlogged(const struct server *s, const struct client *c)
{
	return c->out.bytes > s->cfg.soft_queue_bytes;
}

bool flood_listening(const struct server *s, const struct client *c)
{
	return !c->flood.held && !flood_backlogged(s, c);
}

void flood_hold(struct server *s, struct client *c)
{
	c->flood.held = true;
	if (!c->flood.listed) {
		if (s->nheld == s->held_cap) {
			s->held_cap = s->held_cap ? s->held_cap * 2 : 16;
			s->held = xrealloc(s->held, s->held_cap * sizeof *s->held);
		}
		s->held[s->nheld++] = c;
		c->flood.listed = true;
	}
	server_update_events(s, c); /* stop reading: the kernel pushes back on the sender */
}

void flood_throttle(struct server *s, struct client *c)
{
	uint64_t now = mono_ms();

	/* Woken exactly when the bucket has a token again, not on the next housekeeping tick. */
	c->flood.throttled = true;
	c->flood.resume_ms = now + bucket_wait_ms(&c->flood.bucket, s->cfg.rate, s->cfg.burst, now);
	if (c->flood.throttled_since_ms == 0)
		c->flood.throttled_since_ms = now;
	flood_hold(s, c);
	if (!c->flood.warned) {
		char text[160];

		snprintf(text, sizeof text,
			 "you are sending more than %u messages a second (bursts of %u); the rest "
			 "are delayed, not lost",
			 s->cfg.rate, s->cfg.burst);
		output_notice(s, c, text);
		c->flood.warned = true;
		log_info("client %llu %s: rate limited", (unsigned long long)c->serial, c->nick);
	}
}

static bool live(const struct client *c)
{
	return c->state == CS_HELLO || c->state == CS_READY;
}

/* Whether c's held input may be taken up now: a token is due and its queue is under the cap. */
static bool may_resume(const struct server *s, const struct client *c, uint64_t now)
{
	return !flood_backlogged(s, c) && (!c->flood.throttled || now >= c->flood.resume_ms);
}

int flood_poll_timeout(const struct server *s, uint64_t now, int timeout)
{
	for (size_t i = 0; i < s->nheld; i++) {
		const struct client *c = s->held[i];

		/* A backlogged client waits for a flush (POLLOUT), not for a timer. */
		if (!live(c) || !c->flood.held || flood_backlogged(s, c))
			continue;
		if (may_resume(s, c, now))
			return 0;
		if (c->flood.resume_ms - now < (uint64_t)timeout)
			timeout = (int)(c->flood.resume_ms - now);
	}
	return timeout;
}

void flood_forget_dead(struct server *s)
{
	size_t keep = 0;

	for (size_t i = 0; i < s->nheld; i++) {
		struct client *c = s->held[i];

		if (live(c) && c->flood.held)
			s->held[keep++] = c;
		else
			c->flood.listed = false;
	}
	s->nheld = keep;
}

void flood_resume(struct server *s, uint64_t now)
{
	/* Rereads nheld: processing one client's input never holds another's. */
	for (size_t i = 0; i < s->nheld; i++) {
		struct client *c = s->held[i];

		if (!live(c) || !c->flood.held || !may_resume(s, c, now))
			continue;
		c->flood.held = false;
		c->flood.throttled = false;
		client_process_held(s, c); /* may hold it again */
		if (live(c) && !c->flood.held) {
			c->flood.throttled_since_ms = 0;
			server_update_events(s, c);
		}
	}
	flood_forget_dead(s);
}

/* Say goodbye to c for why (code and leave_reason for BYE and LEAVE); true. */
static bool drop(struct server *s, struct client *c, const char *why, enum bye_code code,
		 const char *leave_reason)
{
	log_info("client %llu %s: %s; disconnected", (unsigned long long)c->serial, c->nick, why);
	chat_bye(s, c, code, why, leave_reason);
	return true;
}

bool flood_tick(struct server *s, struct client *c, uint64_t now)
{
	char why[160];

	if (c->flood.over_soft_since_ms != 0 && now > c->flood.over_soft_since_ms &&
	    now - c->flood.over_soft_since_ms >= (uint64_t)s->cfg.soft_queue_s * 1000) {
		snprintf(why, sizeof why,
			 "too slow: more than %zu bytes were waiting to be read for %u s",
			 s->cfg.soft_queue_bytes, s->cfg.soft_queue_s);
		outq_drop_unstarted(&c->out);
		return drop(s, c, why, BYE_TOO_SLOW, "too slow");
	}
	if (c->flood.throttled && now > c->flood.throttled_since_ms &&
	    now - c->flood.throttled_since_ms >= (uint64_t)FLOOD_DROP_S * 1000) {
		snprintf(why, sizeof why,
			 "flooding: sent faster than %u messages a second for %d s", s->cfg.rate,
			 FLOOD_DROP_S);
		return drop(s, c, why, BYE_FLOODING, "flooding");
	}
	return false;
}

void flood_queue_grew(struct server *s, struct client *c)
{
	if (c->flood.over_soft_since_ms == 0 && c->out.bytes > s->cfg.soft_queue_bytes)
		c->flood.over_soft_since_ms = mono_ms();
}

void flood_queue_drained(struct server *s, struct client *c)
{
	if (c->out.bytes <= s->cfg.soft_queue_bytes)
		c->flood.over_soft_since_ms = 0;
}
