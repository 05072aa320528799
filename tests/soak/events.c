/* SPDX-License-Identifier: ISC */
/* events.c - what each frame or line from natterd means for the model: acks, episodes, streams. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "soak.h"

static const char *const req_names[] = {"HELLO", "SAY",	 "private SAY", "ENTER",
					"PART",	 "NICK", "PING",	"QUIT"};

static struct req *head(struct conn *c)
{
	return c->qhead < c->qlen ? &c->q[c->qhead] : NULL;
}

static const char *head_name(struct conn *c)
{
	struct req *r = head(c);

	return r ? req_names[r->type] : "nothing";
}

static bool same(const char *a, size_t an, const char *b)
{
	return strlen(b) == an && strncasecmp(a, b, an) == 0;
}

/* Whether nick belongs to slot (nicks are "s<slot>-..."). */
static bool nick_of_slot(const char *nick, size_t n, int slot)
{
	char pre[16];
	int pl = snprintf(pre, sizeof pre, "s%d-", slot);

	return n > (size_t)pl && memcmp(nick, pre, (size_t)pl) == 0;
}

struct episode *ep_active(struct conn *c, int room)
{
	for (size_t i = 0; i < c->neps; i++)
		if (c->eps[i].room == room && c->eps[i].end == EP_ACTIVE)
			return &c->eps[i];
	return NULL;
}

static void ep_begin(struct soak *k, struct conn *c, int room, uint64_t after)
{
	struct episode *e;

	if (ep_active(c, room) != NULL)
		soak_fail(k, "slot %d (%s) got its own JOIN of %s while already in it", c->slot,
			  c->nick, room_names[room]);
	if (c->neps == c->epscap) {
		c->epscap = c->epscap ? c->epscap * 2 : 8;
		c->eps = xrealloc(c->eps, c->epscap * sizeof *c->eps);
	}
	e = &c->eps[c->neps++];
	memset(e, 0, sizeof *e);
	e->room = room;
	e->after = after;
}

/* End every active episode of c (a QUIT's BYE): it must have had what came before this step. */
static void end_all_graceful(struct soak *k, struct conn *c)
{
	for (size_t i = 0; i < c->neps; i++) {
		if (c->eps[i].end != EP_ACTIVE)
			continue;
		c->eps[i].end = EP_GRACEFUL;
		c->eps[i].floor_len = k->step_floor[c->eps[i].room];
	}
}

static void ep_add(struct soak *k, struct conn *c, int room, uint64_t tok, uint64_t id, bool hist)
{
	struct episode *e = ep_active(c, room);

	if (e == NULL)
		soak_fail(k, "slot %d (%s) got message k%llu in %s, a room it is not in", c->slot,
			  c->nick, (unsigned long long)tok, room_names[room]);
	if (hist && e->live_seen)
		soak_fail(k, "slot %d (%s) got history message k%llu in %s after live ones",
			  c->slot, c->nick, (unsigned long long)tok, room_names[room]);
	e->live_seen |= !hist;
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->v = xrealloc(e->v, e->cap * sizeof *e->v);
	}
	e->v[e->n++] = (struct elem){.tok = tok, .id = id, .hist = hist};
}

/* A message's own echo: the request at the head must be this very SAY. */
static void ack(struct soak *k, struct conn *c, struct tok *t, uint64_t num, enum req_type want)
{
	struct req *r = head(c);

	if (r == NULL || r->type != want || r->tok != num)
		soak_fail(k, "slot %d (%s) got the echo of k%llu while waiting for %s", c->slot,
			  c->nick, (unsigned long long)num, head_name(c));
	c->qhead++;
	t->state = TK_ACKED;
	k->msgs_acked++;
}

/* A private message seen by its sender (echo) or its recipient. */
static void got_private(struct soak *k, struct conn *c, struct tok *t, uint64_t num, bool hist)
{
	if (!t->pm || hist)
		soak_fail(k, "slot %d (%s) got k%llu as a private message%s", c->slot, c->nick,
			  (unsigned long long)num, hist ? " from history" : "");
	if (t->slot == c->slot && t->conn == c->serial) {
		ack(k, c, t, num, RQ_PM);
		return;
	}
	if (t->to_slot != c->slot)
		soak_fail(k, "private message k%llu for slot %d reached slot %d (%s)",
			  (unsigned long long)num, t->to_slot, c->slot, c->nick);
	if (++t->recv > 1)
		soak_fail(k, "private message k%llu reached slot %d (%s) twice",
			  (unsigned long long)num, c->slot, c->nick);
}

