/* SPDX-License-Identifier: ISC */
/* session.c - the connection to natterd: frame reassembly, output queue, keepalive answers. */
#include "session.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys.h"
#include "version.h"

enum { READ_CHUNK_BYTES = 16384 };

/* The plain layer's read: read(2). */
static ssize_t plain_read(struct session_io *io, struct session *s, void *p, size_t n)
{
	(void)io;
	return read(s->fd, p, n);
}

/* The plain layer's write: one send(2), which takes all the socket has room for. */
static ssize_t plain_write(struct session_io *io, struct session *s, const unsigned char *p,
			   size_t n)
{
	ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL);

	(void)io;
	return w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : w;
}

/* The plain layer holds no output back. */
static uint64_t plain_held(struct session_io *io, const struct session *s,
			   const struct errmsg **end)
{
	(void)io;
	(void)s;
	(void)end;
	return 0;
}

/* Stateless, so one serves every session. */
static struct session_io plain = {.read = plain_read, .write = plain_write, .held = plain_held};

/* Without --trace, frames are not shown. */
static void show_nothing(const struct session *s, enum trace_dir dir, const unsigned char *p,
			 size_t n)
{
	(void)s;
	(void)dir;
	(void)p;
	(void)n;
}

void session_init(struct session *s, session_frame_fn on_frame, void *ctx)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->io = &plain;
	s->show = show_nothing;
	s->server_uid = -1;
	s->on_frame = on_frame;
	s->ctx = ctx;
}

int session_open(struct session *s, const struct addr *a, const char *nick, struct errmsg *e)
{
	char where[SESSION_WHERE_BYTES];
	int fd;

	addr_format(a, where, sizeof where);
	fd = addr_connect(a, e);
	if (fd < 0)
		return -1;
	if (a->kind == ADDR_UNIX && addr_check_server(fd, a->path, s->server_uid, e) < 0) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return session_attach(s, fd, where, nick, e);
}

int session_attach(struct session *s, int fd, const char *where, const char *nick, struct errmsg *e)
{
	struct frame hello = {.type = T_HELLO};
	int saved;

	session_close(s);
	if (fd_nonblock_cloexec(fd) < 0) {
		saved = errno;
		errmsg_set(e, "cannot set up the connection to %s: %s", where, strerror(saved));
		close(fd);
		errno = saved;
		return -1;
	}
	hello.f[HELLO_VERSION].n = PROTO_VERSION;
	hello.f[HELLO_NICK].s = str_c(nick);
	hello.f[HELLO_CLIENT].s = str_c("natter/" NATTER_VERSION);
	hello.f[HELLO_RESUME].n = s->resume;
	if (proto_encode(&s->out, &hello) < 0) {
		errmsg_set(
		    e, "the nick is %zu bytes, far over the %d-byte limit; choose a shorter one",
		    strlen(nick), MAX_NICK_BYTES);
		close(fd);
		errno = EINVAL;
		return -1;
	}
	s->fd = fd;
	snprintf(s->where, sizeof s->where, "%s", where);
	/* For this connection only: every connection starts its faults afresh. */
	if (s->faults != NULL)
		lab_wrap(s);
	s->show = s->trace != NULL ? tracing_show : show_nothing;
	s->show(s, TRACE_OUT, s->out.data, s->out.len);
	return 0;
}

void session_close(struct session *s)
{
	if (s->fd >= 0)
		close(s->fd); /* nothing useful to do if close fails: the fd is gone either way */
	s->fd = -1;
	buf_clear(&s->in);
	buf_clear(&s->out);
	while (s->io != &plain) {
		struct session_io *below = s->io->below;

		free(s->io);
		s->io = below;
	}
}

void session_free(struct session *s)
{
	session_close(s);
	buf_free(&s->in);
	buf_free(&s->out);
}

/* Until when the layers hold output back (0: they do not); *end: the connection then ends. */
static uint64_t held(const struct session *s, const struct errmsg **end)
{
	*end = NULL;
	return s->io->held(s->io, s, end);
}

short session_poll_events(const struct session *s)
{
	const struct errmsg *end;
	uint64_t until = held(s, &end);
	bool go = end == NULL && mono_ms() >= until;

	return (short)(POLLIN | (s->out.len > 0 && go ? POLLOUT : 0));
}

bool session_lab_overdue(const struct session *s, uint64_t now_ms, struct errmsg *e)
{
	const struct errmsg *end;
	uint64_t until = held(s, &end);

	if (end == NULL || now_ms < until)
		return false;
	*e = *end;
	return true;
}

int session_timeout_ms(const struct session *s, uint64_t now_ms)
{
	const struct errmsg *end;
	uint64_t until = held(s, &end);

	if (until == 0 || (end == NULL && s->out.len == 0))
		return -1;
	return ms_until(now_ms, until);
}

size_t session_backlog(const struct session *s)
{
	return s->out.len;
}

