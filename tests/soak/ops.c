/* SPDX-License-Identifier: ISC */
/* ops.c - the random operations of a step, waiting for the server to settle, and kill -9. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "soak.h"
#include "sys.h"

/* How often each operation is drawn; connecting is what any operation on an empty slot does. */
static const unsigned weights[OP_KINDS] = {
    [OP_SAY] = 60,  [OP_ACTION] = 8, [OP_BURST] = 10,  [OP_PM] = 20,
    [OP_JOIN] = 20, [OP_PART] = 14,  [OP_RENAME] = 10, [OP_QUIT] = 6,
    [OP_DROP] = 6,  [OP_SLOW] = 4,   [OP_KILL] = 1,
};

static const char *const kind_names[] = {"native", "native/tcp", "line", "line/tcp"};

/* The random draws of one operation: all made up front, so that a replay draws the same. */
struct draw {
	enum op_kind kind;
	int slot;
	uint64_t a, b;
};

static struct draw draw_op(struct soak *k)
{
	struct draw d = {0};
	unsigned total = 0, pick;

	for (int i = 0; i < OP_KINDS; i++)
		total += weights[i];
	pick = (unsigned)rnd(k, total);
	for (int i = 0; i < OP_KINDS; i++) {
		if (pick < weights[i]) {
			d.kind = (enum op_kind)i;
			break;
		}
		pick -= weights[i];
	}
	d.slot = (int)rnd(k, k->nslots);
	d.a = rnd(k, 1u << 30);
	d.b = rnd(k, 1u << 30);
	return d;
}

/* The n-th (mod count) room the connection asked to be in, skipping the lobby if asked. */
static int pick_member_room(const struct conn *c, uint64_t n, bool not_lobby)
{
	int rooms[NROOMS], count = 0;

	if (!conn_native(c))
		return not_lobby && c->current == 0 ? -1 : c->current;
	for (int r = not_lobby ? 1 : 0; r < NROOMS; r++)
		if (c->member[r])
			rooms[count++] = r;
	return count ? rooms[n % (uint64_t)count] : -1;
}

static void say(struct soak *k, struct conn *c, int room, bool action, bool long_text)
{
	struct req r = {.type = RQ_SAY};
	char *text;

	if (!conn_native(c))
		room = c->current; /* a line client's plain lines go to its current room */
	r.tok = tok_new(k, c->slot, false, action, room, long_text, &text);
	snprintf(r.arg, sizeof r.arg, "%s", room_names[room]);
	conn_send_req(k, c, &r, text);
	free(text);
}

static void op_say(struct soak *k, struct conn *c, const struct draw *d, bool action)
{
	int room = pick_member_room(c, d->a, false);

	say(k, c, room, action, false);
	soak_note(k, "slot %d (%s) %s k%llu to %s", c->slot, c->nick, action ? "acts" : "says",
		  (unsigned long long)k->ntoks - 1, room_names[room]);
}

static void op_burst(struct soak *k, struct conn *c, const struct draw *d, int room, bool long_text)
{
	/* Long ones come in floods of 20 to 79, enough to pass the soft queue limit. */
	unsigned n = long_text ? 20 + (unsigned)(d->b % 60) : 5 + (unsigned)(d->b % 40);
	uint64_t first = k->ntoks;

	for (unsigned i = 0; i < n && conn_live(c); i++)
		say(k, c, room, false, long_text);
	soak_note(k, "slot %d (%s) sends %u%s messages k%llu.. to %s", c->slot, c->nick, n,
		  long_text ? " long" : "", (unsigned long long)first, room_names[room]);
}

static void op_pm(struct soak *k, struct conn *c, const struct draw *d)
{
	int to = (int)((c->slot + 1 + (int)(d->b % (k->nslots - 1))) % (int)k->nslots);
	struct conn *tc = &k->slots[to].c;
	struct req r = {.type = RQ_PM};
	char *text;

	if (!conn_live(tc) || !tc->welcomed || tc->quitting) {
		op_say(k, c, d, false);
		return;
	}
	r.tok = tok_new(k, c->slot, true, false, -1, false, &text);
	k->toks[r.tok].to_slot = to;
	k->toks[r.tok].to_conn = tc->serial;
	snprintf(r.arg, sizeof r.arg, "%s", tc->nick);
	conn_send_req(k, c, &r, text);
	free(text);
	soak_note(k, "slot %d (%s) sends private k%llu to slot %d (%s)", c->slot, c->nick,
		  (unsigned long long)r.tok, to, r.arg);
}

