/* SPDX-License-Identifier: ISC */
/* chat.c - what each request means: handshake, rooms, messages, private messages, nicks, who. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "nicks.h"
#include "server.h"
#include "sys.h"
#include "text.h"

#define NICK_RULES "use 1 to 24 letters, digits, _ - . or /, not starting with - . or /"

/* Remove c from r's members and from its own list (no notices). */
static void forget_membership(struct server *s, struct client *c, struct room *r)
{
	output_forget(s, r, c);
	for (uint32_t i = 0; i < c->nrooms; i++) {
		if (c->rooms[i] == r) {
			c->nrooms--;
			c->rooms[i] = c->rooms[c->nrooms];
			c->class.said_ms[i] = c->class.said_ms[c->nrooms];
			break;
		}
	}
	if (c->line.current == r)
		c->line.current = NULL;
}

/* c leaves every room; the members who remain hear why (unless shutting down). */
static void leave_all_rooms(struct server *s, struct client *c, const char *reason)
{
	while (c->nrooms > 0) {
		struct room *r = c->rooms[c->nrooms - 1];
		struct frame f = {.type = T_LEAVE};

		forget_membership(s, c, r);
		if (s->shutting_down || reason == NULL || room_is_large(r))
			continue;
		f.f[LEAVE_TIME].n = wall_ms();
		f.f[LEAVE_ROOM].s = str_c(r->name);
		f.f[LEAVE_NICK].s = str_c(c->nick);
		f.f[LEAVE_REASON].s = str_c(reason);
		output_room(s, r, &f, c);
	}
}

void chat_bye(struct server *s, struct client *c, enum bye_code code, const char *bye_reason,
	      const char *leave_reason)
{
	struct frame f = {.type = T_BYE};
	struct shbuf *b;

	f.f[BYE_REASON].s = str_c(bye_reason);
	f.f[BYE_CODE].n = c->version >= 3 ? code : BYE_UNSAID; /* older clients: byte for byte */
	b = output_encode(s, &f);
	output_close_after(s, c, b);
	if (b != NULL)
		shbuf_unref(b);
	leave_all_rooms(s, c, leave_reason);
}

void chat_leave(struct server *s, struct client *c, const char *reason)
{
	if (c->state != CS_READY)
		return;
	chat_unregister(s, c);
	c->state = CS_CLOSING; /* it reads and receives nothing more */
	leave_all_rooms(s, c, reason);
}

void chat_unregister(struct server *s, struct client *c)
{
	s->nready--;
	nicks_remove(&s->nicks, c);
}

void chat_free_client(struct server *s, struct client *c)
{
	leave_all_rooms(s, c, NULL);
	free(c->away);
	c->away = NULL;
}

/* The registered client holding nick (any case) other than self, or NULL. */
static struct client *find_nick(struct server *s, const char *nick, size_t len,
				const struct client *self)
{
	struct client *c = nicks_find(&s->nicks, nick, len);

	return c == self ? NULL : c;
}

/* Under --identity strict, a UNIX client's nick is its login or login/suffix. */
static bool identity_allows(struct server *s, const struct client *c, struct str nick)
{
	size_t ll = strlen(c->login);

	if (!s->cfg.identity_strict || !c->has_cred)
		return true;
	if (nick_equal(nick.p, nick.len, c->login, ll))
		return true;
	return nick.len > ll + 1 && nick_equal(nick.p, ll, c->login, ll) && nick.p[ll] == '/';
}

/* Whether c may take nick (PROTOCOL.md 4, --identity); false after an ERROR saying why not. */
static bool nick_usable(struct server *s, struct client *c, struct str nick, unsigned strict_code)
{
	if (nick_reserved(nick.p, nick.len)) {
		client_send_error(s, c, ERR_NICK_INVALID, "nick '%.*s' is reserved; choose another",
				  (int)nick.len, nick.p);
		return false;
	}
	if (!nick_valid(nick.p, nick.len)) {
		client_send_error(s, c, ERR_NICK_INVALID, "nick '%.*s' is not valid: " NICK_RULES,
				  (int)utf8_truncate(nick.p, nick.len, 64), nick.p);
		return false;
	}
	if (!identity_allows(s, c, nick)) {
		client_send_error(
		    s, c, strict_code,
		    "this server requires your nick to be your login name '%s' (or %s/something)",
		    c->login, c->login);
		return false;
	}
	return true;
}

