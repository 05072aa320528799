/* SPDX-License-Identifier: ISC */
/* load.c - the message load: S senders, N receivers in R rooms, M messages, a window in flight,
 * optional fixed rate. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "errmsg.h"
#include "hist.h"
#include "payload.h"
#include "procstat.h"
#include "target.h"

/* The state of one load run. */
struct load {
	const struct bench_opts *o;
	struct fleet f;
	struct conn **senders;
	uint32_t *remaining; /* per message: receivers still to get it */
	uint32_t *in_room;   /* per room: its receivers */
	uint64_t expected;   /* deliveries owed for the messages sent */
	uint64_t misrouted;  /* deliveries to a receiver outside the message's room */
	size_t words;	     /* bitmap words per receiver */
	uint64_t sent, lo;   /* lo: every message below it reached everyone */
	uint64_t completed, deliveries, dup;
	uint64_t sync_token, synced;
	uint64_t t0, t_last;
	struct hist *h;
	char *text;
};

/* Message k is sent by sender k % S, to that sender's room: sender i is in room i % R. */
static uint32_t room_of(const struct bench_opts *o, uint64_t k)
{
	return (uint32_t)(k % o->senders) % o->rooms;
}

/* A receiver got message seq, sent at ns. */
static void delivered(struct load *L, struct conn *c, uint64_t seq, uint64_t ns, uint64_t now)
{
	uint64_t bit = 1ull << (seq % 64);

	if (seq >= L->o->messages || seq >= L->sent)
		return; /* not one of ours */
	if (room_of(L->o, seq) != c->room_index) {
		L->misrouted++;
		return;
	}
	if (c->seen[seq / 64] & bit) {
		L->dup++;
		return;
	}
	c->seen[seq / 64] |= bit;
	c->got++;
	L->deliveries++;
	hist_add(L->h, now > ns ? now - ns : 0);
	if (--L->remaining[seq] == 0)
		L->completed++;
	L->t_last = now;
	L->f.last_progress_ns = now;
}

static void on_text(struct fleet *f, struct conn *c, struct str text, uint64_t now)
{
	struct load *L = f->ctx;
	enum payload_kind kind;
	uint64_t seq, ns;

	if (c->role != ROLE_RECEIVER || !payload_parse(text, &kind, &seq, &ns))
		return;
	if (kind == PAYLOAD_MSG) {
		delivered(L, c, seq, ns, now);
	} else if (seq > c->synced) {
		c->synced = seq;
		if (seq == L->sync_token) {
			L->synced++;
			f->last_progress_ns = now;
		}
	}
}

/* Connect the next client: receivers first, then senders; each into its room. */
static int connect_one(struct load *L, uint64_t next)
{
	const struct bench_opts *o = L->o;
	bool recv = next < o->receivers;
	uint32_t i = (uint32_t)(recv ? next : next - o->receivers);
	char nick[MAX_NICK_BYTES + 1], room[MAX_ROOM_BYTES + 1];
	struct conn_spec spec = {
	    .role = recv ? ROLE_RECEIVER : ROLE_SENDER,
	    .index = i,
	    .nick = nick,
	    .room = o->rooms > 1 ? room : NULL,
	    .room_index = i % o->rooms,
	    .line = recv && o->line,
	};
	struct conn *c;

	snprintf(nick, sizeof nick, recv ? "r%05" PRIu32 : "s%03" PRIu32, i + 1);
	snprintf(room, sizeof room, "#bench%" PRIu32, i % o->rooms + 1);
	c = fleet_connect(&L->f, &spec);
	if (c == NULL)
		return -1;
	if (recv)
		c->seen = xcalloc(L->words ? L->words : 1, sizeof *c->seen);
	return 0;
}

/* Connect every receiver and sender, HANDSHAKES_IN_FLIGHT at a time, until all are in their rooms.
 */
