/* chat.c - what each client request means: handshake, messages, nicks, who, quit. */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "server.h"
#include "sys.h"
#include "text.h"

struct shbuf *chat_encode(struct server *s, const struct frame *f)
{
	buf_clear(&s->enc);
	if (proto_encode(&s->enc, f) < 0) {
		log_error("cannot encode a %s frame (too large?)", frame_type_name(f->type));
		return NULL;
	}
	return shbuf_new(s->enc.data, s->enc.len);
}

static void send_leave(struct server *s, struct client *c, const char *reason);

/*
 * Send one encoded frame to every registered client; encoded once, shared by
 * all. A recipient whose queue would pass --max-queue is told BYE and
 * dropped; the others hear of it after this frame, so everyone sees the same
 * order.
 */
static void broadcast(struct server *s, const struct frame *f, const struct client *except)
{
	struct shbuf *b = chat_encode(s, f);
	size_t nslow = 0;

	if (b == NULL)
		return;
	for (size_t i = s->nfixed; i < s->nslots; i++) {
		struct client *c = s->clients[i];

		if (c->state != CS_READY || c == except)
			continue;
		if (c->out.bytes + b->len > s->cfg.max_queue_bytes) {
			c->slow = true;
			nslow++;
			continue;
		}
		server_queue(s, c, b);
	}
	shbuf_unref(b);
	for (size_t i = s->nfixed; i < s->nslots && nslow > 0; i++) {
		struct client *c = s->clients[i];
		char why[128];

		if (!c->slow)
			continue;
		c->slow = false;
		nslow--;
		snprintf(why, sizeof why, "too slow: more than %zu bytes were waiting to be read",
			 s->cfg.max_queue_bytes);
		log_info("client %llu %s: %s; disconnected", (unsigned long long)c->serial, c->nick,
			 why);
		outq_drop_unstarted(&c->out);
		chat_bye(s, c, why, "too slow");
	}
}

void chat_bye(struct server *s, struct client *c, const char *bye_reason, const char *leave_reason)
{
	struct frame f = {.type = T_BYE};
	struct shbuf *b;
	bool was_ready = c->state == CS_READY;

	f.f[BYE_REASON].s = str_c(bye_reason);
	b = chat_encode(s, &f);
	client_close_after(s, c, b);
	if (b != NULL)
		shbuf_unref(b);
	if (was_ready && leave_reason != NULL)
		send_leave(s, c, leave_reason);
}

/* Tell everyone but c that c left. */
static void send_leave(struct server *s, struct client *c, const char *reason)
{
	struct frame f = {.type = T_LEAVE};

	if (s->shutting_down)
		return;
	f.f[LEAVE_TIME].n = wall_ms();
	f.f[LEAVE_ROOM].s = str_c(DEFAULT_ROOM);
	f.f[LEAVE_NICK].s = str_c(c->nick);
	f.f[LEAVE_REASON].s = str_c(reason);
	broadcast(s, &f, c);
}

void chat_leave(struct server *s, struct client *c, const char *reason)
{
	if (c->state != CS_READY)
		return;
	c->state = CS_CLOSING; /* it reads and receives nothing more */
	s->nready--;
	send_leave(s, c, reason);
}

/* The client holding nick (any case) other than self, or NULL. */
static struct client *find_nick(struct server *s, const char *nick, size_t len,
				const struct client *self)
{
	for (size_t i = s->nfixed; i < s->nslots; i++) {
		struct client *c = s->clients[i];

		if (c != self && c->state == CS_READY && nick_equal(c->nick, strlen(c->nick), nick, len))
			return c;
	}
	return NULL;
}