/*
 * A free nick from wanted: itself, or itself with the smallest free number.
 * Under --identity strict a bare login takes "/2", "/3" (root/2), so the
 * granted nick still obeys the rule that let the wanted one in.
 */
static bool free_nick(struct server *s, struct client *c, struct str wanted)
{
	char cand[MAX_NICK_BYTES + 1];
	const char *sep = s->cfg.identity_strict && c->has_cred &&
				  nick_equal(wanted.p, wanted.len, c->login, strlen(c->login))
			      ? "/"
			      : "";

	snprintf(cand, sizeof cand, "%.*s", (int)wanted.len, wanted.p);
	for (unsigned n = 2; find_nick(s, cand, strlen(cand), c) != NULL; n++) {
		char num[16];
		size_t nl = (size_t)snprintf(num, sizeof num, "%s%u", sep, n);
		size_t keep = wanted.len + nl > MAX_NICK_BYTES ? MAX_NICK_BYTES - nl : wanted.len;

		if (n > 100000)
			return false;
		snprintf(cand, sizeof cand, "%.*s%s", (int)keep, wanted.p, num);
	}
	memcpy(c->nick, cand, strlen(cand) + 1);
	return true;
}

/* One WHOREPLY entry for m; its rooms, space-separated, go in rooms. */
static void who_entry_of(const struct client *m, uint64_t now, struct buf *rooms,
			 struct who_entry *e)
{
	buf_clear(rooms);
	for (uint32_t i = 0; i < m->nrooms; i++)
		buf_printf(rooms, "%s%s", i > 0 ? " " : "", m->rooms[i]->name);
	e->nick = str_c(m->nick);
	e->login = str_c(m->login);
	e->idle = (uint32_t)((now - m->last_msg_ms) / 1000);
	e->flags = (m->has_cred ? 0 : WHOF_NOID) | (m->away ? WHOF_AWAY : 0);
	e->away = str_c(m->away ? m->away : "");
	e->rooms = str_n((const char *)rooms->data, rooms->len);
}

/* WHOREPLY frames for r's members (or everyone when r is NULL) to c, at most max entries. */
static void send_who(struct server *s, struct client *c, struct room *r, size_t max)
{
	struct list_builder w;
	struct buf out = {0}, rooms = {0};
	uint64_t now = mono_ms();
	struct str name = str_c(r ? r->name : "");
	size_t n = r ? r->nmembers : s->nslots, listed = 0;

	who_begin(&w, &out, name);
	for (size_t i = r ? 0 : s->nfixed; i < n && listed < max; i++) {
		const struct client *m = r ? r->members[i] : s->clients[i];
		struct who_entry e;

		if (m->state != CS_READY)
			continue;
		who_entry_of(m, now, &rooms, &e);
		if (!who_add(&w, &e)) {
			who_finish(&w, true);
			who_begin(&w, &out, name);
			who_add(&w, &e);
		}
		listed++;
	}
	who_finish(&w, false);
	output_frames(s, c, &out);
	buf_free(&out);
	buf_free(&rooms);
}

/* r's topic to c, or to every member of r when c is NULL. */
static void send_topic(struct server *s, struct client *c, struct room *r)
{
	struct frame t = {.type = T_TOPICIS};

	t.f[TOPICIS_TIME].n = r->topic_time;
	t.f[TOPICIS_ROOM].s = str_c(r->name);
	t.f[TOPICIS_NICK].s = str_c(r->topic_by);
	t.f[TOPICIS_TEXT].s = str_c(r->topic);
	if (c != NULL)
		output_frame(s, c, &t);
	else
		output_room(s, r, &t, NULL);
}