/* A room message in stream order: own echo, episode element, live order. */
static void got_room_msg(struct soak *k, struct conn *c, struct tok *t, uint64_t num, int room,
			 uint64_t id, bool hist)
{
	if (t->pm || room != t->room)
		soak_fail(k, "slot %d (%s) got k%llu in %s, but it was sent %s", c->slot, c->nick,
			  (unsigned long long)num, room_names[room],
			  t->pm ? "privately" : room_names[t->room]);
	ep_add(k, c, room, num, id, hist);
	if (!hist && t->slot == c->slot && t->conn == c->serial)
		ack(k, c, t, num, RQ_SAY);
}

/* The id checks every native MSG gets: one id per message, live ids only grow. */
static void check_id(struct soak *k, struct conn *c, struct tok *t, uint64_t num, uint64_t id,
		     bool hist)
{
	struct slot *s = &k->slots[c->slot];

	if (!hist) {
		if (id <= c->last_live)
			soak_fail(k, "slot %d (%s) got live id %llu (k%llu) after live id %llu",
				  c->slot, c->nick, (unsigned long long)id, (unsigned long long)num,
				  (unsigned long long)c->last_live);
		if (id <= k->epoch_floor)
			soak_fail(k,
				  "ids went back after the restart: slot %d got new message k%llu "
				  "with id %llu, but id %llu was given before",
				  c->slot, (unsigned long long)num, (unsigned long long)id,
				  (unsigned long long)k->epoch_floor);
		c->last_live = id;
	}
	if (t->id == 0) {
		t->id = id;
		idset_add(k, id, num);
	} else if (t->id != id) {
		soak_fail(k, "message k%llu has id %llu at slot %d (%s) but %llu elsewhere",
			  (unsigned long long)num, (unsigned long long)id, c->slot, c->nick,
			  (unsigned long long)t->id);
	}
	if (id > s->max_seen)
		s->max_seen = id;
	if (id > k->max_id_seen)
		k->max_id_seen = id;
}

static void on_msg(struct soak *k, struct conn *c, const struct frame *f)
{
	struct str text = f->f[MSG_TEXT].s, target = f->f[MSG_TARGET].s, from = f->f[MSG_FROM].s;
	unsigned flags = (unsigned)f->f[MSG_FLAGS].n;
	bool hist = flags & MSGF_HISTORY;
	uint64_t num;
	struct tok *t = tok_parse(k, text.p, text.len, &num);

	if (t == NULL)
		soak_fail(k, "slot %d (%s) got a message the soak never sent: %.*s", c->slot,
			  c->nick, (int)(text.len > 60 ? 60 : text.len), text.p);
	if (!tok_text_is(t, text.p, text.len))
		soak_fail(k, "slot %d (%s) got k%llu with its text changed: %.*s", c->slot, c->nick,
			  (unsigned long long)num, (int)(text.len > 80 ? 80 : text.len), text.p);
	if (((flags & MSGF_ACTION) != 0) != t->action || !nick_of_slot(from.p, from.len, t->slot))
		soak_fail(k, "slot %d (%s) got k%llu with flags %u from '%.*s' (sent by slot %d%s)",
			  c->slot, c->nick, (unsigned long long)num, flags, (int)from.len, from.p,
			  t->slot, t->action ? " as an action" : "");
	check_id(k, c, t, num, f->f[MSG_ID].n, hist);
	if (target.len > 0 && target.p[0] == '#') {
		int room = room_index(target.p, target.len);

		if (room < 0)
			soak_fail(k, "message k%llu in unknown room %.*s", (unsigned long long)num,
				  (int)target.len, target.p);
		got_room_msg(k, c, t, num, room, f->f[MSG_ID].n, hist);
	} else {
		got_private(k, c, t, num, hist);
	}
}

