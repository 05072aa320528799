/* core.c - the client core: handshake, held requests, frames turned into events, exit status. */
#include "core.h"
#include "core_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys.h"
#include "text.h"

static int on_frame(void *ctx, const struct frame *f);
static void copy_str(char *dst, size_t cap, struct str s);

void core_init(struct core *c, const struct core_ops *ops, void *ctx)
{
	memset(c, 0, sizeof *c);
	session_init(&c->sess, on_frame, c);
	c->state = CORE_IDLE;
	c->ops = ops;
	c->ctx = ctx;
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

/*
 * Forget everything about an earlier connection but what resuming needs:
 * the rooms we were in go to the rejoin set, the current room is kept, and
 * HELLO will carry the highest id seen.
 */
static void reset(struct core *c)
{
	session_close(&c->sess);
	c->quit_requested = false;
	c->nick[0] = '\0';
	/* WELCOME's room, and #announcements, the server enters us into itself (PROTOCOL.md 3.10).
	 */
	for (size_t i = 0; i < c->joined.n; i++)
		if (!rooms_same(c->home, str_c(c->joined.name[i])) &&
		    !rooms_same(ANNOUNCE_ROOM, str_c(c->joined.name[i])))
			rooms_add(&c->rejoin, str_c(c->joined.name[i]));
	c->joined.n = 0;
	c->want_room[0] = '\0';
	c->resume_id = c->last_id;
	c->sess.resume = c->last_id;
	c->want_tag = 0;
	c->who_requested = false;
	buf_clear(&c->list_entries);
	c->list_count = 0;
	buf_clear(&c->held);
	buf_clear(&c->who_room);
	buf_clear(&c->who_entries);
	c->who_count = 0;
	c->who_open = false;
	c->status = EXIT_CLEAN;
	c->why.text[0] = '\0';
}

static void start_handshake(struct core *c)
{
	c->state = CORE_HANDSHAKE;
	c->deadline_ms = mono_ms() + HANDSHAKE_TIMEOUT_MS;
}

int core_connect(struct core *c, const struct addr *a, const char *nick, struct errmsg *e)
{
	reset(c);
	c->state = CORE_IDLE;
	if (session_open(&c->sess, a, nick, e) < 0)
		return -1;
	start_handshake(c);
	return 0;
}

int core_attach(struct core *c, int fd, const char *where, const char *nick, struct errmsg *e)
{
	reset(c);
	c->state = CORE_IDLE;
	if (session_attach(&c->sess, fd, where, nick, e) < 0)
		return -1;
	start_handshake(c);
	return 0;
}

/* A request's protocol 3 tag (see core_int.h). */
static uint32_t next_tag(struct core *c, uint8_t type)
{
	uint32_t ref = c->ref;

	if (ref == 0) {
		c->seq = (c->seq % CORE_REF_MAX) + 1;
		ref = AUTO_REF | c->seq;
	}
	return ref << TAG_TYPE_BITS | type;
}

void core_set_ref(struct core *c, uint32_t ref)
{
	c->ref = ref == 0 ? 0 : (ref - 1) % CORE_REF_MAX + 1;
}

/* Send a request now, or hold it until WELCOME; *tag (if not NULL) is its tag. */
static int request_tagged(struct core *c, const struct frame *req, uint32_t *tag, struct errmsg *e)
{
	struct frame tagged = *req;
	const struct frame *f = &tagged;

	/* BYE answers a QUIT, never DONE: a tag would serve nothing. */
	tagged.tag = req->type == T_QUIT ? 0 : next_tag(c, req->type);
	if (tag != NULL)
		*tag = tagged.tag;
	switch (c->state) {
	case CORE_HANDSHAKE:
		if (proto_encode(&c->held, f) < 0) {
			errmsg_set(
			    e,
			    "cannot send a %s request: a field is longer than the protocol allows",
			    frame_type_name(f->type));
			return -1;
		}
		return 0;
	case CORE_READY: return session_send(&c->sess, f, e);
	case CORE_QUITTING:
		errmsg_set(e, "natter is quitting; the request was not sent");
		return -1;
	case CORE_IDLE:
	case CORE_DONE: break;
	}
	errmsg_set(e, "not connected to a server; the request was not sent");
	return -1;
}

static int request(struct core *c, const struct frame *f, struct errmsg *e)
{
	return request_tagged(c, f, NULL, e);
}

int core_request(struct core *c, const struct frame *f, struct errmsg *e)
{
	return request(c, f, e);
}

/*
 * The room our lines go to: a /join on its way counts already, since the
 * server handles requests in order. Empty before the first WELCOME, which
 * the server reads as #lobby.
 */
static const char *speak_room(const struct core *c)
{
	return c->want_room[0] != '\0' ? c->want_room : c->room;
}

int core_say(struct core *c, struct str text, unsigned flags, struct errmsg *e)
{
	struct frame f = {.type = T_SAY};

	f.f[SAY_TARGET].s = str_c(speak_room(c));
	f.f[SAY_FLAGS].n = flags;
	f.f[SAY_TEXT].s = text;
	return request(c, &f, e);
}

int core_who(struct core *c, struct str room, struct errmsg *e)
{
	struct frame f = {.type = T_WHO};

	f.f[WHO_TARGET].s = room;
	return request(c, &f, e);
}

static int emit_current(struct core *c);
static int enter_settled(struct core *c, uint32_t tag);

int core_switch(struct core *c, struct str room, struct errmsg *e)
{
	int i = rooms_find(&c->joined, room);

	if (i < 0) {
		errmsg_set(e, "you are not in %.*s; /join it first",
			   (int)utf8_truncate(room.p, room.len, MAX_ROOM_BYTES), room.p);
		return -1;
	}
	snprintf(c->room, sizeof c->room, "%s", c->joined.name[i]);
	c->want_room[0] = '\0';
	emit_current(c);
	return 0;
}

int core_join(struct core *c, struct str room, uint64_t after, struct errmsg *e)
{
	struct frame f = {.type = T_ENTER};
	uint32_t tag;

	/* Checked here too, so that the lines after a mistyped /join stay where they are. */
	if (!room_valid(room.p, room.len)) {
		errmsg_set(e,
			   "'%.*s' is not a room name: use # and 1 to %d letters, digits, _ - or .",
			   (int)utf8_truncate(room.p, room.len, 64), room.p, MAX_ROOM_BYTES - 1);
		return -1;
	}
	/* Entering again would replay the room's history: just switch to it. */
	if (c->state == CORE_READY && rooms_find(&c->joined, room) >= 0)
		return core_switch(c, room, e);
	/* natter --resume: the first entry of a room in this run gets what we missed there. */
	if (after == 0 && c->start_id != 0 && rooms_find(&c->resumed, room) < 0) {
		after = c->start_id;
		rooms_add(&c->resumed, room);
	}
	f.f[ENTER_ROOM].s = room;
	f.f[ENTER_AFTER].n = after;
	/* Its DONE or ERROR says the server handled it (see enter_settled). */
	if (request_tagged(c, &f, &tag, e) < 0)
		return -1;
	copy_str(c->want_room, sizeof c->want_room, room);
	c->want_tag = tag;
	return 0;
}

/* room, or the current room (see speak_room) when room is empty. */
static struct str or_current(const struct core *c, struct str room)
{
	if (room.len > 0)
		return room;
	return str_c(speak_room(c)[0] != '\0' ? speak_room(c) : DEFAULT_ROOM);
}

int core_part(struct core *c, struct str room, struct str reason, struct errmsg *e)
{
	struct frame f = {.type = T_PART};

	room = or_current(c, room);
	reason.len = utf8_truncate(reason.p, reason.len, MAX_REASON_BYTES);
	f.f[PART_ROOM].s = room;
	f.f[PART_REASON].s = reason;
	if (request(c, &f, e) < 0)
		return -1;
	/* Not to be entered again by a reconnect that comes before our LEAVE. */
	rooms_remove(&c->rejoin, room);
	return 0;
}

int core_quit(struct core *c, struct str reason, struct errmsg *e)
{
	struct frame f = {.type = T_QUIT};

	if (c->quit_requested || (c->state != CORE_HANDSHAKE && c->state != CORE_READY))
		return 0;
	/* The server would cut a longer reason; cutting here keeps the frame small. */
	reason.len = utf8_truncate(reason.p, reason.len, MAX_REASON_BYTES);
	f.f[QUIT_REASON].s = reason;
	if (request(c, &f, e) < 0)
		return -1;
	c->quit_requested = true;
	if (c->state == CORE_READY) {
		c->state = CORE_QUITTING;
		c->deadline_ms = mono_ms() + QUIT_TIMEOUT_MS;
	}
	return 0;
}

/* /join: "dev" means "#dev", as in other chat clients. */
static int exec_join(struct core *c, struct str arg, struct errmsg *e)
{
	char name[ROOM_NAME_BYTES];

	if (arg.len > 0 && arg.p[0] == '#')
		return core_join(c, arg, 0, e);
	if (arg.len + 2 > sizeof name) {
		errmsg_set(e, "a room name is at most %d bytes, # included", MAX_ROOM_BYTES);
		return -1;
	}
	name[0] = '#';
	memcpy(name + 1, arg.p, arg.len);
	return core_join(c, str_n(name, arg.len + 1), 0, e);
}

int core_exec(struct core *c, const struct command *cmd, struct errmsg *e)
{
	struct frame f;
	const char *why = "";
	int rc;

	/* What the core keeps track of; every other command is just its request. */
	switch (cmd->kind) {
	case CMD_SAY: return core_say(c, cmd->arg, 0, e);
	case CMD_ME: return core_say(c, cmd->arg, MSGF_ACTION, e);
	case CMD_QUIT: return core_quit(c, cmd->arg, e);
	case CMD_JOIN: return exec_join(c, cmd->arg, e);
	case CMD_PART: return core_part(c, cmd->target, cmd->arg, e);
	default: break;
	}
	rc = command_request(cmd, or_current(c, str_c("")), &f, &why);
	if (rc < 0)
		errmsg_set(e, "%s", why);
	return rc <= 0 ? (rc < 0 ? -1 : 1) : request(c, &f, e);
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
	int lab = session_timeout_ms(&c->sess, now_ms), ms;

	if (c->deadline_ms == 0)
		return lab;
	if (now_ms >= c->deadline_ms)
		return 0;
	ms = c->deadline_ms - now_ms > INT_MAX ? INT_MAX : (int)(c->deadline_ms - now_ms);
	return lab >= 0 && lab < ms ? lab : ms;
}

void core_tick(struct core *c, uint64_t now_ms)
{
	struct errmsg e;

	if (session_lab_overdue(&c->sess, now_ms, &e)) {
		core_abort(c, EXIT_LOST, "%s", e.text);
		session_close(&c->sess);
		return;
	}
	if (c->deadline_ms == 0 || now_ms < c->deadline_ms)
		return;
	if (c->state == CORE_HANDSHAKE)
		core_abort(c, EXIT_NO_SERVER, "the server at %s did not answer HELLO within %d s",
			   c->sess.where, HANDSHAKE_TIMEOUT_MS / 1000);
	else if (c->state == CORE_QUITTING)
		core_abort(
		    c, EXIT_LOST,
		    "the server at %s went silent for %d s without confirming QUIT; the last "
		    "messages may be lost",
		    c->sess.where, QUIT_TIMEOUT_MS / 1000);
	c->deadline_ms = 0;
	if (c->state == CORE_DONE)
		session_close(&c->sess);
}

/* The sentence for a connection that ended without BYE, by what we were doing. */
static void ended(struct core *c, const char *what)
{
	if (c->state == CORE_HANDSHAKE)
		core_abort(c, EXIT_LOST, "%s during the handshake", what);
	else if (c->state == CORE_QUITTING)
		core_abort(c, EXIT_LOST, "%s before confirming QUIT; the last messages may be lost",
			   what);
	else
		core_abort(c, EXIT_LOST, "%s", what);
}

void core_handle(struct core *c, short revents)
{
	struct errmsg e;

	switch (session_handle(&c->sess, revents, &e)) {
	case SESSION_OK:
	case SESSION_STOPPED: break;
	case SESSION_EOF:
	case SESSION_IO_ERROR: ended(c, e.text); break;
	case SESSION_PROTO_ERROR:
		if (c->state == CORE_HANDSHAKE)
			core_abort(c, EXIT_ERROR, "%s; is it really a natter server?", e.text);
		else
			core_abort(c, EXIT_ERROR, "%s; disconnecting", e.text);
		break;
	}
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
	c->resume_id = c->last_id;
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
	if (c->ops != NULL && c->ops->event != NULL)
		c->ops->event(c->ctx, &tagged);
	return c->state == CORE_DONE;
}

/* Copy an untrusted string into a fixed field, cut at a character boundary. */
static void copy_str(char *dst, size_t cap, struct str s)
{
	size_t n = utf8_truncate(s.p, s.len, cap - 1);

	if (n > 0)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
}

/*
 * Enter the rooms of the last connection again, each with ENTER(after = the
 * highest id seen then): exactly what we missed comes back (PROTOCOL.md
 * 3.6). A room stays in the set until its JOIN arrives.
 */
static void rejoin_rooms(struct core *c)
{
	struct frame f = {.type = T_ENTER};
	struct errmsg e;

	for (size_t i = 0; i < c->rejoin.n; i++) {
		bool current = rooms_same(c->room, str_c(c->rejoin.name[i]));

		f.f[ENTER_ROOM].s = str_c(c->rejoin.name[i]);
		f.f[ENTER_AFTER].n = c->resume_id;
		f.tag = next_tag(c, T_ENTER);
		/* A name of at most CORE_ROOM_BYTES always fits in a frame. */
		(void)session_send(&c->sess, &f, &e);
		/* If entering our current room fails, enter_settled takes us back to WELCOME's. */
		if (current) {
			copy_str(c->want_room, sizeof c->want_room, str_c(c->room));
			c->want_tag = f.tag;
		}
	}
}

/* Tell the front end that our lines now go to c->room. */
static int emit_current(struct core *c)
{
	struct event ev = {.kind = EV_CURRENT, .time = wall_ms()};

	ev.room = str_c(c->room);
	return core_emit(c, &ev);
}

static bool is_me(const struct core *c, struct str nick)
{
	return nick_equal(c->nick, strlen(c->nick), nick.p, nick.len);
}

/*
 * A JOIN. Ours adds the room to our set and, if /join asked for it, makes it
 * current (EV_CURRENT after the JOIN); the WHOREPLY that follows it is the
 * room's automatic listing.
 */
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
			copy_str(c->room, sizeof c->room, ev->room);
	}
	if (core_emit(c, ev))
		return 1;
	return now_current ? emit_current(c) : 0;
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
	return fell_back ? emit_current(c) : 0;
}