/* A free nick from wanted: itself, or itself with the smallest free number. */
static bool free_nick(struct server *s, struct client *c, struct str wanted)
{
	char cand[MAX_NICK_BYTES + 1];

	snprintf(cand, sizeof cand, "%.*s", (int)wanted.len, wanted.p);
	for (unsigned n = 2; find_nick(s, cand, strlen(cand), c) != NULL; n++) {
		char num[16];
		size_t nl = (size_t)snprintf(num, sizeof num, "%u", n);
		size_t keep = wanted.len + nl > MAX_NICK_BYTES ? MAX_NICK_BYTES - nl : wanted.len;

		if (n > 100000)
			return false;
		snprintf(cand, sizeof cand, "%.*s%s", (int)keep, wanted.p, num);
	}
	memcpy(c->nick, cand, strlen(cand) + 1);
	return true;
}

static void send_who(struct server *s, struct client *c)
{
	struct who_builder w;
	uint64_t now = mono_ms();
	struct shbuf *b;

	buf_clear(&s->enc);
	who_begin(&w, &s->enc, str_c(DEFAULT_ROOM));
	for (size_t i = s->nfixed; i < s->nslots; i++) {
		const struct client *m = s->clients[i];
		struct who_entry e;

		if (m->state != CS_READY)
			continue;
		e.nick = str_c(m->nick);
		e.login = str_c(m->login);
		e.idle = (uint32_t)((now - m->last_msg_ms) / 1000);
		if (!who_add(&w, &e)) {
			who_finish(&w, true);
			who_begin(&w, &s->enc, str_c(DEFAULT_ROOM));
			who_add(&w, &e);
		}
	}
	who_finish(&w, false);
	b = shbuf_new(s->enc.data, s->enc.len);
	server_queue(s, c, b);
	shbuf_unref(b);
}

static void on_hello(struct server *s, struct client *c, const struct frame *f)
{
	struct str nick = f->f[HELLO_NICK].s;
	struct frame w = {.type = T_WELCOME}, j = {.type = T_JOIN};

	if (f->f[HELLO_VERSION].n != PROTO_VERSION) {
		client_send_error(s, c, ERR_VERSION,
				  "protocol version %u is not supported; this server speaks version %d",
				  (unsigned)f->f[HELLO_VERSION].n, PROTO_VERSION);
		return;
	}
	if (!nick_valid(nick.p, nick.len)) {
		client_send_error(s, c, ERR_NICK_INVALID,
				  "nick '%.*s' is not valid: use 1 to %d letters, digits, _ - or ., not starting with - or . (and not a reserved name)",
				  (int)utf8_truncate(nick.p, nick.len, 64), nick.p, MAX_NICK_BYTES);
		return;
	}
	if (!free_nick(s, c, nick)) {
		client_send_error(s, c, ERR_NICK_TAKEN, "no free nick like '%.*s'; choose another",
				  (int)nick.len, nick.p);
		return;
	}
	c->state = CS_READY;
	s->nready++;
	c->last_msg_ms = mono_ms();
	log_info("client %llu: %s joined (%s%s%s)", (unsigned long long)c->serial, c->nick,
		 c->transport == TR_TCP ? "tcp" : "unix", c->login[0] ? ", login " : "", c->login);
	w.f[WELCOME_VERSION].n = PROTO_VERSION;
	w.f[WELCOME_NICK].s = str_c(c->nick);
	w.f[WELCOME_SERVER].s = str_c(s->cfg.name);
	w.f[WELCOME_ROOM].s = str_c(DEFAULT_ROOM);
	w.f[WELCOME_USERS].n = s->nready;
	client_send_frame(s, c, &w);
	send_who(s, c);
	j.f[JOIN_TIME].n = wall_ms();
	j.f[JOIN_ROOM].s = str_c(DEFAULT_ROOM);
	j.f[JOIN_NICK].s = str_c(c->nick);
	j.f[JOIN_LOGIN].s = str_c(c->login);
	broadcast(s, &j, NULL);
}

/* Whether target names the one room (an empty target means the current room). */
static bool room_ok(struct server *s, struct client *c, struct str target)
{
	if (target.len == 0 || str_eq(target, DEFAULT_ROOM))
		return true;
	client_send_error(s, c, ERR_NO_SUCH_TARGET, "there is no room '%.*s'; this server has only %s",
			  (int)utf8_truncate(target.p, target.len, 64), target.p, DEFAULT_ROOM);
	return false;
}