/* ENTER a room not joined: after 0, after its newest id, or after a random logged id. */
static void op_join(struct soak *k, struct conn *c, const struct draw *d)
{
	struct req r = {.type = RQ_ENTER};
	const struct room_log *rl;
	int room = 1 + (int)(d->a % (NROOMS - 1));
	uint64_t after = 0;

	for (int i = 0; i < NROOMS - 1 && c->member[room]; i++)
		room = 1 + room % (NROOMS - 1);
	if (c->member[room]) {
		op_say(k, c, d, false);
		return;
	}
	rl = &k->rooms[room];
	if (conn_native(c) && d->b % 3 == 1)
		after = k->slots[c->slot].max_seen;
	else if (conn_native(c) && d->b % 3 == 2 && rl->n > 0)
		after = rl->ids[(d->b / 3) % rl->n];
	r.after = after;
	c->member[room] = true;
	if (!conn_native(c))
		c->current = room;
	snprintf(r.arg, sizeof r.arg, "%s", room_names[room]);
	conn_send_req(k, c, &r, NULL);
	soak_note(k, "slot %d (%s) enters %s after id %llu", c->slot, c->nick, room_names[room],
		  (unsigned long long)after);
}

static void op_part(struct soak *k, struct conn *c, const struct draw *d)
{
	struct req r = {.type = RQ_PART};
	int room = pick_member_room(c, d->a, true);

	if (room < 0) {
		op_join(k, c, d);
		return;
	}
	/* Said just before leaving, in the same read: it must still come back before the LEAVE. */
	if (d->b & 4)
		say(k, c, room, false, false);
	c->member[room] = false;
	if (!conn_native(c))
		c->current = 0;
	snprintf(r.arg, sizeof r.arg, "%s", room_names[room]);
	conn_send_req(k, c, &r, NULL);
	soak_note(k, "slot %d (%s)%s parts %s", c->slot, c->nick,
		  d->b & 4 ? " says a last word and" : "", room_names[room]);
}

static void op_rename(struct soak *k, struct conn *c)
{
	struct slot *s = &k->slots[c->slot];
	struct req r = {.type = RQ_NICK};

	s->renames++;
	snprintf(r.arg, sizeof r.arg, "s%d-%ux", c->slot, s->renames);
	conn_send_req(k, c, &r, NULL);
	soak_note(k, "slot %d (%s) renames itself %s", c->slot, c->nick, r.arg);
}

/*
 * Stop reading for a while, while the next two clients flood the lobby with
 * long messages: enough, with the kernel's buffers full, to pass the soft
 * queue limit for its time, or the hard one.
 */
static void op_slow(struct soak *k, struct conn *c, const struct draw *d)
{
	uint64_t ms = 300 + d->a % 2200;
	unsigned writers = 0;

	c->paused_until = mono_ms() + ms;
	soak_note(k, "slot %d (%s) stops reading for %llu ms", c->slot, c->nick,
		  (unsigned long long)ms);
	for (unsigned i = 1; i < k->nslots && writers < 2; i++) {
		struct conn *o = &k->slots[(c->slot + (int)i) % (int)k->nslots].c;

		if (conn_live(o) && !o->quitting && o->paused_until == 0) {
			op_burst(k, o, d, 0, true);
			writers++;
		}
	}
}

static void op_end(struct soak *k, struct conn *c, const struct draw *d, bool graceful)
{
	if (graceful) {
		struct req r = {.type = RQ_QUIT};

		if (d->b & 4)
			say(k, c, pick_member_room(c, d->a, false), false, false);
		c->quitting = true;
		conn_send_req(k, c, &r, NULL);
	} else {
		if (d->b % 2 == 0) {
			/* A reset instead of a clean close: whatever was unread is thrown away. */
			struct linger lg = {.l_onoff = 1, .l_linger = 0};

			if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) < 0)
				soak_fail(k, "setsockopt SO_LINGER: %s", strerror(errno));
		}
		conn_close_abrupt(k, c);
	}
	soak_note(k, "slot %d (%s) %s", c->slot, c->nick,
		  graceful   ? "quits"
		  : d->b % 2 ? "hangs up"
			     : "hangs up with a reset");
}

/* Read every live connection until natterd's end of file reaches it (after a kill -9). */
static void drain_all(struct soak *k)
{
	uint64_t deadline = mono_ms() + 10000;

	for (;;) {
		struct pollfd fds[MAX_SLOTS];
		struct conn *who[MAX_SLOTS];
		nfds_t n = 0;

		for (unsigned i = 0; i < k->nslots; i++) {
			struct conn *c = &k->slots[i].c;

			c->paused_until = 0;
			if (conn_live(c)) {
				fds[n] = (struct pollfd){.fd = c->fd, .events = POLLIN};
				who[n++] = c;
			}
		}
		if (n == 0)
			return;
		if (mono_ms() > deadline)
			soak_fail(k, "slot %d (%s) saw no end of file within 10 s of kill -9",
				  who[0]->slot, who[0]->nick);
		if (poll(fds, n, 100) < 0 && errno != EINTR)
			soak_fail(k, "poll: %s", strerror(errno));
		for (nfds_t i = 0; i < n; i++)
			if (fds[i].revents != 0)
				conn_read(k, who[i]);
	}
}