static int on_welcome(struct core *c, const struct frame *f)
{
	struct event ev = {.kind = EV_WELCOME, .time = wall_ms(), .where = c->sess.where};

	if (c->state != CORE_HANDSHAKE) {
		core_abort(c, EXIT_ERROR, "the server at %s sent a second WELCOME; disconnecting",
			   c->sess.where);
		return 1;
	}
	copy_str(c->nick, sizeof c->nick, f->f[WELCOME_NICK].s);
	copy_str(c->home, sizeof c->home, f->f[WELCOME_ROOM].s);
	/* After a reconnect we keep talking in our room, which rejoin_rooms enters again. */
	if (rooms_find(&c->rejoin, str_c(c->room)) < 0)
		copy_str(c->room, sizeof c->room, f->f[WELCOME_ROOM].s);
	c->state = CORE_READY;
	c->deadline_ms = 0;
	/* Before the held requests: a held SAY may be for one of these rooms. */
	rejoin_rooms(c);
	session_send_encoded(&c->sess, c->held.data, c->held.len);
	buf_clear(&c->held);
	if (c->quit_requested) {
		c->state = CORE_QUITTING;
		c->deadline_ms = mono_ms() + QUIT_TIMEOUT_MS;
	}
	ev.nick = f->f[WELCOME_NICK].s;
	ev.server = f->f[WELCOME_SERVER].s;
	ev.room = f->f[WELCOME_ROOM].s;
	ev.users = (uint32_t)f->f[WELCOME_USERS].n;
	return core_emit(c, &ev);
}

