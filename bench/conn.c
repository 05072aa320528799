/* conn.c - the benchmark's client side: many non-blocking connections in one poll set. */
#include "conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "errmsg.h"
#include "sys.h"
#include "target.h"

enum {
	READ_BYTES = 256 * 1024,
	READS_PER_WAKEUP = 4, /* more reads on one socket only while each fills the buffer */
};

void fleet_init(struct fleet *f, const struct target *t, size_t cap, frame_fn fn, void *ctx)
{
	memset(f, 0, sizeof *f);
	f->conns = xcalloc(cap ? cap : 1, sizeof *f->conns);
	f->pfds = xcalloc(cap ? cap : 1, sizeof *f->pfds);
	f->cap = cap;
	f->scratch = xmalloc(MAX_FRAME_BYTES + READ_BYTES);
	f->target = t;
	f->on_frame = fn;
	f->ctx = ctx;
	f->last_progress_ns = now_ns();
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
	free(f->conns);
	free(f->pfds);
	free(f->scratch);
	memset(f, 0, sizeof *f);
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

struct conn *fleet_connect(struct fleet *f, enum conn_role role, uint32_t index, const char *nick)
{
	struct frame hello = {.type = T_HELLO};
	char why[256];
	struct conn *c;
	int fd;

	if (f->n == f->cap) {
		fleet_fail(f, "more connections than planned (a bug)");
		return NULL;
	}
	fd = open_socket(f->target, why, sizeof why);
	if (fd < 0) {
		fleet_fail(f, "cannot connect %s to %s (%zu connected so far): %s", nick,
			   f->target->where, f->n, why);
		return NULL;
	}
	c = &f->conns[f->n];
	memset(c, 0, sizeof *c);
	c->fd = fd;
	c->role = role;
	c->index = index;
	snprintf(c->nick, sizeof c->nick, "%s", nick);
	f->pfds[f->n] = (struct pollfd){.fd = fd, .events = POLLIN | POLLOUT};
	f->n++;
	hello.f[HELLO_VERSION].n = PROTO_VERSION;
	hello.f[HELLO_NICK].s = str_c(nick);
	hello.f[HELLO_CLIENT].s = str_c("natter-bench");
	queue_frame(c, &hello);
	return c;
}

void conn_say(struct conn *c, const char *text, size_t len)
{
	struct frame say = {.type = T_SAY};

	say.f[SAY_TARGET].s = str_c("");
	say.f[SAY_TEXT].s = str_n(text, len);
	queue_frame(c, &say);
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
	return 0;
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
		if (!c->welcomed) {
			c->welcomed = true;
			f->welcomed++;
			f->last_progress_ns = now_ns();
		}
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

/* Decode and dispatch the whole frames in p[0..n); returns bytes used, or -1. */
static long dispatch(struct fleet *f, struct conn *c, const unsigned char *p, size_t n,
		     uint64_t now)
{
	size_t at = 0;

	for (;;) {
		long whole = frame_complete(p + at, n - at);
		struct frame fr;

		if (whole < 0) {
			fleet_fail(f, "%s got a frame length of %lu bytes, out of range", c->nick,
				   (unsigned long)frame_body_len(p + at));
			return -1;
		}
		if (whole == 0)
			return (long)at;
		if (proto_decode(p + at + FRAME_HEADER_BYTES, (size_t)whole - FRAME_HEADER_BYTES,
				 &fr) != 0) {
			fleet_fail(f, "%s got a malformed frame of type 0x%02x", c->nick,
				   p[at + FRAME_HEADER_BYTES]);
			return -1;
		}
		at += (size_t)whole;
		if (!common_frame(f, c, &fr))
			return -1;
		f->on_frame(f, c, &fr, now);
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
		/* A held partial frame goes just before the new bytes. */
		start = MAX_FRAME_BYTES - c->part.len;
		if (c->part.len > 0)
			memcpy(f->scratch + start, c->part.data, c->part.len);
		n = c->part.len + (size_t)r;
		c->part.len = 0;
		used = dispatch(f, c, f->scratch + start, n, now_ns());
		if (used < 0)
			return -1;
		buf_append(&c->part, f->scratch + start + used, n - (size_t)used);
		if ((size_t)r < READ_BYTES)
			return 0;
	}
	return 0;
}

int fleet_step(struct fleet *f, int timeout_ms)
{
	int ready;

	for (size_t i = 0; i < f->n; i++) {
		struct conn *c = &f->conns[i];

		f->pfds[i].events = (short)(POLLIN | (c->out_off < c->out.len ? POLLOUT : 0));
		f->pfds[i].revents = 0;
	}
	ready = poll(f->pfds, f->n, timeout_ms);
	if (ready < 0) {
		if (errno == EINTR)
			return 0;
		fleet_fail(f, "poll: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < f->n && ready > 0 && !f->failed; i++) {
		struct conn *c = &f->conns[i];
		short re = f->pfds[i].revents;

		if (re == 0)
			continue;
		ready--;
		if ((re & POLLOUT) && conn_flush(c) < 0) {
			fleet_fail(f, "cannot write to the server on %s's connection: %s", c->nick,
				   strerror(errno));
			break;
		}
		if ((re & (POLLIN | POLLHUP | POLLERR)) && conn_read(f, c) < 0)
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
