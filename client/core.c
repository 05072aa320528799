/* SPDX-License-Identifier: ISC */
/* core.c - the client core: handshake, held requests, room sets, frames to events, exit status. */
#include "core.h"
#include "core_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sys.h"
#include "text.h"

static int on_frame(void *ctx, const struct frame *f);
static int enter_settled(struct core *c, uint32_t tag);

void core_init(struct core *c, const struct core_ops *ops, void *ctx)
{
	*c = (struct core){.state = CORE_IDLE, .ops = ops, .ctx = ctx};
	session_init(&c->sess, on_frame, c);
	keepalive_init(&c->ka);
}

void core_free(struct core *c)
{
	session_free(&c->sess);
	buf_free(&c->held);
	buf_free(&c->who_room);
	buf_free(&c->who_entries);
	buf_free(&c->list_entries);
}

/* Record the end of the connection; the first reason wins. The session is closed later. */
void core_abort(struct core *c, int status, const char *fmt, ...)
{
	va_list ap;

	if (c->state == CORE_DONE)
		return;
	c->state = CORE_DONE;
	c->status = status;
	c->deadline_ms = 0;
	va_start(ap, fmt);
	vsnprintf(c->why.text, sizeof c->why.text, fmt, ap);
	va_end(ap);
}

bool rooms_same(const char *a, struct str b)
{
	return nick_equal(a, strlen(a), b.p, b.len);
}

int rooms_find(const struct core_rooms *set, struct str room)
{
	for (size_t i = 0; i < set->n; i++)
		if (rooms_same(set->name[i], room))
			return (int)i;
	return -1;
}

void rooms_add(struct core_rooms *set, struct str room)
{
	size_t n = utf8_truncate(room.p, room.len, CORE_ROOM_BYTES - 1);

	if (rooms_find(set, room) >= 0 || set->n == CORE_MAX_ROOMS || n == 0)
		return;
	memcpy(set->name[set->n], room.p, n);
	set->name[set->n++][n] = '\0';
}

void rooms_remove(struct core_rooms *set, struct str room)
{
	int i = rooms_find(set, room);

	if (i < 0)
		return;
	memmove(set->name[i], set->name[i + 1], (set->n - (size_t)i - 1) * sizeof set->name[0]);
	set->n--;
}

/* Forget an earlier connection but what resuming needs: its rooms (to rejoin) and the last id. */
static void reset(struct core *c)
{
	session_close(&c->sess);
	c->state = CORE_IDLE;
	c->quit_requested = false;
	c->nick[0] = '\0';
	/* WELCOME's room and #announcements the server enters us into itself (PROTOCOL.md 3.10). */
	for (size_t i = 0; i < c->joined.n; i++)
		if (!rooms_same(c->home, str_c(c->joined.name[i])) &&
		    !rooms_same(ANNOUNCE_ROOM, str_c(c->joined.name[i])))
			rooms_add(&c->rejoin, str_c(c->joined.name[i]));
	c->joined.n = 0;
	c->want_room[0] = '\0';
	c->sess.resume = c->last_id; /* HELLO's, and rejoin_rooms' ENTER's `after` */
	buf_clear(&c->list_entries);
	c->list_count = 0;
	buf_clear(&c->held);
	buf_clear(&c->who_entries);
	c->who_count = 0;
	c->who_open = false;
	c->status = EXIT_CLEAN;
	c->why.text[0] = '\0';
}

/* Wait for WELCOME on the session just opened (rc 0), or pass its failure on. */
static int start_handshake(struct core *c, int rc)
{
	if (rc < 0)
		return -1;
	c->state = CORE_HANDSHAKE;
	c->deadline_ms = mono_ms() + HANDSHAKE_TIMEOUT_MS;
	return 0;
}

int core_connect(struct core *c, const struct addr *a, const char *nick, struct errmsg *e)
{
	reset(c);
	return start_handshake(c, session_open(&c->sess, a, nick, e));
}

int core_attach(struct core *c, int fd, const char *where, const char *nick, struct errmsg *e)
{
	reset(c);
	return start_handshake(c, session_attach(&c->sess, fd, where, nick, e));
}