/*
 * Cut a replay to its newest frames that fit in cap bytes: more could not be
 * queued without the client being dropped as too slow before it read any.
 * Returns how many frames were cut; *first is then the id of the first kept.
 */
static uint64_t trim_replay(struct buf *out, size_t cap, uint64_t *first)
{
	size_t at = 0;
	uint64_t cut = 0;
	long whole;
	struct frame f;

	while (out->len - at > cap && (whole = frame_complete(out->data + at, out->len - at)) > 0)
		at += (size_t)whole, cut++;
	if (cut == 0)
		return 0;
	buf_consume(out, at);
	if (out->len > FRAME_HEADER_BYTES &&
	    proto_decode(out->data + FRAME_HEADER_BYTES, frame_body_len(out->data), &f) == 0)
		*first = f.f[MSG_ID].n;
	return cut;
}

/* Kept messages of r after `after`, as one batch, preceded by MISSED if some are gone. */
static void send_history(struct server *s, struct client *c, struct room *r, uint64_t after)
{
	struct buf out = {0};
	uint64_t missed, first = room_first_kept(r);
	bool exact;

	room_replay(r, after, &out, &missed, &exact);
	missed += trim_replay(&out, s->cfg.max_queue_bytes / 2, &first);
	if (missed > 0 && after > 0) {
		struct frame m = {.type = T_MISSED};

		m.f[MISSED_ROOM].s = str_c(r->name);
		m.f[MISSED_COUNT].n = missed;
		m.f[MISSED_FIRST].n = first;
		m.f[MISSED_EXACT].n = exact;
		output_frame(s, c, &m);
	}
	output_frames(s, c, &out);
	buf_free(&out);
}

/* c enters r: JOIN to all members (c too), then topic, members and history to c. */
static void enter_room(struct server *s, struct client *c, struct room *r, uint64_t after)
{
	struct frame j = {.type = T_JOIN};

	if (c->line.on)
		c->line.current = r;
	if (room_has_member(r, c)) {
		send_history(s, c, r, after);
		return;
	}
	if (c->nrooms == MAX_ROOMS_PER_CLIENT) {
		client_send_error(s, c, ERR_ROOM_LIMIT,
				  "you are in %d rooms already; /part one first",
				  MAX_ROOMS_PER_CLIENT);
		return;
	}
	output_enter(s, r, c);
	c->class.said_ms[c->nrooms] = 0;
	c->rooms[c->nrooms++] = r;
	j.f[JOIN_TIME].n = wall_ms();
	j.f[JOIN_ROOM].s = str_c(r->name);
	j.f[JOIN_NICK].s = str_c(c->nick);
	j.f[JOIN_LOGIN].s = str_c(c->login);
	/* In a large room only the joiner hears of it: n joins must not cost n squared. */
	if (room_is_large(r))
		output_frame(s, c, &j);
	else
		output_room(s, r, &j, NULL);
	if (c->state != CS_READY)
		return;
	if (r->topic[0] != '\0')
		send_topic(s, c, r);
	send_who(s, c, r, room_is_large(r) ? LARGE_ROOM_WHO : SIZE_MAX);
	if (room_is_large(r)) {
		char text[2 * MAX_ROOM_BYTES + 96];

		snprintf(
		    text, sizeof text,
		    "%s has %u members, more than are listed on joining; /who %s lists them all",
		    r->name, r->nmembers, r->name);
		output_notice(s, c, text);
	}
	send_history(s, c, r, after);
}