static int connect_all(struct load *L)
{
	const struct bench_opts *o = L->o;
	uint64_t total = (uint64_t)o->receivers + o->senders, next = 0;
	char what[128];

	while (L->f.ready < total) {
		while (next < total && next - L->f.ready < HANDSHAKES_IN_FLIGHT) {
			if (connect_one(L, next) < 0)
				return -1;
			next++;
		}
		if (fleet_step(&L->f, POLL_SLICE_MS) < 0)
			return -1;
		snprintf(what, sizeof what,
			 "connecting (%" PRIu64 " of %" PRIu64 " welcomed and in their rooms)",
			 L->f.ready, total);
		if (fleet_check(&L->f, o->stall_s, what) < 0)
			return -1;
	}
	for (size_t i = 0; i < L->f.n; i++)
		if (L->f.conns[i].role == ROLE_SENDER)
			L->senders[L->f.conns[i].index] = &L->f.conns[i];
	return 0;
}

/* One sync message to each room; wait until every receiver has it: all earlier traffic is read. */
static int sync_all(struct load *L)
{
	char what[128];

	L->sync_token++;
	L->synced = 0;
	payload_format(L->text, L->o->size, PAYLOAD_SYNC, L->sync_token, now_ns());
	for (uint32_t r = 0; r < L->o->rooms; r++) {
		conn_say(L->senders[r], L->text, L->o->size);
		if (conn_flush(L->senders[r]) < 0) {
			fleet_fail(&L->f, "cannot write to the server on %s's connection: %s",
				   L->senders[r]->nick, strerror(errno));
			return -1;
		}
	}
	L->f.last_progress_ns = now_ns();
	while (L->synced < L->o->receivers) {
		if (fleet_step(&L->f, POLL_SLICE_MS) < 0)
			return -1;
		snprintf(what, sizeof what,
			 "waiting for a sync message (%" PRIu64 " of %" PRIu32
			 " receivers have it)",
			 L->synced, L->o->receivers);
		if (fleet_check(&L->f, L->o->stall_s, what) < 0)
			return -1;
	}
	return 0;
}

/* When message k is due, in --rate mode. */
static uint64_t due_ns(const struct load *L, uint64_t k)
{
	return L->t0 + (uint64_t)((double)k * 1e9 / L->o->rate);
}

/* Queue every message the window and the rate allow now; returns the poll timeout. */
static int send_some(struct load *L, uint64_t now)
{
	const struct bench_opts *o = L->o;
	int timeout = POLL_SLICE_MS;

	while (L->sent < o->messages && L->sent - L->lo < o->window) {
		struct conn *s = L->senders[L->sent % o->senders];
		uint64_t stamp = now;

		if (o->rate > 0) {
			uint64_t due = due_ns(L, L->sent);

			if (due > now) {
				uint64_t ms = (due - now + 999999) / 1000000;

				timeout = ms < POLL_SLICE_MS ? (int)ms : POLL_SLICE_MS;
				break;
			}
			/* Latency from when it was due, so a late send is not forgiven. */
			stamp = due;
		}
		payload_format(L->text, o->size, PAYLOAD_MSG, L->sent, stamp);
		conn_say(s, L->text, o->size);
		L->expected += L->in_room[room_of(o, L->sent)];
		L->sent++;
	}
	for (uint32_t i = 0; i < o->senders; i++) {
		if (conn_flush(L->senders[i]) < 0) {
			fleet_fail(&L->f, "cannot write to the server on %s's connection: %s",
				   L->senders[i]->nick, strerror(errno));
			return -1;
		}
	}
	return timeout;
}

