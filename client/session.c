/* SPDX-License-Identifier: ISC */
/* session.c - the connection to natterd: frame reassembly, output queue, keepalive answers. */
#include "session.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys.h"
#include "version.h"

#define CLIENT_NAME "natter/" NATTER_VERSION

enum { READ_CHUNK_BYTES = 16384 };

void session_init(struct session *s, session_frame_fn on_frame, void *ctx)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
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

/* Show on the trace, if on, the frames queued from out.data + from onwards. */
static void trace_queued(struct session *s, size_t from)
{
	const char *stamp;
	char peer[SESSION_WHERE_BYTES + 16];

	s->lab_wake_ms = 0; /* a merge waiting for frames may have its frames now */
	if (s->trace == NULL)
		return;
	stamp = trace_sink_stamp(s->trace);
	snprintf(peer, sizeof peer, "natterd at %s", s->where);
	while (from < s->out.len) {
		long whole = frame_complete(s->out.data + from, s->out.len - from);
		size_t take = whole > 0 ? (size_t)whole : s->out.len - from;

		trace_frame(&s->trace->buf, stamp, TRACE_OUT, peer, s->out.data + from, take);
		from += take;
	}
	/* A trace that cannot be written stops; main reports it at the end. */
	if (trace_write(s->trace) < 0)
		s->trace = NULL;
}

/* Show a frame (or bad bytes) that arrived, if tracing. */
static void trace_received(struct session *s, const unsigned char *p, size_t n)
{
	char peer[SESSION_WHERE_BYTES + 16];

	snprintf(peer, sizeof peer, "natterd at %s", s->where);
	trace_frame(&s->trace->buf, trace_sink_stamp(s->trace), TRACE_IN, peer, p, n);
	if (trace_write(s->trace) < 0)
		s->trace = NULL;
}

/* Show a lab fault taking effect, if tracing. */
static void trace_fault(struct session *s, const char *what)
{
	char peer[SESSION_WHERE_BYTES + 16];

	if (s->trace == NULL)
		return;
	snprintf(peer, sizeof peer, "natterd at %s", s->where);
	trace_note(&s->trace->buf, trace_sink_stamp(s->trace), peer, what);
	if (trace_write(s->trace) < 0)
		s->trace = NULL;
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
	hello.f[HELLO_CLIENT].s = str_c(CLIENT_NAME);
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
	trace_queued(s, 0);
	return 0;
}

void session_close(struct session *s)
{
	if (s->fd >= 0)
		close(s->fd); /* nothing useful to do if close fails: the fd is gone either way */
	s->fd = -1;
	buf_clear(&s->in);
	buf_clear(&s->out);
	memset(&s->lab, 0, sizeof s->lab); /* every connection starts its faults afresh */
	s->lab_wake_ms = 0;
	s->lab_dropped = false;
}

void session_free(struct session *s)
{
	session_close(s);
	buf_free(&s->in);
	buf_free(&s->out);
}

short session_poll_events(const struct session *s)
{
	bool held = s->lab_dropped || (s->lab_wake_ms != 0 && mono_ms() < s->lab_wake_ms);

	return (short)(POLLIN | (s->out.len > 0 && !held ? POLLOUT : 0));
}

bool session_lab_overdue(const struct session *s, uint64_t now_ms, struct errmsg *e)
{
	if (!s->lab_dropped || now_ms < s->lab_drop_deadline_ms)
		return false;
	*e = s->lab_why;
	return true;
}

int session_timeout_ms(const struct session *s, uint64_t now_ms)
{
	if (s->lab_dropped)
		return now_ms >= s->lab_drop_deadline_ms ? 0
							 : (int)(s->lab_drop_deadline_ms - now_ms);
	if (s->out.len == 0 || s->lab_wake_ms == 0)
		return -1;
	if (now_ms >= s->lab_wake_ms)
		return 0;
	return s->lab_wake_ms - now_ms > INT_MAX ? INT_MAX : (int)(s->lab_wake_ms - now_ms);
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
	trace_queued(s, from);
	return 0;
}

void session_send_encoded(struct session *s, const void *p, size_t n)
{
	size_t from = s->out.len;

	buf_append(&s->out, p, n);
	trace_queued(s, from);
}

/* One read into the input buffer. */
static enum session_result read_some(struct session *s, struct errmsg *e)
{
	ssize_t n;