static void on_hello(struct server *s, struct client *c, const struct frame *f)
{
	struct str nick = f->f[HELLO_NICK].s;
	struct frame w = {.type = T_WELCOME};

	if (f->f[HELLO_VERSION].n < PROTO_MIN_VERSION || f->f[HELLO_VERSION].n > PROTO_VERSION) {
		client_send_error(
		    s, c, ERR_VERSION,
		    "protocol version %u is not supported; this server speaks versions %d to %d",
		    (unsigned)f->f[HELLO_VERSION].n, PROTO_MIN_VERSION, PROTO_VERSION);
		return;
	}
	if (!nick_usable(s, c, nick, ERR_NICK_INVALID))
		return;
	if (!free_nick(s, c, nick)) {
		client_send_error(s, c, ERR_NICK_TAKEN, "no free nick like '%.*s'; choose another",
				  (int)nick.len, nick.p);
		return;
	}
	c->state = CS_READY;
	c->version = (unsigned)f->f[HELLO_VERSION].n;
	s->nready++;
	nicks_add(&s->nicks, c);
	classroom_register(s, c);
	c->last_msg_ms = mono_ms();
	log_info("client %llu: %s joined (%s%s%s%s)", (unsigned long long)c->serial, c->nick,
		 c->transport == TR_TCP ? "tcp" : "unix", c->login[0] ? ", login " : "", c->login,
		 c->line.on ? ", line mode" : "");
	w.f[WELCOME_VERSION].n = c->version; /* the client's own: a v1 client sees 1 */
	w.f[WELCOME_NICK].s = str_c(c->nick);
	w.f[WELCOME_SERVER].s = str_c(s->cfg.name);
	w.f[WELCOME_ROOM].s = str_c(s->lobby->name);
	w.f[WELCOME_USERS].n = s->nready;
	w.f[WELCOME_ROLES].n = (s->announce != NULL ? ROLE_CLASSROOM : 0) |
			       (c->class.teacher ? ROLE_TEACHER : 0); /* sent to version 3 only */
	output_frame(s, c, &w);
	enter_room(s, c, s->lobby, f->f[HELLO_RESUME].n);
	/* Every late joiner is shown every announcement (PROTOCOL.md 3.10). */
	if (s->announce != NULL && c->state == CS_READY) {
		enter_room(s, c, s->announce, f->f[HELLO_RESUME].n);
		if (c->line.on)
			c->line.current = s->lobby; /* plain lines still go to #lobby */
	}
	classroom_welcome(s, c);
}

/* The room named by target if c is in it; otherwise an ERROR and NULL. */
static struct room *joined_room(struct server *s, struct client *c, struct str target)
{
	struct room *r;

	if (target.len == 0)
		return c->line.current ? c->line.current : s->lobby;
	r = room_find(&s->rooms, target.p, target.len);
	if (r == NULL || !room_has_member(r, c)) {
		client_send_error(s, c, ERR_NO_SUCH_TARGET, "you are not in %.*s; /join it first",
				  (int)utf8_truncate(target.p, target.len, 64), target.p);
		return NULL;
	}
	return r;
}

/* Check message text; false (after an ERROR) if it breaks the rules. */
static bool text_ok(struct server *s, struct client *c, struct str text, size_t max)
{
	enum text_verdict v = text_check(text.p, text.len, max);

	if (v == TEXT_TOO_LONG) {
		client_send_error(
		    s, c, ERR_TEXT_TOO_LONG,
		    "text of %zu bytes is longer than the limit of %zu bytes; split it", text.len,
		    max);
		return false;
	}
	if (v != TEXT_OK) {
		client_send_error(s, c, ERR_BAD_TEXT, "%s; it was not sent", text_verdict_str(v));
		return false;
	}
	return true;
}

/* Record the newest id beside the transcripts, so private ids survive a restart too. */
static void save_id_watermark(struct server *s, uint64_t id)
{
	char line[32];
	int n;

	if (s->id_fd < 0)
		return;
	n = snprintf(line, sizeof line, "%020llu\n", (unsigned long long)id);
	if (pwrite(s->id_fd, line, (size_t)n, 0) != n && !s->id_fd_failing) {
		log_error("cannot record message ids in %s: %s", s->cfg.log_dir, strerror(errno));
		s->id_fd_failing = true;
	}
}