static void on_say(struct server *s, struct client *c, const struct frame *f)
{
	struct str text = f->f[SAY_TEXT].s;
	enum text_verdict v = text_check(text.p, text.len, MAX_TEXT_BYTES);
	struct frame m = {.type = T_MSG};

	if (!room_ok(s, c, f->f[SAY_TARGET].s))
		return;
	if (v == TEXT_TOO_LONG) {
		client_send_error(s, c, ERR_TEXT_TOO_LONG,
				  "message of %zu bytes is longer than the limit of %d bytes; split it",
				  text.len, MAX_TEXT_BYTES);
		return;
	}
	if (v != TEXT_OK) {
		client_send_error(s, c, ERR_BAD_TEXT, "%s; it was not sent", text_verdict_str(v));
		return;
	}
	c->last_msg_ms = mono_ms();
	m.f[MSG_ID].n = ++s->next_msg_id;
	m.f[MSG_TIME].n = wall_ms();
	m.f[MSG_TARGET].s = str_c(DEFAULT_ROOM);
	m.f[MSG_FROM].s = str_c(c->nick);
	m.f[MSG_FLAGS].n = f->f[SAY_FLAGS].n & MSGF_ACTION;
	m.f[MSG_TEXT].s = text;
	broadcast(s, &m, NULL);
}

static void on_nick(struct server *s, struct client *c, const struct frame *f)
{
	struct str nick = f->f[NICK_NICK].s;
	struct frame r = {.type = T_RENAME};
	char old[MAX_NICK_BYTES + 1];

	if (!nick_valid(nick.p, nick.len)) {
		client_send_error(s, c, ERR_NICK_INVALID,
				  "nick '%.*s' is not valid: use 1 to %d letters, digits, _ - or ., not starting with - or . (and not a reserved name)",
				  (int)utf8_truncate(nick.p, nick.len, 64), nick.p, MAX_NICK_BYTES);
		return;
	}
	if (find_nick(s, nick.p, nick.len, c) != NULL) {
		client_send_error(s, c, ERR_NICK_TAKEN, "nick %.*s is taken", (int)nick.len, nick.p);
		return;
	}
	memcpy(old, c->nick, sizeof old);
	snprintf(c->nick, sizeof c->nick, "%.*s", (int)nick.len, nick.p);
	log_info("client %llu: %s is now %s", (unsigned long long)c->serial, old, c->nick);
	r.f[RENAME_TIME].n = wall_ms();
	r.f[RENAME_OLD].s = str_c(old);
	r.f[RENAME_NEW].s = str_c(c->nick);
	broadcast(s, &r, NULL);
}

static void on_quit(struct server *s, struct client *c, const struct frame *f)
{
	struct str why = f->f[QUIT_REASON].s;
	char reason[MAX_REASON_BYTES + 1] = "";

	/* A reason that breaks the text rules is dropped, not relayed. */
	if (text_check(why.p, why.len, SIZE_MAX) == TEXT_OK) {
		size_t n = utf8_truncate(why.p, why.len, MAX_REASON_BYTES);

		memcpy(reason, why.p, n);
		reason[n] = '\0';
	}
	log_info("client %llu: %s quit (%s)", (unsigned long long)c->serial, c->nick, reason);
	chat_bye(s, c, "quit", reason);
}

void chat_handle(struct server *s, struct client *c, const struct frame *f)
{
	if (f->type == T_PING) {
		struct frame p = {.type = T_PONG};

		p.f[PING_TOKEN].n = f->f[PING_TOKEN].n;
		client_send_frame(s, c, &p);
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
	case T_WHO:
		if (room_ok(s, c, f->f[WHO_TARGET].s))
			send_who(s, c);
		break;
	case T_QUIT: on_quit(s, c, f); break;
	default:
		client_send_error(s, c, ERR_MALFORMED, "%s is not allowed after the handshake",
				  frame_type_name(f->type));
		break;
	}
}
