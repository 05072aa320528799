/* flood.c - fairness: the per-client token bucket, pausing a flooder's input, the soft queue cap.
 */
#include <stdio.h>

#include "log.h"
#include "server.h"
#include "sys.h"

/* Add the tokens earned since the last refill, up to the burst. */
static void refill(struct server *s, struct client *c, uint64_t now)
{
	uint64_t cap = (uint64_t)s->cfg.burst * 1000;
	uint64_t earned = (now - c->refill_ms) * s->cfg.rate; /* milli-tokens */

	c->refill_ms = now;
	c->tokens_milli = c->tokens_milli + earned > cap ? cap : c->tokens_milli + earned;
}

void flood_init(struct server *s, struct client *c)
{
	c->tokens_milli = (uint64_t)s->cfg.burst * 1000;
	c->refill_ms = mono_ms();
}

bool flood_take(struct server *s, struct client *c)
{
	if (s->cfg.rate == 0)
		return true;
	refill(s, c, mono_ms());
	if (c->tokens_milli < 1000)
		return false;
	c->tokens_milli -= 1000;
	return true;
}

void flood_throttle(struct server *s, struct client *c)
{
	uint64_t now = mono_ms();

	if (c->throttled)
		return;
	c->throttled = true;
	if (c->throttled_since_ms == 0)
		c->throttled_since_ms = now;
	server_update_events(s, c); /* stop reading: the kernel pushes back on the sender */
	if (!c->flood_warned) {
		char text[160];
		struct frame f = {.type = T_NOTICE};

		snprintf(text, sizeof text,
			 "you are sending more than %u messages a second (bursts of %u); the rest "
			 "are delayed, not lost",
			 s->cfg.rate, s->cfg.burst);
		f.f[NOTICE_TIME].n = wall_ms();
		f.f[NOTICE_TEXT].s = str_c(text);
		client_send_frame(s, c, &f);
		c->flood_warned = true;
		log_info("client %llu %s: rate limited", (unsigned long long)c->serial, c->nick);
	}
}

bool flood_tick(struct server *s, struct client *c, uint64_t now)
{
	if (c->over_soft_since_ms != 0 &&
	    now - c->over_soft_since_ms >= (uint64_t)s->cfg.soft_queue_s * 1000) {
		char why[160];

		snprintf(why, sizeof why,
			 "too slow: more than %zu bytes were waiting to be read for %u s",
			 s->cfg.soft_queue_bytes, s->cfg.soft_queue_s);
		log_info("client %llu %s: %s; disconnected", (unsigned long long)c->serial, c->nick,
			 why);
		outq_drop_unstarted(&c->out);
		chat_bye(s, c, BYE_TOO_SLOW, why, "too slow");
		return true;
	}
	if (!c->throttled)
		return false;
	if (now - c->throttled_since_ms >= (uint64_t)FLOOD_DROP_S * 1000) {
		char why[160];

		snprintf(why, sizeof why,
			 "flooding: sent faster than %u messages a second for %d s", s->cfg.rate,
			 FLOOD_DROP_S);
		log_info("client %llu %s: %s; disconnected", (unsigned long long)c->serial, c->nick,
			 why);
		chat_bye(s, c, BYE_FLOODING, why, "flooding");
		return true;
	}
	c->throttled = false;
	client_process_held(s, c); /* may throttle again */
	if (c->state == CS_READY && !c->throttled) {
		c->throttled_since_ms = 0;
		server_update_events(s, c);
	}
	return c->state != CS_READY;
}

void flood_queue_grew(struct server *s, struct client *c)
{
	if (c->over_soft_since_ms == 0 && c->out.bytes > s->cfg.soft_queue_bytes)
		c->over_soft_since_ms = mono_ms();
}

void flood_queue_drained(struct server *s, struct client *c)
{
	if (c->out.bytes <= s->cfg.soft_queue_bytes)
		c->over_soft_since_ms = 0;
}