static void say_private(struct server *s, struct client *c, struct str target, struct frame *m)
{
	struct client *to = find_nick(s, target.p, target.len, NULL);
	struct shbuf *b;

	if (to == NULL) {
		client_send_error(s, c, ERR_NO_SUCH_TARGET,
				  "nobody is called '%.*s' here; /who lists everyone",
				  (int)utf8_truncate(target.p, target.len, 64), target.p);
		return;
	}
	m->f[MSG_ID].n = ++s->next_msg_id;
	c->req.id = s->next_msg_id; /* DONE names it (version 3) */
	m->f[MSG_TARGET].s = str_c(to->nick);
	save_id_watermark(s, s->next_msg_id);
	b = output_encode(s, m);
	if (b == NULL)
		return;
	s->msgs_in++;
	s->msgs_out += to != c ? 2 : 1;
	{
		const struct client *const both[] = {to, c};

		output_to(s, both, to != c ? 2 : 1, b);
	}
	shbuf_unref(b);
	if (to->away != NULL && c->state == CS_READY) {
		char text[MAX_REASON_BYTES + MAX_NICK_BYTES + 32];

		snprintf(text, sizeof text, "%s is away: %s", to->nick, to->away);
		output_notice(s, c, text);
	}
}

static void on_say(struct server *s, struct client *c, const struct frame *f)
{
	struct str target = f->f[SAY_TARGET].s;
	struct frame m = {.type = T_MSG};
	struct room *r;
	struct shbuf *b;
	struct buf *out;
	size_t start;

	if (c->muted) {
		client_send_error(s, c, ERR_MUTED,
				  "you are muted on this server; your message was not sent");
		return;
	}
	if (!text_ok(s, c, f->f[SAY_TEXT].s, s->cfg.max_text))
		return;
	c->last_msg_ms = mono_ms();
	m.f[MSG_TIME].n = wall_ms();
	m.f[MSG_FROM].s = str_c(c->nick);
	m.f[MSG_FLAGS].n = f->f[SAY_FLAGS].n & MSGF_ACTION;
	m.f[MSG_TEXT].s = f->f[SAY_TEXT].s;
	if (target.len > 0 && target.p[0] != '#') {
		say_private(s, c, target, &m);
		return;
	}
	r = joined_room(s, c, target);
	if (r == NULL || !classroom_may_say(s, c, r))
		return;
	m.f[MSG_ID].n = ++s->next_msg_id;
	c->req.id = s->next_msg_id; /* DONE names it (version 3) */
	m.f[MSG_TARGET].s = str_c(r->name);
	/* Written down before anyone is told: what was acknowledged survives a restart. */
	history_log(s, r, &m);
	/* Encoded straight into the room's batch: sealing another batch may reuse s->enc. */
	out = output_batch(s, r);
	start = out->len;
	if (proto_encode(out, &m) < 0) {
		log_error("cannot encode a MSG frame (too large?)");
		return;
	}
	s->msgs_in++;
	s->msgs_out += r->nmembers; /* one addition, not one per recipient */
	if (r->hist_cap > 0) {
		b = shbuf_new(out->data + start, out->len - start);
		room_keep(r, b, m.f[MSG_ID].n);
		shbuf_unref(b);
	}
}

static void on_enter(struct server *s, struct client *c, const struct frame *f)
{
	struct str name = f->f[ENTER_ROOM].s;
	struct room *r;

	if (!room_valid(name.p, name.len)) {
		client_send_error(
		    s, c, ERR_ROOM_INVALID,
		    "'%.*s' is not a room name: use # and 1 to %d letters, digits, _ - or .",
		    (int)utf8_truncate(name.p, name.len, 64), name.p, MAX_ROOM_BYTES - 1);
		return;
	}
	r = room_find(&s->rooms, name.p, name.len);
	if (r == NULL) {
		if (s->rooms.count >= MAX_ROOMS) {
			client_send_error(
			    s, c, ERR_ROOM_LIMIT,
			    "this server has %d rooms, its limit; join an existing one (/rooms)",
			    MAX_ROOMS);
			return;
		}
		r = room_create(&s->rooms, name.p, name.len);
		log_info("client %llu: %s created %s", (unsigned long long)c->serial, c->nick,
			 r->name);
	}
	enter_room(s, c, r, f->f[ENTER_AFTER].n);
}