int core_fd(const struct core *c)
{
	return c->sess.fd;
}

short core_poll_events(const struct core *c)
{
	return session_poll_events(&c->sess);
}

int core_timeout_ms(const struct core *c, uint64_t now_ms)
{
	int ms = session_timeout_ms(&c->sess, now_ms);
	int ka = c->state == CORE_READY ? keepalive_timeout_ms(&c->ka, now_ms) : -1;
	int deadline = c->deadline_ms == 0 ? -1 : ms_until(now_ms, c->deadline_ms);

	/* The earliest of the three; -1 is never. */
	if (ka >= 0 && (ms < 0 || ka < ms))
		ms = ka;
	if (deadline >= 0 && (ms < 0 || deadline < ms))
		ms = deadline;
	return ms;
}

uint64_t core_lag_ms(const struct core *c, uint64_t now_ms)
{
	return c->state == CORE_READY ? keepalive_lag(&c->ka, now_ms) : 0;
}

/* Lab faults overdue; a silent server PINGed, or given up after a PING; deadlines missed. */
void core_tick(struct core *c, uint64_t now_ms)
{
	struct frame ping = {.type = T_PING};
	struct errmsg e;

	if (session_lab_overdue(&c->sess, now_ms, &e)) {
		core_abort(c, EXIT_LOST, "%s", e.text);
	} else if (c->state == CORE_READY && keepalive_lost(&c->ka, now_ms)) {
		core_abort(c, EXIT_LOST,
			   "the server at %s has not answered a PING for %u s; giving the "
			   "connection up",
			   c->sess.where, (c->ka.timeout_ms + 999) / 1000);
	} else if (c->state == CORE_READY) {
		/* A PING is 13 bytes: it always encodes. (READY has no deadline.) */
		if (keepalive_ping_due(&c->ka, now_ms, &ping.f[PING_TOKEN].n))
			(void)session_send(&c->sess, &ping, &e);
		return;
	} else if (c->deadline_ms == 0 || now_ms < c->deadline_ms) {
		return;
	} else if (c->state == CORE_HANDSHAKE) {
		core_abort(c, EXIT_NO_SERVER, "the server at %s did not answer HELLO within %d s",
			   c->sess.where, HANDSHAKE_TIMEOUT_MS / 1000);
	} else if (c->state == CORE_QUITTING) {
		core_abort(
		    c, EXIT_LOST,
		    "the server at %s went silent for %d s without confirming QUIT; the last "
		    "messages may be lost",
		    c->sess.where, QUIT_TIMEOUT_MS / 1000);
	}
	c->deadline_ms = 0;
	if (c->state == CORE_DONE)
		session_close(&c->sess);
}

void core_handle(struct core *c, short revents)
{
	struct errmsg e;
	enum session_result r = session_handle(&c->sess, revents, &e);
	bool shaking = c->state == CORE_HANDSHAKE; /* what we were doing when it ended */
	const char *when = shaking ? " during the handshake" : "";

	/* Anything the server sent, a PING included, proves it alive (even within the same ms). */
	if (c->sess.heard) {
		c->sess.heard = false;
		keepalive_heard(&c->ka, c->sess.heard_ms);
	}
	if (c->state == CORE_QUITTING)
		when = " before confirming QUIT; the last messages may be lost";
	if (r == SESSION_EOF || r == SESSION_IO_ERROR) /* without BYE */
		core_abort(c, EXIT_LOST, "%s%s", e.text, when);
	else if (r == SESSION_PROTO_ERROR)
		core_abort(c, EXIT_ERROR, "%s; %s", e.text,
			   shaking ? "is it really a natter server?" : "disconnecting");
	if (c->state == CORE_DONE)
		session_close(&c->sess);
}

bool core_accepting(const struct core *c)
{
	return !c->quit_requested && (c->state == CORE_HANDSHAKE || c->state == CORE_READY);
}

bool core_backlogged(const struct core *c)
{
	return session_backlog(&c->sess) + c->held.len >= MAX_BACKLOG_BYTES;
}

bool core_done(const struct core *c)
{
	return c->state == CORE_DONE;
}

