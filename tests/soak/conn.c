/* SPDX-License-Identifier: ISC */
/* conn.c - the soak's client connections: connect, send requests (frames or lines), read events. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "soak.h"
#include "sys.h"

enum { READ_CHUNK_BYTES = 65536, READS_PER_CALL = 16 };

bool conn_live(const struct conn *c)
{
	return c->fd >= 0 && !c->dead;
}

bool conn_native(const struct conn *c)
{
	return c->kind == CK_NATIVE_UNIX || c->kind == CK_NATIVE_TCP;
}

/* Forget everything about the previous connection of a slot. */
static void conn_reset(struct conn *c)
{
	for (size_t i = 0; i < c->neps; i++)
		free(c->eps[i].v);
	free(c->eps);
	free(c->q);
	free(c->live);
	buf_free(&c->in);
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->dead = true;
}

/* A connected socket to natterd over the slot's transport (blocking connect). */
static int dial(struct soak *k, const struct slot *s)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bool tcp = s->kind == CK_NATIVE_TCP || s->kind == CK_LINE_TCP;
	int fd = socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int small = SMALL_RCVBUF_BYTES, rc;

	if (fd < 0)
		soak_fail(k, "socket: %s", strerror(errno));
	if (s->small_rcvbuf && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small) < 0)
		soak_fail(k, "setsockopt: %s", strerror(errno));
	sin.sin_port = htons((uint16_t)k->port);
	daemon_sun(k, &sun);
	rc = tcp ? connect(fd, (struct sockaddr *)&sin, sizeof sin)
		 : connect(fd, (struct sockaddr *)&sun, sizeof sun);
	if (rc < 0)
		soak_fail(k, "slot %d cannot connect to natterd (%s): %s", s->c.slot,
			  tcp ? "tcp" : k->sock, strerror(errno));
	return fd;
}

/* Remember a request whose answer is to come, in order. */
static void push_req(struct conn *c, const struct req *r)
{
	if (c->qhead > 0 && c->qhead == c->qlen) {
		c->qhead = 0;
		c->qlen = 0;
	}
	if (c->qlen == c->qcap) {
		c->qcap = c->qcap ? c->qcap * 2 : 16;
		c->q = xrealloc(c->q, c->qcap * sizeof *c->q);
	}
	c->q[c->qlen++] = *r;
}

/*
 * Write all of p to the connection; a closed peer makes the connection dead.
 * A server may stop reading a client whose replies wait unread (backpressure),
 * so while the socket is full this reads it too, even a paused one: waiting
 * for natterd to read first would be a deadlock, not a finding.
 */
