/* SPDX-License-Identifier: ISC */
/* conn.c - the benchmark's client side: many non-blocking connections in one epoll set. */
#include "conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "errmsg.h"
#include "payload.h"
#include "sys.h"
#include "target.h"

enum {
	READ_BYTES = 256 * 1024,
	READS_PER_WAKEUP = 4,	/* more reads on one socket only while each fills the buffer */
	EVENTS_PER_STEP = 1024, /* epoll events taken per step; the rest wait for the next */
};

void fleet_init(struct fleet *f, const struct target *t, size_t cap, text_fn fn, void *ctx)
{
	memset(f, 0, sizeof *f);
	f->conns = xcalloc(cap ? cap : 1, sizeof *f->conns);
	f->cap = cap;
	f->scratch = xmalloc(MAX_FRAME_BYTES + READ_BYTES);
	f->target = t;
	f->on_text = fn;
	f->ctx = ctx;
	f->last_progress_ns = now_ns();
	/* epoll, not poll: each step costs what is ready, not every connection (1000 and up). */
	f->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (f->epfd < 0)
		fatal("epoll_create1: %s", strerror(errno));
}

void fleet_free(struct fleet *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct conn *c = &f->conns[i];

		if (c->fd >= 0 && close(c->fd) < 0)
			fprintf(stderr, "natter-bench: close %s: %s\n", c->nick, strerror(errno));
		buf_free(&c->part);
		buf_free(&c->out);
		free(c->seen);
	}
	if (f->epfd >= 0 && close(f->epfd) < 0)
		fprintf(stderr, "natter-bench: close epoll: %s\n", strerror(errno));
	free(f->conns);
	free(f->scratch);
	memset(f, 0, sizeof *f);
	f->epfd = -1;
}

void fleet_fail(struct fleet *f, const char *fmt, ...)
{
	va_list ap;

	if (f->failed)
		return;
	f->failed = true;
	va_start(ap, fmt);
	vsnprintf(f->err, sizeof f->err, fmt, ap);
	va_end(ap);
}