	buf_reserve(&s->in, READ_CHUNK_BYTES);
	for (;;) {
		n = read(s->fd, s->in.data + s->in.len, s->in.cap - s->in.len);
		if (n > 0) {
			s->in.len += (size_t)n;
			s->heard_ms = mono_ms();
			return SESSION_OK;
		}
		if (n == 0) {
			errmsg_set(e, "the server at %s closed the connection", s->where);
			return SESSION_EOF;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return SESSION_OK;
		errmsg_set(e, "lost the connection to %s: %s", s->where, strerror(errno));
		return SESSION_IO_ERROR;
	}
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
	size_t from = s->out.len;

	if (!(frame_type_dir(f->type) & DIR_S2C)) {
		errmsg_set(e, "the server at %s sent a %s frame, which only clients may send",
			   s->where, frame_type_name(f->type));
		return -1;
	}
	if (f->type != T_PING)
		return 1;
	pong.f[PING_TOKEN].n = f->f[PING_TOKEN].n;
	/* A PONG is 13 bytes; encoding it cannot fail. */
	(void)proto_encode(&s->out, &pong);
	trace_queued(s, from);
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
		if (s->trace != NULL)
			trace_received(s, p, size > 0 ? (size_t)size : FRAME_HEADER_BYTES);
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

/* Say on the trace what the fault does to the chunk lab_next just began. */
static void note_chunk(struct session *s)
{
	const struct lab_state *st = &s->lab;
	char what[192];

	if (st->chunk_frames == 0)
		snprintf(
		    what, sizeof what,
		    "lab fault drop=%u: after %llu whole frames, only %zu of the next frame's %zu "
		    "bytes are written, then the connection is closed",
		    s->faults->drop_after, (unsigned long long)st->frames_done, st->chunk_bytes,
		    st->drop_frame_bytes);
	else if (st->chunk_frames > 1)
		snprintf(
		    what, sizeof what,
		    "lab fault merge=%u: the next %u frames (%zu bytes) go out in one write()%s",
		    s->faults->merge, st->chunk_frames, st->chunk_bytes,
		    s->faults->bytewise ? ", made of one-byte writes (bytewise)" : "");
	else if (s->faults->bytewise)
		snprintf(
		    what, sizeof what,
		    "lab fault bytewise: the next frame (%zu bytes) goes out one byte per write()",
		    st->chunk_bytes);
	else
		return;
	trace_fault(s, what);
}

/*
 * drop=N: the half frame is out; shut our sending side, so the server reads
 * end of file in the middle of the frame. We keep reading (and ignoring)
 * until it closes, at most LAB_DROP_LINGER_MS: closing at once could make
 * the server's next write fail before it ever read the half frame.
 */
static enum session_result drop_now(struct session *s, struct errmsg *e)
{
	errmsg_set(&s->lab_why,
		   "lab fault drop=%u: wrote %zu of the %zu bytes of frame %llu to %s and closed "
		   "the connection on purpose",
		   s->faults->drop_after, s->lab.chunk_bytes, s->lab.drop_frame_bytes,
		   (unsigned long long)s->lab.frames_done + 1, s->where);
	if (shutdown(s->fd, SHUT_WR) < 0) {
		*e = s->lab_why;
		return SESSION_IO_ERROR;
	}
	trace_fault(s, "lab fault drop: our side of the connection is closed (shutdown); the "
		       "server reads end of file in the middle of a frame");
	s->lab_dropped = true;
	s->lab_drop_deadline_ms = mono_ms() + LAB_DROP_LINGER_MS;
	buf_clear(&s->out);
	return SESSION_OK;
}

/* After a drop: read and ignore what the server still sends, until it closes. */
static enum session_result drain_dropped(struct session *s, struct errmsg *e)
{
	char scratch[READ_CHUNK_BYTES];
	ssize_t n = read(s->fd, scratch, sizeof scratch);

	if (n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)))
		return SESSION_OK;
	*e = s->lab_why;
	return SESSION_IO_ERROR;
}

/*
 * Write queued output as --lab-faults asks, a planned chunk at a time. A
 * bytewise or delayed write is one per call, so the poll loop (and the
 * server) run between them; a delay or a merge that holds is a wake-up
 * time for the poll loop's timeout, never a sleep.
 */
static enum session_result flush_faulty(struct session *s, struct errmsg *e)
{
	s->lab_wake_ms = 0;
	for (;;) {
		uint64_t now = mono_ms(), wake;
		size_t len;
		ssize_t n;
		enum lab_action a =
		    lab_next(s->faults, &s->lab, s->out.data, s->out.len, now, &len, &wake);

		if (s->lab.chunk_started)
			note_chunk(s);
		if (a == LAB_CLOSE)
			return drop_now(s, e);
		if (a == LAB_WAIT) {
			s->lab_wake_ms = wake;
			return SESSION_OK;
		}
		n = send(s->fd, s->out.data, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return SESSION_OK;
			errmsg_set(e, "lost the connection to %s: %s", s->where, strerror(errno));
			return SESSION_IO_ERROR;
		}
		lab_wrote(s->faults, &s->lab, s->out.data, s->out.len, (size_t)n, now);
		buf_consume(&s->out, (size_t)n);
		if (s->faults->bytewise || s->faults->delay_ms > 0)
			return SESSION_OK;
	}
}

/* Write as much queued output as the socket takes now. */
static enum session_result flush_out(struct session *s, struct errmsg *e)
{
	enum session_result r = SESSION_OK;
	size_t done = 0;

	if (s->faults != NULL)
		return flush_faulty(s, e);

	while (done < s->out.len) {
		ssize_t n = send(s->fd, s->out.data + done, s->out.len - done, MSG_NOSIGNAL);

		if (n >= 0) {
			done += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			errmsg_set(e, "lost the connection to %s: %s", s->where, strerror(errno));
			r = SESSION_IO_ERROR;
		}
		break;
	}
	buf_consume(&s->out, done);
	return r;
}

enum session_result session_handle(struct session *s, short revents, struct errmsg *e)
{
	enum session_result r;

	if (s->fd < 0)
		return SESSION_OK;
	if (revents & POLLNVAL) {
		errmsg_set(e, "the connection to %s is no longer open", s->where);
		return SESSION_IO_ERROR;
	}
	if (s->lab_dropped)
		return drain_dropped(s, e);
	/* Read first: a BYE waiting in the input explains a write error that would follow. */
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		r = read_some(s, e);
		if (r != SESSION_OK)
			return r;
		r = deliver_frames(s, e);
		if (r != SESSION_OK)
			return r;
	}
	if ((revents & POLLOUT) && s->out.len > 0)
		return flush_out(s, e);
	return SESSION_OK;
}