/* A non-fatal ERROR answers the request at the head; only a few are expected. */
static void on_error(struct soak *k, struct conn *c, unsigned code, const char *text, size_t len)
{
	struct req *r = head(c);

	if (r != NULL && r->type == RQ_PM && code == ERR_NO_SUCH_TARGET) {
		k->toks[r->tok].state = TK_REJECTED; /* the recipient left meanwhile */
	} else if (r == NULL || error_is_fatal(code) ||
		   !(r->type == RQ_NICK && code == ERR_NICK_TAKEN)) {
		soak_fail(k, "slot %d (%s) got ERROR %u '%.*s' while waiting for %s", c->slot,
			  c->nick, code, (int)len, text, head_name(c));
	}
	c->qhead++;
}

static void expect_head(struct soak *k, struct conn *c, enum req_type type, const char *arg,
			size_t arglen, const char *what)
{
	struct req *r = head(c);

	if (r == NULL || r->type != type || (arg != NULL && !same(arg, arglen, r->arg)))
		soak_fail(k, "slot %d (%s) got %s while waiting for %s", c->slot, c->nick, what,
			  head_name(c));
	c->qhead++;
}

static void on_welcome(struct soak *k, struct conn *c, const char *nick, size_t len)
{
	expect_head(k, c, RQ_HELLO, NULL, 0, "WELCOME");
	if (!nick_of_slot(nick, len, c->slot) || len > MAX_NICK_BYTES)
		soak_fail(k, "slot %d was welcomed as '%.*s'", c->slot, (int)len, nick);
	memcpy(c->nick, nick, len);
	c->nick[len] = '\0';
	c->welcomed = true;
}

/* Own JOIN: an episode starts; after HELLO the lobby's comes unasked. */
static void on_own_join(struct soak *k, struct conn *c, int room)
{
	struct req *r = head(c);

	if (r != NULL && r->type == RQ_ENTER && room_index(r->arg, strlen(r->arg)) == room) {
		ep_begin(k, c, room, r->after);
		c->qhead++;
	} else if (room == 0) {
		ep_begin(k, c, room, c->resume);
	} else {
		soak_fail(k, "slot %d (%s) joined %s while waiting for %s", c->slot, c->nick,
			  room_names[room], head_name(c));
	}
}

static void on_own_leave(struct soak *k, struct conn *c, int room)
{
	struct episode *e = ep_active(c, room);

	expect_head(k, c, RQ_PART, room_names[room], strlen(room_names[room]), "its own LEAVE");
	if (e == NULL)
		soak_fail(k, "slot %d (%s) left %s, which it had not joined", c->slot, c->nick,
			  room_names[room]);
	e->end = EP_GRACEFUL;
	e->floor_len = k->step_floor[room];
}

static void on_rename(struct soak *k, struct conn *c, const char *old, size_t ol, const char *nw,
		      size_t nl)
{
	if (!same(old, ol, c->nick))
		return;
	expect_head(k, c, RQ_NICK, nw, nl, "its own RENAME");
	memcpy(c->nick, nw, nl);
	c->nick[nl] = '\0';
}

static void on_bye(struct soak *k, struct conn *c, const char *reason, size_t len)
{
	c->bye_seen = true;
	if (len == 4 && memcmp(reason, "quit", 4) == 0) {
		expect_head(k, c, RQ_QUIT, NULL, 0, "BYE quit");
		c->bye_quit = true;
		end_all_graceful(k, c);
	} else if (len >= 8 && memcmp(reason, "too slow", 8) == 0) {
		c->slow_bye = true;
		k->drops_slow++;
	} else {
		soak_fail(k, "slot %d (%s) got an unexpected BYE: %.*s", c->slot, c->nick, (int)len,
			  reason);
	}
}

static void on_missed(struct soak *k, struct conn *c, const struct frame *f)
{
	struct str rn = f->f[MISSED_ROOM].s;
	int room = room_index(rn.p, rn.len);
	struct episode *e = room < 0 ? NULL : ep_active(c, room);

	if (e == NULL || e->n > 0 || e->missed)
		soak_fail(k, "slot %d (%s) got MISSED for %.*s out of place", c->slot, c->nick,
			  (int)rn.len, rn.p);
	e->missed = true;
	e->missed_count = f->f[MISSED_COUNT].n;
	e->missed_first = f->f[MISSED_FIRST].n;
	e->missed_exact = f->f[MISSED_EXACT].n != 0;
}

static int room_of(struct soak *k, struct conn *c, struct str name)
{
	int room = room_index(name.p, name.len);

	if (room < 0)
		soak_fail(k, "slot %d (%s) got an event for unknown room %.*s", c->slot, c->nick,
			  (int)name.len, name.p);
	return room;
}