static void on_part(struct server *s, struct client *c, const struct frame *f)
{
	struct room *r = joined_room(s, c, f->f[PART_ROOM].s);
	char reason[MAX_REASON_BYTES + 1];
	struct frame l = {.type = T_LEAVE};

	if (r == NULL)
		return;
	if (r == s->lobby || r == s->announce) {
		client_send_error(s, c, ERR_NOT_ALLOWED,
				  "everyone stays in %s; /quit to leave the server", r->name);
		return;
	}
	text_copy_reason(f->f[PART_REASON].s.p, f->f[PART_REASON].s.len, reason, MAX_REASON_BYTES);
	l.f[LEAVE_TIME].n = wall_ms();
	l.f[LEAVE_ROOM].s = str_c(r->name);
	l.f[LEAVE_NICK].s = str_c(c->nick);
	l.f[LEAVE_REASON].s = str_c(reason);
	if (room_is_large(r))
		output_frame(s, c, &l);
	else
		output_room(s, r, &l, NULL);
	forget_membership(s, c, r);
	if (c->line.on && c->line.current == NULL)
		c->line.current = s->lobby;
}

static void on_list(struct server *s, struct client *c)
{
	struct frame head = {.type = T_ROOMLIST};
	struct list_builder l;
	struct buf out = {0};

	list_begin(&l, &out, &head);
	for (uint32_t i = 0; i < s->rooms.count; i++) {
		const struct room *r = s->rooms.list[i];
		struct field e[3] = {
		    [ROOME_NAME] = {.s = str_c(r->name)},
		    [ROOME_MEMBERS] = {.n = r->nmembers},
		    [ROOME_TOPIC] = {.s = str_c(r->topic)},
		};

		if (!list_add(&l, e)) {
			list_finish(&l, true);
			list_begin(&l, &out, &head);
			list_add(&l, e);
		}
	}
	list_finish(&l, false);
	output_frames(s, c, &out);
	buf_free(&out);
}

static void on_topic(struct server *s, struct client *c, const struct frame *f)
{
	struct str text = f->f[TOPIC_TEXT].s;
	struct room *r;

	if (f->f[TOPIC_SET].n == 0) {
		struct str name = f->f[TOPIC_ROOM].s;

		r = name.len ? room_find(&s->rooms, name.p, name.len)
			     : (c->line.current ? c->line.current : s->lobby);
		if (r == NULL)
			client_send_error(s, c, ERR_NO_SUCH_TARGET, "there is no room '%.*s'",
					  (int)utf8_truncate(name.p, name.len, 64), name.p);
		else
			send_topic(s, c, r);
		return;
	}
	r = joined_room(s, c, f->f[TOPIC_ROOM].s);
	if (r == NULL || (text.len > 0 && !text_ok(s, c, text, MAX_TOPIC_BYTES)))
		return;
	if (memchr(text.p, '\n', text.len) != NULL) {
		client_send_error(s, c, ERR_BAD_TEXT, "a topic is one line; it was not set");
		return;
	}
	memcpy(r->topic, text.p, text.len);
	r->topic[text.len] = '\0';
	snprintf(r->topic_by, sizeof r->topic_by, "%s", c->nick);
	r->topic_time = wall_ms();
	send_topic(s, NULL, r);
}

static void on_away(struct server *s, struct client *c, const struct frame *f)
{
	struct str text = f->f[AWAY_TEXT].s;
	char msg[MAX_REASON_BYTES + 1];
	char notice[MAX_REASON_BYTES + 64];

	free(c->away);
	c->away = NULL;
	if (text.len == 0) {
		output_notice(s, c, "you are no longer marked as away");
		return;
	}
	if (!text_ok(s, c, text, SIZE_MAX))
		return;
	if (memchr(text.p, '\n', text.len) != NULL) {
		client_send_error(s, c, ERR_BAD_TEXT,
				  "an away message is one line; it was not set");
		return;
	}
	text_copy_reason(text.p, text.len, msg, MAX_REASON_BYTES);
	c->away = xstrdup(msg);
	snprintf(notice, sizeof notice, "you are marked as away: %s", msg);
	output_notice(s, c, notice);
}