/* Render untrusted server text for our own one-line sentences. */
static void sanitized(char *dst, size_t cap, struct str s)
{
	struct buf b = {0};

	text_sanitize(&b, s.p, s.len, 0);
	copy_str(dst, cap, str_n((const char *)b.data, b.len));
	buf_free(&b);
}

static int on_error(struct core *c, const struct frame *f)
{
	struct event ev = {.kind = EV_ERROR, .time = wall_ms()};
	char text[ERRMSG_BYTES / 2];
	int stop;

	ev.code = (unsigned)f->f[ERROR_CODE].n;
	ev.text = f->f[ERROR_TEXT].s;
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
	struct event ev = {.kind = EV_BYE, .time = wall_ms()};
	char reason[ERRMSG_BYTES / 2];

	ev.reason = f->f[BYE_REASON].s;
	ev.code = (unsigned)f->f[BYE_CODE].n;
	core_emit(c, &ev);
	sanitized(reason, sizeof reason, ev.reason);
	if (c->state == CORE_QUITTING)
		core_abort(c, EXIT_CLEAN, "quit");
	else if (!bye_may_reconnect((unsigned)f->f[BYE_CODE].n))
		core_abort(c, EXIT_KICKED, "%s (the server at %s); /reconnect to come back", reason,
			   c->sess.where);
	else
		core_abort(c, EXIT_LOST, "disconnected by the server at %s: %s", c->sess.where,
			   reason);
	return 1;
}

