/* SPDX-License-Identifier: ISC */
/* relay.c - the baseline: a non-blocking poll() loop that fans each client's frames out to the
 * others in its room, one shared buffer per read for all recipients. */
#include "relay.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "chunkq.h"
#include "errmsg.h"
#include "proto.h"
#include "sys.h"
#include "text.h"

enum {
	RELAY_READ_BYTES = 256 * 1024,
	RELAY_MAX_OUT_BYTES = 64 * 1024 * 1024, /* a reader this far behind is dropped */
	RELAY_ACCEPTS_PER_PASS = 64,
	RELAY_LOBBY = 0, /* room id of DEFAULT_ROOM */
};

enum rkind { RC_NEW, RC_NATIVE, RC_LINE };

/*
 * One connection. Only whole frames are passed on, so frames from two
 * senders never interleave; a partial frame waits in `part`. Besides frame
 * lengths the relay looks only at HELLO (for the nick) and ENTER (which
 * moves the client to another room; one room at a time).
 */
struct rclient {
	int fd;
	enum rkind kind; /* decided by the first byte, as natterd does */
	bool greeted;
	bool dirty; /* listed in relay.pending */
	uint32_t room;
	char nick[MAX_NICK_BYTES + 1];
	struct buf part;
	struct chunkq out;
};

struct relay {
	struct pollfd *pfds; /* pfds[0] is the listener; pfds[i + 1] is clients[i] */
	struct rclient **clients;
	size_t n, cap;
	struct rclient **pending;
	size_t npending;
	unsigned char *scratch;
	struct shbuf *welcome_line;
	char (*rooms)[MAX_ROOM_BYTES + 1]; /* room names by id; 0 is DEFAULT_ROOM */
	size_t nrooms;
	size_t nline; /* greeted line-mode clients (all in DEFAULT_ROOM) */
	struct buf lines;
};

static volatile sig_atomic_t relay_stop;

static void on_signal(int sig)
{
	(void)sig;
	relay_stop = 1;
}

static void relay_add(struct relay *r, int fd)
{
	struct rclient *c;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->pfds = xrealloc(r->pfds, (r->cap + 1) * sizeof *r->pfds);
		r->clients = xrealloc(r->clients, r->cap * sizeof *r->clients);
		r->pending = xrealloc(r->pending, r->cap * sizeof *r->pending);
	}
	c = xcalloc(1, sizeof *c);
	c->fd = fd;
	r->clients[r->n] = c;
	r->pfds[r->n + 1] = (struct pollfd){.fd = fd, .events = POLLIN};
	r->n++;
}

static void relay_accept(struct relay *r)
{
	for (int i = 0; i < RELAY_ACCEPTS_PER_PASS; i++) {
		int fd = accept(r->pfds[0].fd, NULL, NULL);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				fprintf(stderr, "relay: accept: %s\n", strerror(errno));
			return;
		}
		if (fd_nonblock_cloexec(fd) < 0) {
			fprintf(stderr, "relay: fcntl: %s\n", strerror(errno));
			close(fd);
			continue;
		}
		relay_add(r, fd);
	}
}

/* Queue a shared buffer for c, to be written at the end of the pass. */
static void queue(struct relay *r, struct rclient *c, struct shbuf *b)
{
	if (c->fd < 0)
		return;
	chunkq_push(&c->out, b);
	if (!c->dirty) {
		c->dirty = true;
		r->pending[r->npending++] = c;
	}
}

static void drop(struct relay *r, struct rclient *c, const char *why)
{
	if (c->fd < 0)
		return;
	if (why != NULL)
		fprintf(stderr, "relay: dropping a client: %s\n", why);
	if (close(c->fd) < 0)
		fprintf(stderr, "relay: close: %s\n", strerror(errno));
	c->fd = -1;
	if (c->kind == RC_LINE && c->greeted)
		r->nline--;
	chunkq_free(&c->out);
	buf_free(&c->part);
}

/* The id of a room by name, added if new. */
static uint32_t room_id(struct relay *r, struct str name)
{
	size_t i;

	if (name.len == 0 || name.len > MAX_ROOM_BYTES)
		return RELAY_LOBBY;
	for (i = 0; i < r->nrooms; i++)
		if (str_eq(name, r->rooms[i]))
			return (uint32_t)i;
	r->rooms = xrealloc(r->rooms, (r->nrooms + 1) * sizeof *r->rooms);
	memcpy(r->rooms[i], name.p, name.len);
	r->rooms[i][name.len] = '\0';
	r->nrooms++;
	return (uint32_t)i;
}