int session_send(struct session *s, const struct frame *f, struct errmsg *e)
{
	size_t from = s->out.len;

	if (proto_encode(&s->out, f) < 0) {
		errmsg_set(e, "cannot send a %s frame: a field is longer than the protocol allows",
			   frame_type_name(f->type) ? frame_type_name(f->type) : "unknown");
		return -1;
	}
	s->show(s, TRACE_OUT, s->out.data + from, s->out.len - from);
	return 0;
}

void session_send_encoded(struct session *s, const void *p, size_t n)
{
	size_t from = s->out.len;

	buf_append(&s->out, p, n);
	s->show(s, TRACE_OUT, s->out.data + from, s->out.len - from);
}

static enum session_result bad_frame(struct session *s, int code, uint8_t type, struct errmsg *e)
{
	if (code == ERR_UNKNOWN_TYPE)
		errmsg_set(
		    e,
		    "the server at %s sent a frame of unknown type 0x%02x; is it a newer natterd?",
		    s->where, type);
	else
		errmsg_set(e, "the server at %s sent a malformed %s frame", s->where,
			   frame_type_name(type));
	return SESSION_PROTO_ERROR;
}

/* Check one decoded frame's direction and answer PINGs; 1 if it is for the callback. */
static int screen_frame(struct session *s, const struct frame *f, struct errmsg *e)
{
	struct frame pong = {.type = T_PONG};

	if (!(frame_type_dir(f->type) & DIR_S2C)) {
		errmsg_set(e, "the server at %s sent a %s frame, which only clients may send",
			   s->where, frame_type_name(f->type));
		return -1;
	}
	if (f->type != T_PING)
		return 1;
	pong.f[PING_TOKEN].n = f->f[PING_TOKEN].n;
	/* A PONG is 13 bytes; encoding it cannot fail. */
	(void)session_send(s, &pong, e);
	return 0;
}

/* Deliver every whole frame in the input buffer, then drop their bytes. */
static enum session_result deliver_frames(struct session *s, struct errmsg *e)
{
	enum session_result r = SESSION_OK;
	size_t at = 0;

	while (r == SESSION_OK && at < s->in.len) {
		const unsigned char *p = s->in.data + at;
		long size = frame_complete(p, s->in.len - at);
		struct frame f;
		int code, verdict;

		if (size == 0)
			break;
		s->show(s, TRACE_IN, p, size > 0 ? (size_t)size : FRAME_HEADER_BYTES);
		if (size < 0) {
			errmsg_set(e,
				   "the server at %s announced a frame of %lu bytes, outside the 1 "
				   "to %d the protocol allows",
				   s->where, (unsigned long)frame_body_len(p), MAX_BODY_BYTES);
			return SESSION_PROTO_ERROR;
		}
		code = proto_decode(p + FRAME_HEADER_BYTES, (size_t)size - FRAME_HEADER_BYTES, &f);
		if (code != 0)
			return bad_frame(s, code, p[FRAME_HEADER_BYTES], e);
		verdict = screen_frame(s, &f, e);
		if (verdict < 0)
			return SESSION_PROTO_ERROR;
		at += (size_t)size;
		if (verdict > 0 && s->on_frame(s->ctx, &f) != 0)
			r = SESSION_STOPPED;
	}
	buf_consume(&s->in, at);
	return r;
}

/* The connection is over: a layer that ends it on purpose says why, else the socket (errno). */
static enum session_result lost(const struct session *s, ssize_t n, struct errmsg *e)
{
	const struct errmsg *end;

	held(s, &end);
	if (end != NULL)
		*e = *end;
	else if (n == 0)
		errmsg_set(e, "the server at %s closed the connection", s->where);
	else
		errmsg_set(e, "lost the connection to %s: %s", s->where, strerror(errno));
	return n == 0 && end == NULL ? SESSION_EOF : SESSION_IO_ERROR;
}

enum session_result session_handle(struct session *s, short revents, struct errmsg *e)
{
	enum session_result r = SESSION_OK;
	ssize_t n;

	if (s->fd < 0)
		return SESSION_OK;
	if (revents & POLLNVAL) {
		errmsg_set(e, "the connection to %s is no longer open", s->where);
		return SESSION_IO_ERROR;
	}
	/* Read first: a BYE waiting in the input explains a write error that would follow. */
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		buf_reserve(&s->in, READ_CHUNK_BYTES);
		n = s->io->read(s->io, s, s->in.data + s->in.len, s->in.cap - s->in.len);
		/* A signal, or nothing to read: poll says when to try again. */
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			return lost(s, n, e);
		if (n > 0) {
			s->in.len += (size_t)n;
			s->heard_ms = mono_ms();
			s->heard = true;
		}
		r = deliver_frames(s, e);
	}
	if (r != SESSION_OK || !(revents & POLLOUT) || s->out.len == 0)
		return r;
	n = s->io->write(s->io, s, s->out.data, s->out.len);
	if (n < 0)
		return lost(s, n, e);
	buf_consume(&s->out, (size_t)n);
	return SESSION_OK;
}
