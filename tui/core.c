/* core.c - the client core: handshake, held requests, frames turned into events, exit status. */
#include "core.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys.h"
#include "text.h"

static int on_frame(void *ctx, const struct frame *f);

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

/* Forget everything about an earlier connection. */
static void reset(struct core *c)
{
	session_close(&c->sess);
	c->quit_requested = false;
	c->nick[0] = '\0';
	c->room[0] = '\0';
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

/* Send a request now, or hold it until WELCOME. */
static int request(struct core *c, const struct frame *f, struct errmsg *e)
{
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

int core_say(struct core *c, struct str text, unsigned flags, struct errmsg *e)
{
	struct frame f = {.type = T_SAY};

	f.f[SAY_TARGET].s = str_c("");
	f.f[SAY_FLAGS].n = flags;
	f.f[SAY_TEXT].s = text;
	return request(c, &f, e);
}

int core_nick(struct core *c, struct str nick, struct errmsg *e)
{
	struct frame f = {.type = T_NICK};

	f.f[NICK_NICK].s = nick;
	return request(c, &f, e);
}

int core_who(struct core *c, struct str room, struct errmsg *e)
{
	struct frame f = {.type = T_WHO};

	f.f[WHO_TARGET].s = room;
	return request(c, &f, e);
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

int core_exec(struct core *c, const struct command *cmd, struct errmsg *e)
{
	switch (cmd->kind) {
	case CMD_SAY: return core_say(c, cmd->arg, 0, e);
	case CMD_ME: return core_say(c, cmd->arg, MSGF_ACTION, e);
	case CMD_NICK: return core_nick(c, cmd->arg, e);
	case CMD_WHO: return core_who(c, cmd->arg, e);
	case CMD_QUIT: return core_quit(c, cmd->arg, e);
	case CMD_EMPTY:
	case CMD_HELP:
	case CMD_UNKNOWN:
	case CMD_MISSING_ARG: break;
	}
	return 1;
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
	if (c->deadline_ms == 0)
		return -1;
	if (now_ms >= c->deadline_ms)
		return 0;
	return c->deadline_ms - now_ms > INT_MAX ? INT_MAX : (int)(c->deadline_ms - now_ms);
}

void core_tick(struct core *c, uint64_t now_ms)
{
	if (c->deadline_ms == 0 || now_ms < c->deadline_ms)
		return;
	if (c->state == CORE_HANDSHAKE)
		core_abort(c, EXIT_NO_SERVER, "the server at %s did not answer HELLO within %d s",
		           c->sess.where, HANDSHAKE_TIMEOUT_MS / 1000);
	else if (c->state == CORE_QUITTING)
		core_abort(
		    c, EXIT_LOST,
		    "the server at %s did not confirm QUIT within %d s; the last messages may "
		    "be lost",
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

/* Give ev to the front end; 1 if the front end ended the client meanwhile. */
static int emit(struct core *c, const struct event *ev)
{
	if (c->ops != NULL && c->ops->event != NULL)
		c->ops->event(c->ctx, ev);
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

static int on_welcome(struct core *c, const struct frame *f)
{
	struct event ev = {.kind = EV_WELCOME, .time = wall_ms(), .where = c->sess.where};

	if (c->state != CORE_HANDSHAKE) {
		core_abort(c, EXIT_ERROR, "the server at %s sent a second WELCOME; disconnecting",
		           c->sess.where);
		return 1;
	}
	copy_str(c->nick, sizeof c->nick, f->f[WELCOME_NICK].s);
	copy_str(c->room, sizeof c->room, f->f[WELCOME_ROOM].s);
	c->state = CORE_READY;
	c->deadline_ms = 0;
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
	return emit(c, &ev);
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
	stop = emit(c, &ev);
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
	return stop;
}

static int on_bye(struct core *c, const struct frame *f)
{
	struct event ev = {.kind = EV_BYE, .time = wall_ms()};
	char reason[ERRMSG_BYTES / 2];

	ev.reason = f->f[BYE_REASON].s;
	emit(c, &ev);
	sanitized(reason, sizeof reason, ev.reason);
	if (c->state == CORE_QUITTING)
		core_abort(c, EXIT_CLEAN, "quit");
	else
		core_abort(c, EXIT_LOST, "disconnected by the server at %s: %s", c->sess.where,
		           reason);
	return 1;
}

/* Deliver the room listing gathered so far as one event. */
static int who_deliver(struct core *c)
{
	struct event ev = {.kind = EV_WHO, .time = wall_ms()};
	const unsigned char *p = c->who_entries.data;
	size_t n = c->who_entries.len;
	struct who_entry *list = xcalloc(c->who_count, sizeof *list);
	int stop;

	/* The entries were checked when they arrived, so who_next cannot fail here. */
	for (size_t i = 0; i < c->who_count; i++)
		(void)who_next(&p, &n, &list[i]);
	ev.room = str_n((const char *)c->who_room.data, c->who_room.len);
	ev.who = list;
	ev.who_len = c->who_count;
	stop = emit(c, &ev);
	free(list);
	buf_clear(&c->who_entries);
	c->who_count = 0;
	c->who_open = false;
	return stop;
}

static bool buf_equals(const struct buf *b, struct str s)
{
	return b->len == s.len && (s.len == 0 || memcmp(b->data, s.p, s.len) == 0);
}

/* Gather WHOREPLY frames until one says more=0, then deliver the whole listing. */
static int on_whoreply(struct core *c, const struct frame *f)
{
	struct str room = f->f[WHOREPLY_ROOM].s;
	size_t count = (size_t)f->f[WHOREPLY_COUNT].n, left = f->rest_len;
	const unsigned char *p = f->rest;
	struct who_entry entry;
	size_t used;

	for (size_t i = 0; i < count; i++) {
		if (who_next(&p, &left, &entry) != 1) {
			core_abort(
			    c, EXIT_ERROR,
			    "the server at %s sent a malformed WHOREPLY frame; disconnecting",
			    c->sess.where);
			return 1;
		}
	}
	used = f->rest_len - left;
	if (c->who_open &&
	    (!buf_equals(&c->who_room, room) || c->who_entries.len + used > MAX_WHO_BYTES)) {
		if (who_deliver(c))
			return 1;
	}
	if (!c->who_open) {
		buf_clear(&c->who_room);
		buf_append(&c->who_room, room.p, room.len);
		c->who_open = true;
	}
	buf_append(&c->who_entries, f->rest, used);
	c->who_count += count;
	return f->f[WHOREPLY_MORE].n ? 0 : who_deliver(c);
}

/* MSG, JOIN, LEAVE, RENAME and NOTICE map field by field onto an event. */
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
		ev.text = f->f[MSG_TEXT].s;
		break;
	case T_JOIN:
		ev.kind = EV_JOIN;
		ev.time = f->f[JOIN_TIME].n;
		ev.room = f->f[JOIN_ROOM].s;
		ev.nick = f->f[JOIN_NICK].s;
		ev.login = f->f[JOIN_LOGIN].s;
		break;
	case T_LEAVE:
		ev.kind = EV_LEAVE;
		ev.time = f->f[LEAVE_TIME].n;
		ev.room = f->f[LEAVE_ROOM].s;
		ev.nick = f->f[LEAVE_NICK].s;
		ev.reason = f->f[LEAVE_REASON].s;
		break;
	case T_RENAME:
		ev.kind = EV_RENAME;
		ev.time = f->f[RENAME_TIME].n;
		ev.nick = f->f[RENAME_OLD].s;
		ev.new_nick = f->f[RENAME_NEW].s;
		if (nick_equal(c->nick, strlen(c->nick), ev.nick.p, ev.nick.len))
			copy_str(c->nick, sizeof c->nick, ev.new_nick);
		break;
	default:
		ev.time = f->f[NOTICE_TIME].n;
		ev.text = f->f[NOTICE_TEXT].s;
		break;
	}
	return emit(c, &ev);
}

static int on_frame(void *ctx, const struct frame *f)
{
	struct core *c = ctx;

	if (c->state == CORE_DONE)
		return 1;
	switch (f->type) {
	case T_WELCOME: return on_welcome(c, f);
	case T_ERROR: return on_error(c, f);
	case T_BYE: return on_bye(c, f);
	case T_PONG: return 0;
	default: break;
	}
	if (c->state == CORE_HANDSHAKE) {
		core_abort(c, EXIT_ERROR, "the server at %s sent %s before WELCOME; disconnecting",
		           c->sess.where, frame_type_name(f->type));
		return 1;
	}
	if (f->type == T_WHOREPLY)
		return on_whoreply(c, f);
	return on_notice(c, f);
}