/* The frames from a room's native sender as natterd's line mode shows them, rendered once. */
static struct shbuf *render_lines(struct relay *r, const struct rclient *from,
				  const unsigned char *p, size_t n)
{
	time_t now = time(NULL);
	char stamp[16];
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL || strftime(stamp, sizeof stamp, "%H:%M:%S ", &tm) == 0)
		snprintf(stamp, sizeof stamp, "--:--:-- ");
	buf_clear(&r->lines);
	while (n > 0) {
		long whole = frame_complete(p, n);
		struct frame f;

		if (whole <= 0)
			break;
		if (proto_decode(p + FRAME_HEADER_BYTES, (size_t)whole - FRAME_HEADER_BYTES, &f) ==
			0 &&
		    f.type == T_SAY) {
			buf_printf(&r->lines, "%s%s <%s> ", stamp, r->rooms[from->room],
				   from->nick);
			text_sanitize(&r->lines, f.f[SAY_TEXT].s.p, f.f[SAY_TEXT].s.len, 0);
			buf_append(&r->lines, "\n", 1);
		}
		p += whole;
		n -= (size_t)whole;
	}
	return r->lines.len > 0 ? shbuf_new(r->lines.data, r->lines.len) : NULL;
}

/* Send whole frames p[0..n) from c to everyone else in its room: one buffer shared by all. */
static void fan_out(struct relay *r, struct rclient *c, const unsigned char *p, size_t n)
{
	struct shbuf *native, *line = NULL;

	if (n == 0)
		return;
	native = shbuf_new(p, n);
	if (r->nline > 0 && c->room == RELAY_LOBBY)
		line = render_lines(r, c, p, n);
	for (size_t i = 0; i < r->n; i++) {
		struct rclient *o = r->clients[i];

		if (o == c || !o->greeted || o->room != c->room)
			continue;
		if (o->kind == RC_NATIVE)
			queue(r, o, native);
		else if (line != NULL)
			queue(r, o, line);
	}
	shbuf_unref(native);
	if (line != NULL)
		shbuf_unref(line);
}

/* Queue one frame to c alone. */
static void send_frame(struct relay *r, struct rclient *c, const struct frame *f)
{
	struct buf b = {0};
	struct shbuf *s;

	if (proto_encode(&b, f) < 0)
		fatal("cannot encode a %s frame", frame_type_name(f->type));
	s = shbuf_new(b.data, b.len);
	queue(r, c, s);
	shbuf_unref(s);
	buf_free(&b);
}

/* The WELCOME a HELLO gets: the shape a client expects, with the nick it asked for. */
static void welcome(struct relay *r, struct rclient *c)
{
	struct frame w = {.type = T_WELCOME};

	w.f[WELCOME_VERSION].n = PROTO_VERSION;
	w.f[WELCOME_NICK].s = str_c(c->nick);
	w.f[WELCOME_SERVER].s = str_c("relay");
	w.f[WELCOME_ROOM].s = str_c(DEFAULT_ROOM);
	w.f[WELCOME_USERS].n = 1;
	send_frame(r, c, &w);
}

/* HELLO (answered by WELCOME) or ENTER (answered by c's own JOIN); false if malformed. */
static bool control_frame(struct relay *r, struct rclient *c, const unsigned char *p, size_t n)
{
	struct frame f, j = {.type = T_JOIN};

	if (proto_decode(p + FRAME_HEADER_BYTES, n - FRAME_HEADER_BYTES, &f) != 0)
		return false;
	if (!c->greeted) {
		size_t len = f.type == T_HELLO ? f.f[HELLO_NICK].s.len : 0;

		if (len > MAX_NICK_BYTES)
			len = MAX_NICK_BYTES;
		memcpy(c->nick, len ? f.f[HELLO_NICK].s.p : "?", len ? len : 1);
		c->nick[len ? len : 1] = '\0';
		c->greeted = true;
		welcome(r, c);
		return true;
	}
	c->room = room_id(r, f.f[ENTER_ROOM].s);
	j.f[JOIN_ROOM].s = str_c(r->rooms[c->room]);
	j.f[JOIN_NICK].s = str_c(c->nick);
	send_frame(r, c, &j);
	return true;
}

/* Bytes from a native client: HELLO first, then runs of frames to its room. Bytes used, or -1. */
static long native_input(struct relay *r, struct rclient *c, const unsigned char *p, size_t n)
{
	size_t at = 0, run = 0;

	for (;;) {
		long f = frame_complete(p + at, n - at);

		if (f < 0)
			return -1;
		if (f == 0)
			break;
		if (!c->greeted || p[at + FRAME_HEADER_BYTES] == T_ENTER) {
			fan_out(r, c, p + run, at - run);
			if (!control_frame(r, c, p + at, (size_t)f))
				return -1;
			run = at + (size_t)f;
		}
		at += (size_t)f;
	}
	fan_out(r, c, p + run, at - run);
	return (long)at;
}