static void on_nick(struct server *s, struct client *c, const struct frame *f)
{
	struct str nick = f->f[NICK_NICK].s;
	struct frame r = {.type = T_RENAME};
	char old[MAX_NICK_BYTES + 1];

	if (!nick_usable(s, c, nick, ERR_NOT_ALLOWED))
		return;
	if (find_nick(s, nick.p, nick.len, c) != NULL) {
		client_send_error(s, c, ERR_NICK_TAKEN, "nick %.*s is taken", (int)nick.len,
				  nick.p);
		return;
	}
	memcpy(old, c->nick, sizeof old);
	nicks_remove(&s->nicks, c);
	snprintf(c->nick, sizeof c->nick, "%.*s", (int)nick.len, nick.p);
	nicks_add(&s->nicks, c);
	log_info("client %llu: %s is now %s", (unsigned long long)c->serial, old, c->nick);
	r.f[RENAME_TIME].n = wall_ms();
	r.f[RENAME_OLD].s = str_c(old);
	r.f[RENAME_NEW].s = str_c(c->nick);
	output_neighbours(s, c, &r);
}

static void on_who(struct server *s, struct client *c, const struct frame *f)
{
	struct str target = f->f[WHO_TARGET].s;
	struct room *r = NULL;

	if (target.len > 0) {
		r = room_find(&s->rooms, target.p, target.len);
		if (r == NULL) {
			client_send_error(s, c, ERR_NO_SUCH_TARGET,
					  "there is no room '%.*s' (/rooms lists them)",
					  (int)utf8_truncate(target.p, target.len, 64), target.p);
			return;
		}
	}
	send_who(s, c, r, SIZE_MAX);
}

static void on_quit(struct server *s, struct client *c, const struct frame *f)
{
	char reason[MAX_REASON_BYTES + 1];

	/* A reason that breaks the text rules is dropped, not relayed. */
	text_copy_reason(f->f[QUIT_REASON].s.p, f->f[QUIT_REASON].s.len, reason, MAX_REASON_BYTES);
	log_info("client %llu: %s quit (%s)", (unsigned long long)c->serial, c->nick, reason);
	chat_bye(s, c, BYE_QUIT, "quit", reason);
}

void chat_handle(struct server *s, struct client *c, const struct frame *f)
{
	if (f->type == T_PING) {
		struct frame p = {.type = T_PONG};

		p.f[PING_TOKEN].n = f->f[PING_TOKEN].n;
		output_frame(s, c, &p);
		return;
	}
	if (f->type == T_PONG)
		return; /* any frame counts as a sign of life */
	if (c->state == CS_HELLO) {
		if (f->type == T_HELLO)
			on_hello(s, c, f);
		else
			client_send_error(s, c, ERR_NOT_REGISTERED, "send HELLO before %s",
					  frame_type_name(f->type));
		return;
	}
	switch (f->type) {
	case T_SAY: on_say(s, c, f); break;
	case T_NICK: on_nick(s, c, f); break;
	case T_WHO: on_who(s, c, f); break;
	case T_QUIT: on_quit(s, c, f); break;
	case T_ENTER: on_enter(s, c, f); break;
	case T_PART: on_part(s, c, f); break;
	case T_LIST: on_list(s, c); break;
	case T_TOPIC: on_topic(s, c, f); break;
	case T_AWAY: on_away(s, c, f); break;
	case T_ANNOUNCE:
	case T_SLOW:
	case T_MUTE:
	case T_KICK:
	case T_HAND: classroom_handle(s, c, f); break;
	default:
		client_send_error(s, c, ERR_MALFORMED, "%s is not allowed after the handshake",
				  frame_type_name(f->type));
		break;
	}
}