/* kill -9 natterd, let every client see the end, then start it again on the same log. */
static void op_kill(struct soak *k, const struct draw *d)
{
	bool torn;

	soak_note(k, "kill -9 natterd (pid %ld) and start it again", (long)k->pid);
	daemon_kill9(k);
	drain_all(k);
	model_read_logs(k);
	/* Every stream is complete now: check them before a tear changes the transcript. */
	for (unsigned i = 0; i < k->nslots; i++)
		model_check_conn_end(k, &k->slots[i].c);
	/* After those checks, which read the transcripts again: the last read is final. */
	torn = model_crash_tear(k);
	/* One half line at a time: natterd names one cut per start. */
	if (!torn && d->a % 3 == 0 && !k->no_tear)
		model_tear(k, d->b);
	k->epoch_floor = k->max_id_seen;
	k->epoch++;
	k->restarts++;
	daemon_start(k);
}

static void do_op(struct soak *k)
{
	struct draw d = draw_op(k);
	struct slot *s = &k->slots[d.slot];
	struct conn *c = &s->c;

	k->ops++; /* counted in draws, so that --ops N replays exactly N of them */

	if (d.kind == OP_KILL) {
		k->counts[OP_KILL]++;
		op_kill(k, &d);
		return;
	}
	if (c->quitting && conn_live(c)) {
		soak_note(k, "slot %d (%s) is quitting: nothing", c->slot, c->nick);
		return;
	}
	if (!conn_live(c)) {
		conn_open(k, s);
		k->counts[OP_CONNECT]++;
		soak_note(k, "slot %d connects (%s%s) as %s, resuming after id %llu", d.slot,
			  kind_names[s->kind], s->small_rcvbuf ? ", small buffer" : "", c->nick,
			  (unsigned long long)c->resume);
		return;
	}
	k->counts[d.kind]++;
	switch (d.kind) {
	case OP_SAY: op_say(k, c, &d, false); break;
	case OP_ACTION: op_say(k, c, &d, true); break;
	case OP_BURST: op_burst(k, c, &d, pick_member_room(c, d.a, false), false); break;
	case OP_PM: op_pm(k, c, &d); break;
	case OP_JOIN: op_join(k, c, &d); break;
	case OP_PART: op_part(k, c, &d); break;
	case OP_RENAME: op_rename(k, c); break;
	case OP_QUIT: op_end(k, c, &d, true); break;
	case OP_DROP: op_end(k, c, &d, false); break;
	case OP_SLOW: op_slow(k, c, &d); break;
	default: break;
	}
}

/* Whether c still waits for an answer or is not reading. */
static bool unsettled(const struct conn *c, uint64_t now)
{
	if (!conn_live(c))
		return false;
	return c->qhead < c->qlen || c->paused_until > now || c->quitting;
}

static void ping_all(struct soak *k)
{
	for (unsigned i = 0; i < k->nslots; i++) {
		struct conn *c = &k->slots[i].c;
		struct req r = {.type = RQ_PING};

		if (!conn_live(c) || c->quitting)
			continue;
		r.tok = ++k->next_ping;
		conn_send_req(k, c, &r, NULL);
	}
}

/* One round: ping every client and read until all answered (or went away). */
static void settle_round(struct soak *k, uint64_t deadline)
{
	ping_all(k);
	for (;;) {
		struct pollfd fds[MAX_SLOTS];
		struct conn *who[MAX_SLOTS], *late = NULL;
		uint64_t now = mono_ms();
		nfds_t n = 0;

		for (unsigned i = 0; i < k->nslots; i++) {
			struct conn *c = &k->slots[i].c;

			if (c->paused_until != 0 && c->paused_until <= now)
				c->paused_until = 0;
			if (unsettled(c, now))
				late = c;
			if (conn_live(c) && c->paused_until == 0) {
				fds[n] = (struct pollfd){.fd = c->fd, .events = POLLIN};
				who[n++] = c;
			}
		}
		if (late == NULL)
			return;
		if (soak_interrupted())
			soak_fail(k, "interrupted by a signal");
		if (now > deadline)
			soak_fail(k,
				  "the step did not settle within %d ms: slot %d (%s) still waits "
				  "for %zu answer(s)%s",
				  QUIET_TIMEOUT_MS, late->slot, late->nick,
				  late->qlen - late->qhead,
				  late->quitting ? " and the end of its connection" : "");
		if (poll(fds, n, 50) < 0 && errno != EINTR)
			soak_fail(k, "poll: %s", strerror(errno));
		for (nfds_t i = 0; i < n; i++)
			if (fds[i].revents != 0)
				conn_read(k, who[i]);
		daemon_poll(k);
	}
}

void ops_settle(struct soak *k)
{
	uint64_t deadline = mono_ms() + QUIET_TIMEOUT_MS;

	/* Twice: the second round starts after natterd has read everything of the first. */
	settle_round(k, deadline);
	settle_round(k, deadline);
}

void ops_step(struct soak *k)
{
	unsigned n;

	k->step++;
	for (int r = 0; r < NROOMS; r++)
		k->step_floor[r] = k->rooms[r].n;
	n = 1 + (unsigned)rnd(k, 6);
	for (unsigned i = 0; i < n && k->ops < k->max_ops; i++)
		do_op(k);
	ops_settle(k);
	model_check(k);
}