enum core_state core_state(const struct core *c)
{
	return c->state;
}

int core_status(const struct core *c)
{
	return c->status;
}

const char *core_why(const struct core *c)
{
	return c->why.text;
}

const char *core_nick_now(const struct core *c)
{
	return c->nick;
}

unsigned core_scopes(const struct core *c)
{
	unsigned scopes = 0;

	if ((c->roles & ROLE_CLASSROOM) || core_in_room(c, str_c(ANNOUNCE_ROOM)))
		scopes |= SCOPE_CLASSROOM;
	if (c->roles & ROLE_TEACHER)
		scopes |= SCOPE_TEACHER;
	return scopes;
}

const char *core_room(const struct core *c)
{
	return c->room;
}

const char *core_where(const struct core *c)
{
	return c->sess.where;
}

size_t core_room_count(const struct core *c)
{
	return c->joined.n;
}

const char *core_room_at(const struct core *c, size_t i)
{
	return i < c->joined.n ? c->joined.name[i] : "";
}

bool core_in_room(const struct core *c, struct str room)
{
	return rooms_find(&c->joined, room) >= 0;
}

void core_trace(struct core *c, struct trace_sink *t)
{
	c->sess.trace = t;
}

void core_lab_faults(struct core *c, const struct lab_faults *f)
{
	c->sess.faults = f != NULL && f->on ? f : NULL;
}

void core_expect_server_uid(struct core *c, long uid)
{
	c->sess.server_uid = uid;
}

void core_set_resume(struct core *c, uint64_t id)
{
	c->start_id = id;
	c->resumed.n = 0;
	/* HELLO's resume enters these (PROTOCOL.md 3.1, 3.10). */
	rooms_add(&c->resumed, str_c(DEFAULT_ROOM));
	rooms_add(&c->resumed, str_c(ANNOUNCE_ROOM));
	if (id > c->last_id)
		c->last_id = id;
	c->sess.resume = c->last_id;
}

uint64_t core_last_id(const struct core *c)
{
	return c->last_id;
}

int core_emit(struct core *c, const struct event *ev)
{
	struct event tagged = *ev;
	uint32_t ref = c->frame_tag >> TAG_TYPE_BITS;

	/* What the frame answers, as the front end's reference (see next_tag). */
	tagged.tag = (ref & AUTO_REF) ? 0 : ref;
	tagged.req = c->frame_tag;
	if (c->ops != NULL && c->ops->event != NULL)
		c->ops->event(c->ctx, &tagged);
	return c->state == CORE_DONE;
}

void core_copy_str(char *dst, size_t cap, struct str s)
{
	size_t n = utf8_truncate(s.p, s.len, cap - 1);

	if (n > 0)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
}

/* ENTER the last connection's rooms again after the id seen then; each stays until its JOIN. */
static void rejoin_rooms(struct core *c)
{
	struct frame f = {.type = T_ENTER};
	struct errmsg e;

	for (size_t i = 0; i < c->rejoin.n; i++) {
		f.f[ENTER_ROOM].s = str_c(c->rejoin.name[i]);
		f.f[ENTER_AFTER].n = c->sess.resume;
		f.tag = core_next_tag(c, T_ENTER);
		/* A name of at most CORE_ROOM_BYTES always fits in a frame. */
		(void)session_send(&c->sess, &f, &e);
		/* If entering our current room fails, enter_settled takes us back to WELCOME's. */
		if (rooms_same(c->room, f.f[ENTER_ROOM].s)) {
			core_copy_str(c->want_room, sizeof c->want_room, str_c(c->room));
			c->want_tag = f.tag;
		}
	}
}

int core_emit_current(struct core *c)
{
	struct event ev = {.kind = EV_CURRENT, .time = wall_ms(), .room = str_c(c->room)};

	return core_emit(c, &ev);
}

static bool is_me(const struct core *c, struct str nick)
{
	return nick_equal(c->nick, strlen(c->nick), nick.p, nick.len);
}