static void write_all(struct soak *k, struct conn *c, const void *p, size_t n)
{
	uint64_t deadline = mono_ms() + (uint64_t)SEND_TIMEOUT_S * 1000;
	size_t off = 0;

	while (off < n && conn_live(c)) {
		ssize_t w =
		    send(c->fd, (const char *)p + off, n - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		struct pollfd pf = {.fd = c->fd, .events = POLLIN | POLLOUT};

		if (w > 0) {
			off += (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (mono_ms() > deadline)
				soak_fail(k,
					  "slot %d (%s): natterd read nothing from it for %d s "
					  "while it read everything natterd sent",
					  c->slot, c->nick, SEND_TIMEOUT_S);
			if (poll(&pf, 1, 100) < 0 && errno != EINTR)
				soak_fail(k, "poll: %s", strerror(errno));
			if (pf.revents & (POLLIN | POLLHUP | POLLERR))
				conn_read(k, c);
		} else {
			/* natterd hung up (too slow, or crashed): read what it sent first. */
			conn_read(k, c);
			conn_mark_dead(k, c);
		}
	}
}

static void send_frame(struct soak *k, struct conn *c, const struct frame *f)
{
	struct buf out = {0};

	if (proto_encode(&out, f) < 0)
		soak_fail(k, "cannot encode a %s frame", frame_type_name(f->type));
	write_all(k, c, out.data, out.len);
	buf_free(&out);
}

/* A request as the frame PROTOCOL.md section 3 gives it. */
static void send_native(struct soak *k, struct conn *c, const struct req *r, const char *text)
{
	struct frame f = {0};
	const char *room = r->arg; /* a room, or a nick for RQ_PM */

	switch (r->type) {
	case RQ_HELLO:
		f.type = T_HELLO;
		f.f[HELLO_VERSION].n = k->slots[c->slot].version;
		f.f[HELLO_NICK].s = str_c(c->nick);
		f.f[HELLO_CLIENT].s = str_c("natter-soak");
		f.f[HELLO_RESUME].n = c->resume;
		break;
	case RQ_SAY:
	case RQ_PM:
		f.type = T_SAY;
		f.f[SAY_TARGET].s = str_c(room);
		f.f[SAY_FLAGS].n = k->toks[r->tok].action ? MSGF_ACTION : 0;
		f.f[SAY_TEXT].s = str_c(text);
		break;
	case RQ_ENTER:
		f.type = T_ENTER;
		f.f[ENTER_ROOM].s = str_c(room);
		f.f[ENTER_AFTER].n = r->after;
		break;
	case RQ_PART:
		f.type = T_PART;
		f.f[PART_ROOM].s = str_c(room);
		f.f[PART_REASON].s = str_c("soak part");
		break;
	case RQ_NICK:
		f.type = T_NICK;
		f.f[NICK_NICK].s = str_c(r->arg);
		break;
	case RQ_PING:
		f.type = T_PING;
		f.f[PING_TOKEN].n = r->tok;
		break;
	case RQ_QUIT:
		f.type = T_QUIT;
		f.f[QUIT_REASON].s = str_c("soak quit");
		break;
	}
	send_frame(k, c, &f);
}

/* A request as the line a person would type (PROTOCOL.md 3.8). */
static void send_line(struct soak *k, struct conn *c, const struct req *r, const char *text)
{
	struct buf out = {0};

	switch (r->type) {
	case RQ_HELLO: buf_printf(&out, "NICK %s\n", c->nick); break;
	case RQ_SAY: buf_printf(&out, "%s%s\n", k->toks[r->tok].action ? "/me " : "", text); break;
	case RQ_PM: buf_printf(&out, "/msg %s %s\n", r->arg, text); break;
	case RQ_ENTER: buf_printf(&out, "/join %s\n", r->arg); break;
	case RQ_PART: buf_printf(&out, "/part soak part\n"); break;
	case RQ_NICK: buf_printf(&out, "/nick %s\n", r->arg); break;
	case RQ_PING: buf_printf(&out, "/away q%llu\n", (unsigned long long)r->tok); break;
	case RQ_QUIT: buf_printf(&out, "/quit soak quit\n"); break;
	}
	write_all(k, c, out.data, out.len);
	buf_free(&out);
}

void conn_send_req(struct soak *k, struct conn *c, const struct req *r, const char *text)
{
	if (!conn_live(c))
		soak_fail(k, "internal: a request to slot %d, which is not connected", c->slot);
	push_req(c, r);
	if (k->verbose > 1)
		fprintf(stderr, "    slot %d > request %d %s\n", c->slot, (int)r->type, r->arg);
	if (conn_native(c))
		send_native(k, c, r, text);
	else
		send_line(k, c, r, text);
}

/* Enter room ri on a new connection, resuming after the slot's newest id (native). */
static void reenter(struct soak *k, struct conn *c, int ri, uint64_t after)
{
	struct req r = {.type = RQ_ENTER, .after = after};

	snprintf(r.arg, sizeof r.arg, "%s", room_names[ri]);
	c->member[ri] = true;
	if (!conn_native(c))
		c->current = ri;
	conn_send_req(k, c, &r, NULL);
}

void conn_open(struct soak *k, struct slot *s)
{
	struct conn *c = &s->c;
	struct req hello = {.type = RQ_HELLO};
	int slot = c->slot;
	uint64_t after = s->kind == CK_NATIVE_UNIX || s->kind == CK_NATIVE_TCP ? s->max_seen : 0;

	model_check_conn_end(k, c);
	conn_reset(c);
	c->slot = slot;
	c->kind = s->kind;
	c->fd = dial(k, s);
	c->dead = false;
	c->serial = ++k->next_serial;
	c->epoch = k->epoch;
	snprintf(c->nick, sizeof c->nick, "%s", s->nick);
	c->resume = after;
	c->member[0] = true;
	conn_send_req(k, c, &hello, NULL);
	for (int ri = 1; ri < NROOMS; ri++)
		if (s->in_room[ri] && conn_live(c))
			reenter(k, c, ri, after);
}

void conn_close_abrupt(struct soak *k, struct conn *c)
{
	if (c->fd < 0)
		return;
	conn_mark_dead(k, c);
}

void conn_mark_dead(struct soak *k, struct conn *c)
{
	if (c->dead && c->fd < 0)
		return;
	if (c->fd >= 0 && close(c->fd) < 0)
		soak_fail(k, "close: %s", strerror(errno));
	c->fd = -1;
	c->dead = true;
	c->paused_until = 0;
	for (size_t i = c->qhead; i < c->qlen; i++) {
		struct req *r = &c->q[i];

		if ((r->type == RQ_SAY || r->type == RQ_PM) && k->toks[r->tok].state == TK_PENDING)
			k->toks[r->tok].state = TK_UNCERTAIN;
	}
	c->qhead = c->qlen = 0;
	for (size_t i = 0; i < c->neps; i++)
		if (c->eps[i].end == EP_ACTIVE)
			c->eps[i].end = EP_ABRUPT;
	/* The slot remembers its rooms, to enter them again when it reconnects. */
	for (int ri = 0; ri < NROOMS; ri++)
		k->slots[c->slot].in_room[ri] = c->member[ri];
	snprintf(k->slots[c->slot].nick, sizeof k->slots[c->slot].nick, "%s", c->nick);
}

/*
 * PROTOCOL.md 3.7: after BYE the server sends nothing more. natterd once did,
 * when the batch it sealed while queueing a frame for a client dropped that
 * very client as too slow (its BYE went first, the frame after it); found by
 * this soak, fixed in server/output.c (said_last). Any frame after BYE fails.
 */
static void after_bye(struct soak *k, struct conn *c, const unsigned char *p, size_t n)
{
	k->after_bye++;
	soak_fail(k,
		  "slot %d (%s): natterd sent %s (%zu bytes) after BYE (PROTOCOL.md 3.7 says "
		  "nothing follows BYE)",
		  c->slot, c->nick,
		  conn_native(c) && n > FRAME_HEADER_BYTES ? frame_type_name(p[FRAME_HEADER_BYTES])
							   : "more text",
		  n);
}

/* Feed complete frames or lines from the input buffer to the event handlers. */
static void consume(struct soak *k, struct conn *c)
{
	size_t at = 0;

	while (at < c->in.len && c->fd >= 0) {
		const unsigned char *p = c->in.data + at;
		size_t n = c->in.len - at;

		if (c->bye_seen) {
			after_bye(k, c, p, n);
			at = c->in.len;
			break;
		}

		if (conn_native(c)) {
			long whole = frame_complete(p, n);
			struct frame f;
			int err;

			if (whole == 0)
				break;
			if (whole < 0)
				soak_fail(k, "slot %d (%s): natterd sent a bad frame length",
					  c->slot, c->nick);
			err = proto_decode(p + FRAME_HEADER_BYTES,
					   (size_t)whole - FRAME_HEADER_BYTES, &f);
			if (err != 0)
				soak_fail(
				    k,
				    "slot %d (%s): natterd sent a frame that does not decode (%s)",
				    c->slot, c->nick, error_code_name((unsigned)err));
			if (k->verbose > 1)
				fprintf(stderr, "    slot %d < %s %llu\n", c->slot,
					frame_type_name(f.type), (unsigned long long)f.f[0].n);
			ev_frame(k, c, &f);
			at += (size_t)whole;
		} else {
			const unsigned char *nl = memchr(p, '\n', n);

			if (nl == NULL) {
				if (n > LINE_OUT_MAX_BYTES)
					soak_fail(k, "slot %d (%s): a line of more than %d bytes",
						  c->slot, c->nick, LINE_OUT_MAX_BYTES);
				break;
			}
			if (k->verbose > 1)
				fprintf(stderr, "    slot %d < %.*s\n", c->slot,
					(int)(nl - p > 100 ? 100 : nl - p), (const char *)p);
			ev_line(k, c, (const char *)p, (size_t)(nl - p));
			at += (size_t)(nl - p) + 1;
		}
	}
	buf_consume(&c->in, at);
}

void conn_read(struct soak *k, struct conn *c)
{
	for (int i = 0; i < READS_PER_CALL && c->fd >= 0; i++) {
		ssize_t got;

		buf_reserve(&c->in, READ_CHUNK_BYTES);
		got = recv(c->fd, c->in.data + c->in.len, READ_CHUNK_BYTES, MSG_DONTWAIT);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (got <= 0) {
			/* End of file, or a reset: whatever came before it has been read. */
			consume(k, c);
			conn_mark_dead(k, c);
			return;
		}
		c->in.len += (size_t)got;
		consume(k, c);
	}
}