void ev_frame(struct soak *k, struct conn *c, const struct frame *f)
{
	const struct field *v = f->f;

	switch (f->type) {
	case T_WELCOME: on_welcome(k, c, v[WELCOME_NICK].s.p, v[WELCOME_NICK].s.len); break;
	case T_ERROR:
		on_error(k, c, (unsigned)v[ERROR_CODE].n, v[ERROR_TEXT].s.p, v[ERROR_TEXT].s.len);
		break;
	case T_BYE: on_bye(k, c, v[BYE_REASON].s.p, v[BYE_REASON].s.len); break;
	case T_PONG: {
		struct req *r = head(c);

		if (r == NULL || r->type != RQ_PING || r->tok != v[PING_TOKEN].n)
			soak_fail(k, "slot %d (%s) got PONG while waiting for %s", c->slot, c->nick,
				  head_name(c));
		c->qhead++;
		break;
	}
	case T_MSG: on_msg(k, c, f); break;
	case T_JOIN:
		if (same(v[JOIN_NICK].s.p, v[JOIN_NICK].s.len, c->nick))
			on_own_join(k, c, room_of(k, c, v[JOIN_ROOM].s));
		break;
	case T_LEAVE:
		if (same(v[LEAVE_NICK].s.p, v[LEAVE_NICK].s.len, c->nick))
			on_own_leave(k, c, room_of(k, c, v[LEAVE_ROOM].s));
		break;
	case T_RENAME:
		on_rename(k, c, v[RENAME_OLD].s.p, v[RENAME_OLD].s.len, v[RENAME_NEW].s.p,
			  v[RENAME_NEW].s.len);
		break;
	case T_MISSED: on_missed(k, c, f); break;
	case T_PING: {
		struct frame p = {.type = T_PONG};
		struct buf out = {0};

		p.f[PING_TOKEN].n = v[PING_TOKEN].n;
		if (proto_encode(&out, &p) == 0 &&
		    send(c->fd, out.data, out.len, MSG_NOSIGNAL) != (ssize_t)out.len)
			soak_fail(k, "slot %d: cannot answer natterd's PING", c->slot);
		buf_free(&out);
		break;
	}
	default: break; /* NOTICE, TOPICIS, WHOREPLY, ROOMLIST: not modelled */
	}
}

/* "HH:MM:SS " at *p: skip it. */
static bool skip_time(const char **p, const char *end)
{
	const char *s = *p;

	if (end - s < 9 || s[2] != ':' || s[5] != ':' || s[8] != ' ')
		return false;
	*p = s + 9;
	return true;
}