/* A JOIN. Ours adds the room to our set and makes it current if /join asked for it. */
static int deliver_join(struct core *c, struct event *ev)
{
	bool now_current = false;

	ev->self = is_me(c, ev->nick);
	if (ev->self) {
		rooms_add(&c->joined, ev->room);
		rooms_remove(&c->rejoin, ev->room);
		now_current = c->want_room[0] != '\0' && rooms_same(c->want_room, ev->room);
		if (now_current)
			c->want_room[0] = '\0';
		/* The server's spelling of the room wins (a resumed current room too). */
		if (now_current || rooms_same(c->room, ev->room))
			core_copy_str(c->room, sizeof c->room, ev->room);
	}
	if (core_emit(c, ev))
		return 1;
	return now_current ? core_emit_current(c) : 0;
}

/* A LEAVE. Ours drops the room; leaving the current room makes WELCOME's room current. */
static int deliver_leave(struct core *c, struct event *ev)
{
	bool fell_back = false;

	ev->self = is_me(c, ev->nick);
	if (ev->self) {
		rooms_remove(&c->joined, ev->room);
		fell_back = rooms_same(c->room, ev->room);
		if (fell_back)
			snprintf(c->room, sizeof c->room, "%s",
				 c->home[0] != '\0' ? c->home : DEFAULT_ROOM);
	}
	if (core_emit(c, ev))
		return 1;
	return fell_back ? core_emit_current(c) : 0;
}

static int on_welcome(struct core *c, const struct frame *f)
{
	struct event ev;

	if (c->state != CORE_HANDSHAKE) {
		core_abort(c, EXIT_ERROR, "the server at %s sent a second WELCOME; disconnecting",
			   c->sess.where);
		return 1;
	}
	core_copy_str(c->nick, sizeof c->nick, f->f[WELCOME_NICK].s);
	core_copy_str(c->home, sizeof c->home, f->f[WELCOME_ROOM].s);
	c->roles = (unsigned)f->f[WELCOME_ROLES].n;
	/* After a reconnect we keep talking in our room, which rejoin_rooms enters again. */
	if (rooms_find(&c->rejoin, str_c(c->room)) < 0)
		core_copy_str(c->room, sizeof c->room, f->f[WELCOME_ROOM].s);
	c->state = CORE_READY;
	c->deadline_ms = 0;
	keepalive_start(&c->ka, mono_ms());
	if (c->held.len > 0 || c->rejoin.n > 0)
		keepalive_asked(&c->ka, mono_ms());
	/* Before the held requests: a held SAY may be for one of these rooms. */
	rejoin_rooms(c);
	session_send_encoded(&c->sess, c->held.data, c->held.len);
	buf_clear(&c->held);
	if (c->quit_requested) {
		c->state = CORE_QUITTING;
		c->deadline_ms = mono_ms() + QUIT_TIMEOUT_MS;
	}
	(void)event_from_frame(&ev, f, wall_ms(), NULL);
	ev.where = c->sess.where;
	return core_emit(c, &ev);
}

/* Render untrusted server text for our own one-line sentences. */
static void sanitized(char *dst, size_t cap, struct str s)
{
	struct buf b = {0};

	text_sanitize(&b, s.p, s.len, 0);
	core_copy_str(dst, cap, str_n((const char *)b.data, b.len));
	buf_free(&b);
}

static int on_error(struct core *c, const struct frame *f)
{
	struct event ev;
	char text[ERRMSG_BYTES / 2];
	int stop;

	(void)event_from_frame(&ev, f, wall_ms(), NULL);
	stop = core_emit(c, &ev);
	sanitized(text, sizeof text, ev.text);
	if (c->state == CORE_HANDSHAKE) {
		core_abort(c, EXIT_REFUSED, "the server refused the connection: %s (%s)", text,
			   error_code_name(ev.code));
		return 1;
	}
	if (error_is_fatal(ev.code)) {
		core_abort(c, EXIT_LOST, "the server closed the connection: %s (%s)", text,
			   error_code_name(ev.code));
		return 1;
	}
	return stop ? stop : enter_settled(c, f->tag);
}