/* A blocking connect bounded by CONNECT_TIMEOUT_MS (SO_SNDTIMEO), then non-blocking. */
static int open_socket(const struct target *t, char *why, size_t cap)
{
	struct timeval tv = {CONNECT_TIMEOUT_MS / 1000, 0};
	int fd = socket(t->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0) {
		snprintf(why, cap, "socket: %s%s", strerror(errno),
			 errno == EMFILE ? " (raise the descriptor limit: ulimit -n)" : "");
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ||
	    connect(fd, (const struct sockaddr *)&t->sa, t->salen) < 0) {
		snprintf(why, cap, "%s",
			 errno == EINPROGRESS || errno == EAGAIN ? "connect timed out"
								 : strerror(errno));
		close(fd);
		return -1;
	}
	if ((t->transport == TRANSPORT_TCP &&
	     setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) ||
	    fd_nonblock_cloexec(fd) < 0) {
		snprintf(why, cap, "setting up the socket: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void queue_frame(struct conn *c, const struct frame *fr)
{
	if (proto_encode(&c->out, fr) < 0)
		fatal("cannot encode a %s frame", frame_type_name(fr->type));
}

/* The first thing a connection says: HELLO, or a line client's NICK line. */
static void queue_greeting(struct conn *c, const char *nick)
{
	struct frame hello = {.type = T_HELLO};

	if (c->line) {
		buf_printf(&c->out, "NICK %s\n", nick);
		return;
	}
	hello.f[HELLO_VERSION].n = PROTO_VERSION;
	hello.f[HELLO_NICK].s = str_c(nick);
	hello.f[HELLO_CLIENT].s = str_c("natter-bench");
	queue_frame(c, &hello);
}

struct conn *fleet_connect(struct fleet *f, const struct conn_spec *spec)
{
	struct epoll_event ev = {.events = EPOLLIN};
	char why[256];
	struct conn *c;
	int fd;

	if (f->n == f->cap) {
		fleet_fail(f, "more connections than planned (a bug)");
		return NULL;
	}
	fd = open_socket(f->target, why, sizeof why);
	if (fd < 0) {
		fleet_fail(f, "cannot connect %s to %s (%zu connected so far): %s", spec->nick,
			   f->target->where, f->n, why);
		return NULL;
	}
	ev.data.u64 = f->n;
	if (epoll_ctl(f->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		fleet_fail(f, "epoll_ctl: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	c = &f->conns[f->n++];
	memset(c, 0, sizeof *c);
	c->fd = fd;
	c->epfd = f->epfd;
	c->slot = f->n - 1;
	c->role = spec->role;
	c->index = spec->index;
	c->room_index = spec->room_index;
	c->line = spec->line;
	snprintf(c->nick, sizeof c->nick, "%s", spec->nick);
	snprintf(c->room, sizeof c->room, "%s", spec->room ? spec->room : "");
	queue_greeting(c, spec->nick);
	if (conn_flush(c) < 0) {
		fleet_fail(f, "cannot write to the server on %s's connection: %s", c->nick,
			   strerror(errno));
		return NULL;
	}
	return c;
}

void conn_say(struct conn *c, const char *text, size_t len)
{
	struct frame say = {.type = T_SAY};

	say.f[SAY_TARGET].s = str_c(c->room);
	say.f[SAY_TEXT].s = str_n(text, len);
	queue_frame(c, &say);
}

/* Ask for EPOLLOUT only while output waits, so a step never wakes for an idle writer. */
static int arm(struct conn *c, bool want)
{
	struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0u), .data.u64 = c->slot};

	if (c->out_armed == want)
		return 0;
	if (epoll_ctl(c->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		return -1;
	c->out_armed = want;
	return 0;
}

int conn_flush(struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t w = write(c->fd, c->out.data + c->out_off, c->out.len - c->out_off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		c->out_off += (size_t)w;
	}
	if (c->out_off == c->out.len) {
		c->out.len = 0;
		c->out_off = 0;
	} else if (c->out_off > 65536) {
		buf_consume(&c->out, c->out_off);
		c->out_off = 0;
	}
	return arm(c, c->out_off < c->out.len);
}

void conn_set_ready(struct fleet *f, struct conn *c)
{
	if (c->ready)
		return;
	c->ready = true;
	f->ready++;
	f->last_progress_ns = now_ns();
}

/* WELCOME: keep the nick natterd gave, then ENTER the room if there is one. */
static void welcomed(struct fleet *f, struct conn *c, const struct frame *fr)
{
	struct frame enter = {.type = T_ENTER};
	struct str nick = fr->f[WELCOME_NICK].s;

	if (nick.len > 0 && nick.len <= MAX_NICK_BYTES) {
		memcpy(c->nick, nick.p, nick.len);
		c->nick[nick.len] = '\0';
	}
	if (c->room[0] == '\0') {
		conn_set_ready(f, c);
		return;
	}
	enter.f[ENTER_ROOM].s = str_c(c->room);
	queue_frame(c, &enter);
	f->last_progress_ns = now_ns();
}

/* Frames every connection handles the same way; false if the connection failed. */
static bool common_frame(struct fleet *f, struct conn *c, const struct frame *fr)
{
	switch (fr->type) {
	case T_PING: {
		struct frame pong = {.type = T_PONG};

		pong.f[PING_TOKEN].n = fr->f[PING_TOKEN].n;
		queue_frame(c, &pong);
		return true;
	}
	case T_WELCOME:
		if (!c->ready)
			welcomed(f, c, fr);
		return true;
	case T_JOIN:
		if (!c->ready && str_eq(fr->f[JOIN_ROOM].s, c->room) &&
		    str_eq(fr->f[JOIN_NICK].s, c->nick))
			conn_set_ready(f, c);
		return true;
	case T_ERROR:
		fleet_fail(f, "the server sent %s ERROR %u (%s): %.*s", c->nick,
			   (unsigned)fr->f[ERROR_CODE].n,
			   error_code_name((unsigned)fr->f[ERROR_CODE].n),
			   (int)fr->f[ERROR_TEXT].s.len, fr->f[ERROR_TEXT].s.p);
		return false;
	case T_BYE:
		fleet_fail(f, "the server said BYE to %s: %.*s", c->nick,
			   (int)fr->f[BYE_REASON].s.len, fr->f[BYE_REASON].s.p);
		return false;
	default: return true;
	}
}

/* A MSG or SAY: hand its payload text on (senders only drain their copies); false if malformed. */
static bool message_frame(struct fleet *f, struct conn *c, const unsigned char *body, size_t n,
			  uint64_t now)
{
	struct str text;
	int rc;

	if (c->role == ROLE_SENDER)
		return true;
	rc = payload_of_body(body, n, &text);
	if (rc < 0) {
		fleet_fail(f, "%s got a malformed frame of type 0x%02x", c->nick, body[0]);
		return false;
	}
	if (rc > 0)
		f->on_text(f, c, text, now);
	return true;
}

/* Decode and dispatch the whole frames in p[0..n); returns bytes used, or -1. */
static long dispatch(struct fleet *f, struct conn *c, const unsigned char *p, size_t n,
		     uint64_t now)
{
	size_t at = 0;

	for (;;) {
		long whole = frame_complete(p + at, n - at);
		const unsigned char *body = p + at + FRAME_HEADER_BYTES;
		size_t blen;
		struct frame fr;

		if (whole < 0) {
			fleet_fail(f, "%s got a frame length of %lu bytes, out of range", c->nick,
				   (unsigned long)frame_body_len(p + at));
			return -1;
		}
		if (whole == 0)
			return (long)at;
		at += (size_t)whole;
		blen = (size_t)whole - FRAME_HEADER_BYTES;
		if (body[0] == T_MSG || body[0] == T_SAY) {
			if (!message_frame(f, c, body, blen, now))
				return -1;
			continue;
		}
		if (proto_decode(body, blen, &fr) != 0) {
			fleet_fail(f, "%s got a malformed frame of type 0x%02x", c->nick, body[0]);
			return -1;
		}
		if (!common_frame(f, c, &fr))
			return -1;
	}
}

/* Read what c has; -1 once the connection has failed. */
static int conn_read(struct fleet *f, struct conn *c)
{
	for (int i = 0; i < READS_PER_WAKEUP; i++) {
		unsigned char *area = f->scratch + MAX_FRAME_BYTES;
		ssize_t r = read(c->fd, area, READ_BYTES);
		size_t start, n;
		long used;

		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return 0;
		if (r <= 0) {
			fleet_fail(f, "the server closed the connection of %s%s%s", c->nick,
				   r < 0 ? ": " : "", r < 0 ? strerror(errno) : "");
			return -1;
		}
		/* A held partial frame or line goes just before the new bytes. */
		start = MAX_FRAME_BYTES - c->part.len;
		if (c->part.len > 0)
			memcpy(f->scratch + start, c->part.data, c->part.len);
		n = c->part.len + (size_t)r;
		c->part.len = 0;
		used = c->line ? conn_lines(f, c, f->scratch + start, n, now_ns())
			       : dispatch(f, c, f->scratch + start, n, now_ns());
		if (used < 0)
			return -1;
		buf_append(&c->part, f->scratch + start + used, n - (size_t)used);
		if ((size_t)r < READ_BYTES)
			return 0;
	}
	return 0;
}

/* The events of one connection; -1 once the run has failed. */
static int conn_event(struct fleet *f, struct conn *c, uint32_t events)
{
	if ((events & EPOLLOUT) && conn_flush(c) < 0) {
		fleet_fail(f, "cannot write to the server on %s's connection: %s", c->nick,
			   strerror(errno));
		return -1;
	}
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && conn_read(f, c) < 0)
		return -1;
	/* A PONG or ENTER queued while reading goes out now. */
	if (c->out_off < c->out.len && !c->out_armed && conn_flush(c) < 0) {
		fleet_fail(f, "cannot write to the server on %s's connection: %s", c->nick,
			   strerror(errno));
		return -1;
	}
	return 0;
}

int fleet_step(struct fleet *f, int timeout_ms)
{
	struct epoll_event ev[EVENTS_PER_STEP];
	int ready = epoll_wait(f->epfd, ev, EVENTS_PER_STEP, timeout_ms);

	if (ready < 0) {
		if (errno == EINTR)
			return 0;
		fleet_fail(f, "epoll_wait: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < ready && !f->failed; i++) {
		uint64_t slot = ev[i].data.u64;

		if (slot >= f->n || conn_event(f, &f->conns[slot], ev[i].events) < 0)
			break;
	}
	return f->failed ? -1 : 0;
}

int fleet_check(struct fleet *f, unsigned stall_s, const char *what)
{
	uint64_t now = now_ns();

	if (f->failed)
		return -1;
	if (bench_interrupted)
		fleet_fail(f, "interrupted while %s", what);
	else if (now > bench_deadline_ns)
		fleet_fail(f, "the overall --timeout passed while %s", what);
	else if (now - f->last_progress_ns > (uint64_t)stall_s * 1000000000u)
		fleet_fail(f, "no progress for %u s while %s; is the server stuck or overloaded?",
			   stall_s, what);
	return f->failed ? -1 : 0;
}
