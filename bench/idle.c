/* SPDX-License-Identifier: ISC */
/* idle.c - the idle test: N clients that only read; connect time, server RSS per client, one
 * broadcast to all. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "errmsg.h"
#include "payload.h"
#include "procstat.h"
#include "target.h"

struct idle {
	const struct bench_opts *o;
	struct fleet f;
	uint64_t token, synced, t_last;
};

static void on_text(struct fleet *f, struct conn *c, struct str text, uint64_t now)
{
	struct idle *I = f->ctx;
	enum payload_kind kind;
	uint64_t seq, ns;

	if (c->role != ROLE_IDLE || !payload_parse(text, &kind, &seq, &ns) ||
	    kind != PAYLOAD_SYNC || seq != I->token || c->synced == seq)
		return;
	c->synced = seq;
	I->synced++;
	I->t_last = now;
	f->last_progress_ns = now;
}

/* Step until want clients are welcomed, connecting more as handshakes finish. */
static int connect_until(struct idle *I, enum conn_role role, uint64_t count, uint64_t want)
{
	uint64_t next = 0, base = I->f.ready;
	char what[128];

	while (I->f.ready < want) {
		while (next < count && next - (I->f.ready - base) < HANDSHAKES_IN_FLIGHT) {
			char nick[MAX_NICK_BYTES + 1];
			struct conn_spec spec = {
			    .role = role, .index = (uint32_t)next, .nick = nick};

			snprintf(nick, sizeof nick,
				 role == ROLE_SENDER ? "s%03" PRIu64 : "i%05" PRIu64, next + 1);
			if (fleet_connect(&I->f, &spec) == NULL)
				return -1;
			next++;
		}
		if (fleet_step(&I->f, POLL_SLICE_MS) < 0)
			return -1;
		snprintf(what, sizeof what,
			 "connecting idle clients (%" PRIu64 " of %" PRIu64 " welcomed)",
			 I->f.ready - base, count);
		if (fleet_check(&I->f, I->o->stall_s, what) < 0)
			return -1;
	}
	return 0;
}

/* One broadcast from the sender; wait until every idle client has it. */
static int broadcast(struct idle *I, struct conn *sender, uint64_t *ns)
{
	char *text = xmalloc(I->o->size);
	uint64_t t0 = now_ns();
	char what[128];
	int rc = 0;

	I->token = 1;
	payload_format(text, I->o->size, PAYLOAD_SYNC, I->token, t0);
	conn_say(sender, text, I->o->size);
	free(text);
	if (conn_flush(sender) < 0)
		fleet_fail(&I->f, "cannot write to the server on %s's connection: %s", sender->nick,
			   strerror(errno));
	I->f.last_progress_ns = t0;
	while (rc == 0 && I->synced < I->o->idle) {
		snprintf(what, sizeof what,
			 "broadcasting to idle clients (%" PRIu64 " of %" PRIu32 " have it)",
			 I->synced, I->o->idle);
		if (fleet_step(&I->f, POLL_SLICE_MS) < 0 ||
		    fleet_check(&I->f, I->o->stall_s, what) < 0)
			rc = -1;
	}
	*ns = I->t_last > t0 ? I->t_last - t0 : 0;
	return rc;
}

bool idle_run(const struct bench_opts *o, const struct target *t, struct result *r)
{
	struct idle I = {.o = o};
	struct procstat before = {0}, after = {0}, mid = {0};
	bool have0 = false, have1 = false, have_mid = false;
	uint64_t t0 = 0, bcast_ns = 0;
	double cpu0 = procstat_self_cpu();

	fleet_init(&I.f, t, (size_t)o->idle + 1, on_text, &I);
	r->ok = connect_until(&I, ROLE_SENDER, 1, 1) == 0;
	if (r->ok) {
		have0 = procstat_read(t->pid, &before);
		t0 = now_ns();
		r->ok = connect_until(&I, ROLE_IDLE, o->idle, (uint64_t)o->idle + 1) == 0;
		r->connect_s = (double)(now_ns() - t0) / 1e9;
	}
	if (r->ok) {
		have_mid = procstat_read(t->pid, &mid);
		r->ok = broadcast(&I, &I.f.conns[0], &bcast_ns) == 0;
	}
	r->bcast_ms = (double)bcast_ns / 1e6;
	r->elapsed_s = (double)(now_ns() - t0) / 1e9;
	r->bench_cpu_pct = r->elapsed_s > 0 ? 100 * (procstat_self_cpu() - cpu0) / r->elapsed_s : 0;
	r->deliveries = I.synced;
	r->lost = o->idle - I.synced;
	have1 = procstat_read(t->pid, &after);
	r->have_srv = have0 && have1;
	if (r->have_srv) {
		r->srv_cpu_s = after.cpu_s - before.cpu_s;
		r->srv_cpu_pct = r->elapsed_s > 0 ? 100 * r->srv_cpu_s / r->elapsed_s : 0;
		r->srv_hwm_kib = after.hwm_kib;
		r->srv_rss_kib = after.rss_kib;
		r->rss_per_idle_b = (double)(after.rss_kib - before.rss_kib) * 1024 / o->idle;
		if (have_mid && after.cpu_s > mid.cpu_s)
			r->per_srv_cpu_s = (double)I.synced / (after.cpu_s - mid.cpu_s);
	}
	if (!r->ok)
		snprintf(r->err, sizeof r->err, "%s", I.f.err);
	fleet_free(&I.f);
	return r->ok;
}