static int on_bye(struct core *c, const struct frame *f)
{
	struct event ev;
	char reason[ERRMSG_BYTES / 2];

	(void)event_from_frame(&ev, f, wall_ms(), NULL);
	core_emit(c, &ev);
	sanitized(reason, sizeof reason, ev.reason);
	if (c->state == CORE_QUITTING)
		core_abort(c, EXIT_CLEAN, "quit");
	else if (!bye_may_reconnect((unsigned)f->f[BYE_CODE].n))
		core_abort(c, EXIT_KICKED, "%s (the server at %s); not reconnecting after a kick",
			   reason, c->sess.where);
	else
		core_abort(c, EXIT_LOST, "disconnected by the server at %s: %s", c->sess.where,
			   reason);
	return 1;
}

/* MSG, JOIN, LEAVE, RENAME, NOTICE, TOPICIS and MISSED: event.c decodes them. */
static int on_notice(struct core *c, const struct frame *f)
{
	struct event ev;

	(void)event_from_frame(&ev, f, wall_ms(), NULL);
	switch (ev.kind) {
	case EV_MSG:
		ev.own = is_me(c, ev.nick);
		if (ev.id > c->last_id)
			c->last_id = ev.id;
		break;
	case EV_JOIN: return deliver_join(c, &ev);
	case EV_LEAVE: return deliver_leave(c, &ev);
	case EV_RENAME:
		if (nick_equal(c->nick, strlen(c->nick), ev.nick.p, ev.nick.len))
			core_copy_str(c->nick, sizeof c->nick, ev.new_nick);
		break;
	default: break;
	}
	return core_emit(c, &ev);
}

/*
 * The DONE or ERROR that settles a /join's ENTER. Without the JOIN first, we were in the room
 * already (switch to it) or the ENTER failed: stay, or go back to WELCOME's room if out of ours.
 */
static int enter_settled(struct core *c, uint32_t tag)
{
	int i;

	if (c->want_room[0] == '\0' || tag == 0 || tag != c->want_tag)
		return 0;
	i = rooms_find(&c->joined, str_c(c->want_room));
	c->want_room[0] = '\0';
	if (i >= 0)
		snprintf(c->room, sizeof c->room, "%s", c->joined.name[i]);
	else if (rooms_find(&c->joined, str_c(c->room)) < 0 && c->home[0] != '\0')
		snprintf(c->room, sizeof c->room, "%s", c->home);
	else
		return 0;
	return core_emit_current(c);
}

static int on_frame_tagged(struct core *c, const struct frame *f);

static int on_frame(void *ctx, const struct frame *f)
{
	struct core *c = ctx;
	int rc;

	c->frame_tag = f->type == T_DONE ? (uint32_t)f->f[DONE_TAG].n : f->tag;
	rc = on_frame_tagged(c, f);
	c->frame_tag = 0;
	return rc;
}

/* A DONE: the request with its tag succeeded. */
static int on_done(struct core *c, const struct frame *f)
{
	struct event ev;

	(void)event_from_frame(&ev, f, wall_ms(), NULL);
	if (core_emit(c, &ev))
		return 1;
	return enter_settled(c, (uint32_t)f->f[DONE_TAG].n);
}

static int on_frame_tagged(struct core *c, const struct frame *f)
{
	if (c->state == CORE_DONE)
		return 1;
	/* A server holding our input back (PROTOCOL.md 3.9) reaches QUIT late: bound silence. */
	if (c->state == CORE_QUITTING)
		c->deadline_ms = mono_ms() + QUIT_TIMEOUT_MS;
	switch (f->type) {
	case T_WELCOME: return on_welcome(c, f);
	case T_ERROR: return on_error(c, f);
	case T_BYE: return on_bye(c, f);
	case T_DONE: return on_done(c, f);
	case T_PONG: keepalive_pong(&c->ka, f->f[PING_TOKEN].n); return 0;
	default: break;
	}
	if (c->state == CORE_HANDSHAKE) {
		core_abort(c, EXIT_ERROR, "the server at %s sent %s before WELCOME; disconnecting",
			   c->sess.where, frame_type_name(f->type));
		return 1;
	}
	if (f->type == T_WHOREPLY)
		return core_on_whoreply(c, f);
	if (f->type == T_ROOMLIST)
		return core_on_roomlist(c, f);
	return on_notice(c, f);
}