/* The timed phase: send M messages and wait until every receiver has every one. */
static int run_messages(struct load *L)
{
	const struct bench_opts *o = L->o;
	char what[160];

	L->t0 = now_ns();
	L->t_last = L->t0;
	L->f.last_progress_ns = L->t0;
	while (L->completed < o->messages) {
		int timeout = send_some(L, now_ns());

		if (timeout < 0 || fleet_step(&L->f, timeout) < 0)
			return -1;
		while (L->lo < L->sent && L->remaining[L->lo] == 0)
			L->lo++;
		snprintf(what, sizeof what,
			 "waiting for deliveries (%" PRIu64 " of %" PRIu64
			 " messages sent, %" PRIu64 " reached every receiver)",
			 L->sent, o->messages, L->completed);
		if (fleet_check(&L->f, o->stall_s, what) < 0)
			return -1;
	}
	return 0;
}

/* Count what each receiver never got and what it got twice. */
static void tally(struct load *L, struct result *r)
{
	r->sent = L->sent;
	r->deliveries = L->deliveries;
	r->dup = L->dup;
	r->lost = L->expected - L->deliveries;
	r->p50_us = (double)hist_quantile(L->h, 0.50) / 1e3;
	r->p99_us = (double)hist_quantile(L->h, 0.99) / 1e3;
	r->max_us = (double)L->h->max / 1e3;
}

bool load_run(const struct bench_opts *o, const struct target *t, struct result *r)
{
	struct load L = {.o = o};
	struct procstat ps0 = {0}, ps1 = {0};
	bool have0, have1;
	double cpu0;

	L.words = (size_t)((o->messages + 63) / 64);
	L.in_room = xcalloc(o->rooms, sizeof *L.in_room);
	for (uint32_t j = 0; j < o->receivers; j++)
		L.in_room[j % o->rooms]++;
	L.remaining = xmalloc((size_t)o->messages * sizeof *L.remaining);
	for (uint64_t i = 0; i < o->messages; i++)
		L.remaining[i] = L.in_room[room_of(o, i)];
	L.senders = xcalloc(o->senders, sizeof *L.senders);
	L.h = xcalloc(1, sizeof *L.h);
	L.text = xmalloc(o->size);
	fleet_init(&L.f, t, (size_t)o->receivers + o->senders, on_text, &L);
	r->ok = connect_all(&L) == 0 && sync_all(&L) == 0;
	have0 = procstat_read(t->pid, &ps0);
	cpu0 = procstat_self_cpu();
	if (r->ok)
		r->ok = run_messages(&L) == 0;
	have1 = procstat_read(t->pid, &ps1);
	r->elapsed_s = (double)(L.t_last - L.t0) / 1e9;
	if (r->elapsed_s <= 0)
		r->elapsed_s = 1e-9;
	r->bench_cpu_pct = L.t_last > L.t0 ? 100 * (procstat_self_cpu() - cpu0) / r->elapsed_s : 0;
	tally(&L, r);
	r->deliveries_per_s = (double)L.deliveries / r->elapsed_s;
	r->msgs_per_s = (double)L.completed / r->elapsed_s;
	r->offered_per_s = o->rate;
	r->have_srv = have0 && have1;
	if (r->have_srv) {
		r->srv_cpu_s = ps1.cpu_s - ps0.cpu_s;
		r->srv_cpu_pct = 100 * r->srv_cpu_s / r->elapsed_s;
		r->per_srv_cpu_s = r->srv_cpu_s > 0 ? (double)L.deliveries / r->srv_cpu_s : 0;
		r->srv_hwm_kib = ps1.hwm_kib;
		r->srv_rss_kib = ps1.rss_kib;
	}
	if (!r->ok)
		snprintf(r->err, sizeof r->err, "%s", L.f.err);
	else if (r->lost || r->dup || L.misrouted)
		snprintf(r->err, sizeof r->err,
			 "%" PRIu64 " lost, %" PRIu64 " duplicated, %" PRIu64
			 " delivered outside the message's room",
			 r->lost, r->dup, L.misrouted);
	r->ok = r->ok && r->lost == 0 && r->dup == 0 && L.misrouted == 0;
	fleet_free(&L.f);
	free(L.remaining);
	free(L.in_room);
	free(L.senders);
	free(L.h);
	free(L.text);
	return r->ok;
}