static bool skip(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

/* The next word (up to a space or the end); the space is skipped. */
static struct str word(const char **p, const char *end)
{
	const char *s = *p, *sp = memchr(s, ' ', (size_t)(end - s));
	struct str w = str_n(s, (size_t)((sp ? sp : end) - s));

	*p = sp ? sp + 1 : end;
	return w;
}

/* "<from> text" or "* from text" at *p: the sender and the text. */
static bool msg_body(const char **p, const char *end, struct str *from)
{
	if (skip(p, end, "* ")) {
		*from = word(p, end);
		return true;
	}
	if (*p < end && **p == '<') {
		const char *gt = memchr(*p, '>', (size_t)(end - *p));

		if (gt == NULL || end - gt < 2 || gt[1] != ' ')
			return false;
		*from = str_n(*p + 1, (size_t)(gt - *p - 1));
		*p = gt + 2;
		return true;
	}
	return false;
}

static struct tok *line_tok(struct soak *k, struct conn *c, const char *p, const char *end,
			    struct str from, uint64_t *num)
{
	struct tok *t = tok_parse(k, p, (size_t)(end - p), num);

	if (t == NULL)
		soak_fail(k, "slot %d (%s) got a line the soak never sent: %.*s", c->slot, c->nick,
			  (int)(end - p > 60 ? 60 : end - p), p);
	if (!nick_of_slot(from.p, from.len, t->slot))
		soak_fail(k, "slot %d (%s) got k%llu from '%.*s', but slot %d sent it", c->slot,
			  c->nick, (unsigned long long)*num, (int)from.len, from.p, t->slot);
	return t;
}

static void line_private(struct soak *k, struct conn *c, const char *p, const char *end,
			 struct str from)
{
	uint64_t num;
	struct tok *t = line_tok(k, c, p, end, from, &num);

	got_private(k, c, t, num, false);
}

/* "#room ..." after the time: a message, or a JOIN or LEAVE. */
static void line_room(struct soak *k, struct conn *c, const char *p, const char *end)
{
	struct str rn = word(&p, end), from;
	int room = room_of(k, c, rn);
	bool hist = skip(&p, end, "(history) ");
	uint64_t num;

	if (skip(&p, end, "-- ")) {
		struct str nick = word(&p, end);
		size_t rest = (size_t)(end - p);

		if (!same(nick.p, nick.len, c->nick))
			return;
		if (rest >= 6 && memcmp(end - 6, "joined", 6) == 0)
			on_own_join(k, c, room);
		else if (rest >= 4 && memcmp(p, "left", 4) == 0)
			on_own_leave(k, c, room);
		return;
	}
	if (!msg_body(&p, end, &from))
		return; /* topics */
	{
		struct tok *t = line_tok(k, c, p, end, from, &num);

		got_room_msg(k, c, t, num, room, 0, hist);
		if (hist)
			return;
		if (c->nlive == c->livecap) {
			c->livecap = c->livecap ? c->livecap * 2 : 64;
			c->live = xrealloc(c->live, c->livecap * sizeof *c->live);
		}
		c->live[c->nlive++] = (struct elem){.tok = num};
	}
}

/* "-- ..." after the time: a rename, or the away notice that answers our ping. */
static void line_notice(struct soak *k, struct conn *c, const char *p, const char *end)
{
	static const char known[] = " is now known as ";
	const char *at = p;

	if (skip(&at, end, "you are marked as away: q")) {
		struct req *r = head(c);
		uint64_t tok = strtoull(at, NULL, 10);

		if (r == NULL || r->type != RQ_PING || r->tok != tok)
			soak_fail(k, "slot %d (%s) got the away notice q%llu while waiting for %s",
				  c->slot, c->nick, (unsigned long long)tok, head_name(c));
		c->qhead++;
		return;
	}
	for (at = p; at + sizeof known - 1 <= end; at++) {
		if (memcmp(at, known, sizeof known - 1) == 0) {
			const char *nw = at + sizeof known - 1;

			on_rename(k, c, p, (size_t)(at - p), nw, (size_t)(end - nw));
			return;
		}
	}
}

static void line_welcome(struct soak *k, struct conn *c, const char *p, const char *end)
{
	static const char you[] = ", you are ";

	for (const char *at = p; at + sizeof you - 1 <= end; at++) {
		if (memcmp(at, you, sizeof you - 1) == 0) {
			const char *nick = at + sizeof you - 1;
			const char *sp = memchr(nick, ' ', (size_t)(end - nick));

			on_welcome(k, c, nick, (size_t)((sp ? sp : end) - nick));
			return;
		}
	}
	soak_fail(k, "slot %d: a welcome line without the nick: %.*s", c->slot, (int)(end - p), p);
}

void ev_line(struct soak *k, struct conn *c, const char *line, size_t len)
{
	const char *p = line, *end = line + len;
	struct str from;

	if (skip(&p, end, "error ")) {
		char *num_end;
		unsigned long code = strtoul(p, &num_end, 10);

		if (num_end == p)
			soak_fail(k, "slot %d (%s): %.*s", c->slot, c->nick, (int)len, line);
		on_error(k, c, (unsigned)code, line, len);
	} else if (skip(&p, end, "bye: ")) {
		on_bye(k, c, p, (size_t)(end - p));
	} else if (skip(&p, end, "-- welcome to ")) {
		line_welcome(k, c, p, end);
	} else if (!skip_time(&p, end)) {
		return; /* WHO listings, MISSED and help text */
	} else if (p < end && *p == '#') {
		line_room(k, c, p, end);
	} else if (skip(&p, end, "[private to ")) {
		const char *close = memchr(p, ']', (size_t)(end - p));

		p = close ? close + 2 : end;
		if (p < end && msg_body(&p, end, &from))
			line_private(k, c, p, end, from);
	} else if (skip(&p, end, "[private] ")) {
		if (msg_body(&p, end, &from))
			line_private(k, c, p, end, from);
	} else if (skip(&p, end, "-- ")) {
		line_notice(k, c, p, end);
	}
}