/* Bytes from a line-mode client: its first line registers it; it only listens after that. */
static long line_input(struct relay *r, struct rclient *c, const unsigned char *p, size_t n)
{
	if (c->greeted)
		return (long)n;
	if (memchr(p, '\n', n) == NULL)
		return n > MAX_LINE_BYTES ? -1 : 0;
	c->greeted = true;
	r->nline++;
	queue(r, c, r->welcome_line);
	return (long)n;
}

/* Handle bytes from c, keeping an unfinished frame or line for the next read. */
static void from_client(struct relay *r, struct rclient *c, const unsigned char *p, size_t n)
{
	bool held = c->part.len > 0;
	long used;

	if (held) {
		buf_append(&c->part, p, n);
		p = c->part.data;
		n = c->part.len;
	}
	if (c->kind == RC_NEW)
		c->kind = p[0] == 0x00 ? RC_NATIVE : RC_LINE;
	used = c->kind == RC_NATIVE ? native_input(r, c, p, n) : line_input(r, c, p, n);
	if (used < 0) {
		drop(r, c, c->kind == RC_NATIVE ? "bad frame" : "first line too long");
		return;
	}
	if (held)
		buf_consume(&c->part, (size_t)used);
	else if ((size_t)used < n)
		buf_append(&c->part, p + used, n - (size_t)used);
}

static void readable(struct relay *r, struct rclient *c)
{
	ssize_t got = read(c->fd, r->scratch, RELAY_READ_BYTES);

	if (got > 0) {
		from_client(r, c, r->scratch, (size_t)got);
		return;
	}
	if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	drop(r, c, NULL);
}

static void flush(struct relay *r, struct rclient *c)
{
	if (c->fd < 0)
		return;
	if (chunkq_flush(&c->out, c->fd) < 0)
		drop(r, c, NULL);
	else if (c->out.bytes > RELAY_MAX_OUT_BYTES)
		drop(r, c, "more than 64 MiB waiting to be read");
}

/* Write every output queued in this pass; forget closed clients. */
static void end_pass(struct relay *r)
{
	size_t keep = 0;

	for (size_t i = 0; i < r->npending; i++) {
		r->pending[i]->dirty = false;
		flush(r, r->pending[i]);
	}
	r->npending = 0;
	for (size_t i = 0; i < r->n; i++) {
		struct rclient *c = r->clients[i];

		if (c->fd < 0) {
			free(c);
			continue;
		}
		r->clients[keep] = c;
		r->pfds[keep + 1] = (struct pollfd){
		    .fd = c->fd, .events = (short)(POLLIN | (chunkq_empty(&c->out) ? 0 : POLLOUT))};
		keep++;
	}
	r->n = keep;
}

static void relay_free(struct relay *r)
{
	for (size_t i = 0; i < r->n; i++) {
		drop(r, r->clients[i], NULL);
		free(r->clients[i]);
	}
	free(r->pfds);
	free(r->clients);
	free(r->pending);
	free(r->scratch);
	free(r->rooms);
	shbuf_unref(r->welcome_line);
	buf_free(&r->lines);
}

/* A line client's welcome line, and the room table with DEFAULT_ROOM as id 0. */
static void make_welcomes(struct relay *r)
{
	static const char line[] = "-- welcome to relay, you are relay (1 user here)\n";

	r->welcome_line = shbuf_new(line, sizeof line - 1);
	r->rooms = xcalloc(1, sizeof *r->rooms);
	snprintf(r->rooms[0], sizeof r->rooms[0], "%s", DEFAULT_ROOM);
	r->nrooms = 1;
}

/* One poll pass: read from every ready client, accept, then write what was queued. */
static int relay_pass(struct relay *r)
{
	size_t n = r->n;
	int ready = poll(r->pfds, r->n + 1, -1);

	if (ready < 0) {
		if (errno == EINTR)
			return 0;
		fprintf(stderr, "relay: poll: %s\n", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n && ready > 0; i++) {
		struct rclient *c = r->clients[i];
		short re = r->pfds[i + 1].revents;

		if (re == 0)
			continue;
		ready--;
		if (re & (POLLIN | POLLHUP | POLLERR))
			readable(r, c);
		if ((re & POLLOUT) && !c->dirty && c->fd >= 0) {
			c->dirty = true;
			r->pending[r->npending++] = c;
		}
	}
	if (r->pfds[0].revents & POLLIN)
		relay_accept(r);
	end_pass(r);
	return 0;
}

int relay_run(int lfd)
{
	struct relay r = {0};
	struct sigaction sa;
	int rc = 0;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0 ||
	    ignore_sigpipe() < 0) {
		fprintf(stderr, "relay: sigaction: %s\n", strerror(errno));
		return -1;
	}
	r.scratch = xmalloc(RELAY_READ_BYTES);
	r.pfds = xmalloc(sizeof *r.pfds);
	r.pfds[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
	make_welcomes(&r);
	while (!relay_stop && rc == 0)
		rc = relay_pass(&r);
	relay_free(&r);
	close(lfd);
	return rc;
}
