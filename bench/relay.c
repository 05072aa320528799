/* relay.c - the baseline: a non-blocking poll() loop that copies each client's frames to every
 * other client. */
#include "relay.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "errmsg.h"
#include "proto.h"
#include "sys.h"

enum {
	RELAY_READ_BYTES = 256 * 1024,
	RELAY_MAX_OUT_BYTES = 64 * 1024 * 1024, /* a reader this far behind is dropped */
	RELAY_ACCEPTS_PER_PASS = 64,
};

/*
 * One connection. Only whole frames are copied out, so frames from two
 * senders never interleave; a partial frame waits in `part`. That length
 * check is all the parsing the relay does.
 */
struct rclient {
	int fd;
	bool greeted;
	bool dirty; /* listed in relay.pending */
	struct buf part;
	struct buf out;
	size_t out_off;
};

struct relay {
	struct pollfd *pfds; /* pfds[0] is the listener; pfds[i + 1] is clients[i] */
	struct rclient **clients;
	size_t n, cap;
	struct rclient **pending;
	size_t npending;
	unsigned char *scratch;
	struct buf welcome;
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

/* Queue bytes for c, to be written at the end of the pass. */
static void queue(struct relay *r, struct rclient *c, const void *p, size_t n)
{
	if (c->fd < 0)
		return;
	buf_append(&c->out, p, n);
	if (!c->dirty) {
		c->dirty = true;
		r->pending[r->npending++] = c;
	}
}

static void drop(struct rclient *c, const char *why)
{
	if (c->fd < 0)
		return;
	if (why != NULL)
		fprintf(stderr, "relay: dropping a client: %s\n", why);
	if (close(c->fd) < 0)
		fprintf(stderr, "relay: close: %s\n", strerror(errno));
	c->fd = -1;
	buf_free(&c->out);
	buf_free(&c->part);
}

/* Length of the longest run of whole frames at p; -1 if a length is out of range. */
static long whole_frames(const unsigned char *p, size_t n)
{
	size_t at = 0;

	for (;;) {
		long f = frame_complete(p + at, n - at);

		if (f < 0)
			return -1;
		if (f == 0)
			return (long)at;
		at += (size_t)f;
	}
}

/* Handle bytes from c: the first frame is its HELLO, the rest goes to everyone else. */
static void from_client(struct relay *r, struct rclient *c, const unsigned char *p, size_t n)
{
	long whole;

	if (c->part.len > 0) {
		buf_append(&c->part, p, n);
		p = c->part.data;
		n = c->part.len;
	}
	if (!c->greeted) {
		long hello = frame_complete(p, n);

		if (hello < 0) {
			drop(c, "bad frame length");
			return;
		}
		if (hello == 0)
			goto keep;
		c->greeted = true;
		queue(r, c, r->welcome.data, r->welcome.len);
		p += hello;
		n -= (size_t)hello;
	}
	whole = whole_frames(p, n);
	if (whole < 0) {
		drop(c, "bad frame length");
		return;
	}
	if (whole > 0) {
		for (size_t i = 0; i < r->n; i++) {
			struct rclient *o = r->clients[i];

			if (o != c && o->greeted)
				queue(r, o, p, (size_t)whole);
		}
	}
	p += whole;
	n -= (size_t)whole;
keep:
	if (c->part.len > 0) {
		buf_consume(&c->part, c->part.len - n);
	} else if (n > 0) {
		buf_append(&c->part, p, n);
	}
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
	drop(c, NULL);
}

static void flush(struct rclient *c)
{
	while (c->fd >= 0 && c->out_off < c->out.len) {
		ssize_t w = write(c->fd, c->out.data + c->out_off, c->out.len - c->out_off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				drop(c, NULL);
			break;
		}
		c->out_off += (size_t)w;
	}
	if (c->fd < 0)
		return;
	if (c->out_off == c->out.len) {
		c->out.len = 0;
		c->out_off = 0;
	} else if (c->out.len - c->out_off > RELAY_MAX_OUT_BYTES) {
		drop(c, "more than 64 MiB waiting to be read");
	} else if (c->out_off > c->out.len / 2) {
		buf_consume(&c->out, c->out_off);
		c->out_off = 0;
	}
}

/* Write every output queued in this pass; forget closed clients. */
static void end_pass(struct relay *r)
{
	size_t keep = 0;

	for (size_t i = 0; i < r->npending; i++) {
		r->pending[i]->dirty = false;
		flush(r->pending[i]);
	}
	r->npending = 0;
	for (size_t i = 0; i < r->n; i++) {
		struct rclient *c = r->clients[i];

		if (c->fd < 0) {
			buf_free(&c->out);
			buf_free(&c->part);
			free(c);
			continue;
		}
		r->clients[keep] = c;
		r->pfds[keep + 1] = (struct pollfd){
		    .fd = c->fd,
		    .events = (short)(POLLIN | (c->out.len > c->out_off ? POLLOUT : 0))};
		keep++;
	}
	r->n = keep;
}

static void relay_free(struct relay *r)
{
	for (size_t i = 0; i < r->n; i++) {
		drop(r->clients[i], NULL);
		free(r->clients[i]);
	}
	free(r->pfds);
	free(r->clients);
	free(r->pending);
	free(r->scratch);
	buf_free(&r->welcome);
}

/* The WELCOME every HELLO gets: the shape a client expects, nothing more. */
static void make_welcome(struct buf *out)
{
	struct frame w = {.type = T_WELCOME};

	w.f[WELCOME_VERSION].n = PROTO_VERSION;
	w.f[WELCOME_NICK].s = str_c("relay");
	w.f[WELCOME_SERVER].s = str_c("relay");
	w.f[WELCOME_ROOM].s = str_c(DEFAULT_ROOM);
	w.f[WELCOME_USERS].n = 1;
	if (proto_encode(out, &w) < 0)
		fatal("cannot encode WELCOME");
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
	make_welcome(&r.welcome);
	while (!relay_stop) {
		size_t n = r.n;
		int ready = poll(r.pfds, r.n + 1, -1);

		if (ready < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "relay: poll: %s\n", strerror(errno));
			rc = -1;
			break;
		}
		for (size_t i = 0; i < n && ready > 0; i++) {
			short re = r.pfds[i + 1].revents;

			if (re == 0)
				continue;
			ready--;
			if (re & (POLLIN | POLLHUP | POLLERR))
				readable(&r, r.clients[i]);
			if ((re & POLLOUT) && !r.clients[i]->dirty && r.clients[i]->fd >= 0) {
				r.clients[i]->dirty = true;
				r.pending[r.npending++] = r.clients[i];
			}
		}
		if (r.pfds[0].revents & POLLIN)
			relay_accept(&r);
		end_pass(&r);
	}
	relay_free(&r);
	close(lfd);
	return rc;
}