/* MSG, JOIN, LEAVE, RENAME, NOTICE, TOPICIS and MISSED map field by field onto an event. */
static int on_notice(struct core *c, const struct frame *f)
{
	struct event ev = {.kind = EV_NOTICE};

	switch (f->type) {
	case T_MSG:
		ev.kind = EV_MSG;
		ev.id = f->f[MSG_ID].n;
		ev.time = f->f[MSG_TIME].n;
		ev.room = f->f[MSG_TARGET].s;
		ev.nick = f->f[MSG_FROM].s;
		ev.action = (f->f[MSG_FLAGS].n & MSGF_ACTION) != 0;
		ev.history = (f->f[MSG_FLAGS].n & MSGF_HISTORY) != 0;
		ev.text = f->f[MSG_TEXT].s;
		ev.private_msg = ev.room.len == 0 || ev.room.p[0] != '#';
		ev.own = is_me(c, ev.nick);
		if (ev.id > c->last_id)
			c->last_id = ev.id;
		break;
	case T_JOIN:
		ev.kind = EV_JOIN;
		ev.time = f->f[JOIN_TIME].n;
		ev.room = f->f[JOIN_ROOM].s;
		ev.nick = f->f[JOIN_NICK].s;
		ev.login = f->f[JOIN_LOGIN].s;
		return deliver_join(c, &ev);
	case T_LEAVE:
		ev.kind = EV_LEAVE;
		ev.time = f->f[LEAVE_TIME].n;
		ev.room = f->f[LEAVE_ROOM].s;
		ev.nick = f->f[LEAVE_NICK].s;
		ev.reason = f->f[LEAVE_REASON].s;
		return deliver_leave(c, &ev);
	case T_RENAME:
		ev.kind = EV_RENAME;
		ev.time = f->f[RENAME_TIME].n;
		ev.nick = f->f[RENAME_OLD].s;
		ev.new_nick = f->f[RENAME_NEW].s;
		if (nick_equal(c->nick, strlen(c->nick), ev.nick.p, ev.nick.len))
			copy_str(c->nick, sizeof c->nick, ev.new_nick);
		break;
	case T_TOPICIS:
		ev.kind = EV_TOPIC;
		/* A room that never had a topic has no time for it: say when we heard. */
		ev.time = f->f[TOPICIS_TIME].n != 0 ? f->f[TOPICIS_TIME].n : wall_ms();
		ev.room = f->f[TOPICIS_ROOM].s;
		ev.nick = f->f[TOPICIS_NICK].s;
		ev.text = f->f[TOPICIS_TEXT].s;
		break;
	case T_MISSED:
		ev.kind = EV_MISSED;
		ev.time = wall_ms();
		ev.room = f->f[MISSED_ROOM].s;
		ev.count = f->f[MISSED_COUNT].n;
		ev.first = f->f[MISSED_FIRST].n;
		ev.exact = f->f[MISSED_EXACT].n != 0;
		break;
	default:
		ev.time = f->f[NOTICE_TIME].n;
		ev.text = f->f[NOTICE_TEXT].s;
		break;
	}
	return core_emit(c, &ev);
}

/*
 * The DONE or ERROR that ends a /join's ENTER (or entering our current room
 * again on a reconnect): the server has handled it. A JOIN would have come
 * first and made the room current; without one we were in the room already
 * (switch to it now) or the ENTER failed: stay where we are, or, if we are
 * not in our current room, go back to WELCOME's room.
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
	return emit_current(c);
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
	struct event ev = {.kind = EV_DONE, .time = wall_ms()};

	ev.id = f->f[DONE_ID].n;
	if (core_emit(c, &ev))
		return 1;
	return enter_settled(c, (uint32_t)f->f[DONE_TAG].n);
}

static int on_frame_tagged(struct core *c, const struct frame *f)
{
	if (c->state == CORE_DONE)
		return 1;
	/*
	 * A server that holds our input back (PROTOCOL.md 3.9) may take long to
	 * reach the QUIT; what bounds the wait is silence, not the total time.
	 */
	if (c->state == CORE_QUITTING)
		c->deadline_ms = mono_ms() + QUIT_TIMEOUT_MS;
	switch (f->type) {
	case T_WELCOME: return on_welcome(c, f);
	case T_ERROR: return on_error(c, f);
	case T_BYE: return on_bye(c, f);
	case T_DONE: return on_done(c, f);
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
