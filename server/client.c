/* SPDX-License-Identifier: ISC */
/* client.c - one connection: accepting it, reading frames off it, closing it. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "peercred.h"
#include "server.h"
#include "sys.h"
#include "text.h"

/* Shed one pending connection when out of descriptors, so poll does not spin. */
static void shed_one(struct server *s, struct listener *l)
{
	int fd;

	if (s->reserve_fd >= 0) {
		close(s->reserve_fd);
		s->reserve_fd = -1;
	}
	fd = accept(l->fd, NULL, NULL);
	if (fd >= 0)
		close(fd);
	s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* Send a fresh connection a best-effort ERROR_SERVER_FULL frame, and close it. */
static void refuse(struct server *s, int fd, const char *text)
{
	struct frame f = {.type = T_ERROR};
	ssize_t w = 0;

	f.f[ERROR_CODE].n = ERR_SERVER_FULL;
	f.f[ERROR_TEXT].s = str_c(text);
	buf_clear(&s->enc);
	if (proto_encode(&s->enc, &f) == 0)
		w = write(fd, s->enc.data, s->enc.len); /* fresh socket: it fits */
	(void)w;
	close(fd);
}

/* Whether uid already holds --max-per-uid connections (a walk, only on a UNIX accept). */
static bool uid_over_limit(struct server *s, uid_t uid)
{
	size_t n = 0;

	for (size_t i = s->nfixed; i < s->nslots && n < s->cfg.max_per_uid; i++) {
		const struct client *c = s->clients[i];

		if (c->state != CS_DEAD && c->has_cred && c->uid == uid)
			n++;
	}
	if (n < s->cfg.max_per_uid)
		return false;
	log_warn("refusing a connection from uid %lu: it has %zu already (--max-per-uid)",
		 (unsigned long)uid, n);
	return true;
}

void client_accept(struct server *s, struct listener *l)
{
	for (int i = 0; i < ACCEPTS_PER_LOOP; i++) {
		int fd = accept(l->fd, NULL, NULL);
		struct client *c;
		char text[128];
		uid_t uid = 0;
		gid_t gid;
		pid_t pid = 0;
		bool cred;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				log_warn(
				    "out of file descriptors (%s); refusing a connection on %s",
				    strerror(errno), l->where);
				shed_one(s, l);
			} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
				log_warn("accept on %s failed: %s", l->where, strerror(errno));
			}
			return;
		}
		if (fd_nonblock_cloexec(fd) < 0) {
			log_warn("cannot make a new connection non-blocking: %s", strerror(errno));
			close(fd);
			continue;
		}
		cred = l->transport == TR_UNIX && peer_cred(fd, &uid, &gid, &pid) == 0;
		if (cred && uid_over_limit(s, uid)) {
			refuse(s, fd, "you have too many connections to this server already");
			continue;
		}
		if (s->nclients >= s->cfg.max_clients) {
			log_warn("refusing a connection on %s: at --max-clients %zu", l->where,
				 s->cfg.max_clients);
			snprintf(text, sizeof text,
				 "server full: %zu clients connected; try again later",
				 s->nclients);
			refuse(s, fd, text);
			continue;
		}
		c = xcalloc(1, sizeof *c);
		c->fd = fd;
		c->state = CS_HELLO;
		c->transport = l->transport;
		c->serial = ++s->next_serial;
		c->connected_ms = c->last_rx_ms = mono_ms();
		c->has_cred = cred;
		c->uid = uid;
		c->pid = pid;
		if (cred)
			login_name(c->uid, c->login, sizeof c->login);
		if (l->transport == TR_TCP) {
			int one = 1;

			/* Frames are whole when written: Nagle's wait only adds latency. */
			if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
				log_warn("TCP_NODELAY: %s", strerror(errno));
		}
		flood_init(s, c);
		s->nclients++;
		server_add_slot(s, fd, c);
		if (c->has_cred)
			log_debug("client %llu: connected on %s (uid %lu, pid %ld)",
				  (unsigned long long)c->serial, l->where, (unsigned long)c->uid,
				  (long)c->pid);
		else
			log_debug("client %llu: connected on %s%s", (unsigned long long)c->serial,
				  l->transport == TR_TCP ? "tcp " : "", l->where);
	}
}

/*
 * Say plainly that a peer went away in the middle of a frame, and how far
 * it got (frames held back by the rate limit are whole: not this case).
 */
static void log_partial_frame(const struct client *c)
{
	char got[64];

	if (c->line.on || c->rlen == 0 || frame_complete(c->rbuf, c->rlen) != 0)
		return;
	if (c->rlen < FRAME_HEADER_BYTES)
		snprintf(got, sizeof got, "the 4 length bytes");
	else
		snprintf(got, sizeof got, "its %lu bytes",
			 (unsigned long)(FRAME_HEADER_BYTES + frame_body_len(c->rbuf)));
	log_info("client %llu%s%s: connection closed in the middle of a frame: only %u of %s had "
		 "arrived; the partial frame was discarded",
		 (unsigned long long)c->serial, c->nick[0] ? " " : "", c->nick, (unsigned)c->rlen,
		 got);
}

void client_kill(struct server *s, struct client *c)
{
	if (c->state == CS_DEAD)
		return;
	if (c->state == CS_READY)
		chat_unregister(s, c);
	chat_free_client(s, c);
	if (close(c->fd) < 0)
		log_warn("client %llu: close: %s", (unsigned long long)c->serial, strerror(errno));
	log_debug("client %llu: closed after %llu ms", (unsigned long long)c->serial,
		  (unsigned long long)(mono_ms() - c->connected_ms));
	s->pfds[c->slot].fd = -1; /* poll ignores it until the slot is reaped */
	outq_free(&c->out);
	free(c->rbuf);
	c->rbuf = NULL;
	buf_free(&c->line.held);
	c->state = CS_DEAD;
	s->nclients--;
	s->ndead++;
}

/* Version 3: a tagged request that no ERROR answered is answered by DONE. */
static void request_done(struct server *s, struct client *c)
{
	if (c->req.tag != 0 && !c->req.answered && c->state == CS_READY) {
		struct frame d = {.type = T_DONE};

		d.f[DONE_TAG].n = c->req.tag;
		d.f[DONE_ID].n = c->req.id;
		c->req.tag = 0; /* DONE itself carries the tag as a field */
		output_frame(s, c, &d);
	}
	c->req.tag = 0;
}

void client_send_error(struct server *s, struct client *c, unsigned code, const char *fmt, ...)
{
	struct frame f = {.type = T_ERROR};
	char text[512];
	struct buf safe = {0};
	struct shbuf *b;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	/* Sentences quote what the peer sent (nicks, rooms); its bytes may be anything, but
	 * every str on the wire is valid UTF-8 (PROTOCOL.md 2): show them, as <FF>, ^[. */
	text_sanitize(&safe, text, strlen(text), 0);
	f.f[ERROR_CODE].n = code;
	f.f[ERROR_TEXT].s = str_n((const char *)safe.data, safe.len);
	f.tag = c->req.tag;
	c->req.answered = true;
	b = output_encode(s, &f);
	if (b == NULL) {
		buf_free(&safe);
		return;
	}
	/* Before WELCOME every refusal ends the connection (PROTOCOL.md 3.1): a client
	 * must not be left half-registered, nor try again on the same connection. */
	if (error_is_fatal(code) || c->state == CS_HELLO) {
		log_info("client %llu%s%s: error %u: %.*s", (unsigned long long)c->serial,
			 c->nick[0] ? " " : "", c->nick, code, (int)safe.len,
			 (const char *)safe.data);
		if (c->state == CS_READY)
			chat_leave(s, c, code == ERR_TIMEOUT ? "timed out" : "protocol error");
		output_close_after(s, c, b);
	} else {
		output_queue(s, c, b);
	}
	shbuf_unref(b);
	buf_free(&safe);
}

/* Whether a frame header's size is in range (and small before HELLO); false after an ERROR. */
static bool header_ok(struct server *s, struct client *c, const unsigned char *hdr)
{
	uint32_t len = frame_body_len(hdr);
	bool wrong = len == 0 || len > MAX_BODY_BYTES;

	if (!wrong && !(c->state == CS_HELLO && len > PRE_HELLO_MAX_BYTES))
		return true;
	wiretrace_in(s, c, hdr, FRAME_HEADER_BYTES);
	if (wrong)
		client_send_error(s, c, ERR_FRAME_SIZE,
				  "frame body of %lu bytes is out of range: 1 to %d bytes allowed",
				  (unsigned long)len, MAX_BODY_BYTES);
	else
		client_send_error(
		    s, c, ERR_FRAME_SIZE,
		    "frame body of %lu bytes before HELLO; at most %d allowed until the handshake",
		    (unsigned long)len, PRE_HELLO_MAX_BYTES);
	return false;
}

/* Decode and dispatch one whole frame (header included). */
static void handle_frame(struct server *s, struct client *c, const unsigned char *p, size_t n)
{
	struct frame f;
	int rc = proto_decode(p + FRAME_HEADER_BYTES, n - FRAME_HEADER_BYTES, &f);

	wiretrace_in(s, c, p, n);
	/* The type byte is judged before the body: 103 wins over 101 (PROTOCOL.md 5). */
	if (rc == ERR_UNKNOWN_TYPE || !(frame_type_dir(p[FRAME_HEADER_BYTES]) & DIR_C2S)) {
		client_send_error(s, c, ERR_UNKNOWN_TYPE,
				  "frame type 0x%02x is not one a client may send",
				  p[FRAME_HEADER_BYTES]);
		return;
	}
	if (rc != 0) {
		client_send_error(s, c, ERR_MALFORMED,
				  "%s frame is truncated: a field runs past the end of the body",
				  frame_type_name(p[FRAME_HEADER_BYTES]));
		return;
	}
	c->req.tag = c->version >= 3 ? f.tag : 0;
	c->req.answered = false;
	c->req.id = 0;
	chat_handle(s, c, &f);
	request_done(s, c);
}

/* Whether a request costs a token under --rate: all but keepalive, HELLO and QUIT. */
static bool costs_token(uint8_t type)
{
	return type != T_PING && type != T_PONG && type != T_HELLO && type != T_QUIT;
}

/*
 * Process whole frames in p[0..n) and return how many bytes were used; stops early if the client is
 * no longer reading, has run out of tokens or has more than the soft cap of replies waiting for it
 * (the rest is held back, and reading paused, until a token returns and its queue drains).
 */
static size_t handle_bytes(struct server *s, struct client *c, const unsigned char *p, size_t n)
{
	size_t used = 0;

	while (c->state == CS_HELLO || c->state == CS_READY) {
		long whole;

		if (n - used >= FRAME_HEADER_BYTES && !header_ok(s, c, p + used))
			break;
		whole = frame_complete(p + used, n - used);
		if (whole <= 0)
			break;
		if (flood_backlogged(s, c)) {
			flood_hold(s, c);
			break;
		}
		if (c->state == CS_READY && costs_token(p[used + FRAME_HEADER_BYTES]) &&
		    !flood_take(s, c)) {
			flood_throttle(s, c);
			break;
		}
		c->partial_since_ms = 0;
		handle_frame(s, c, p + used, (size_t)whole);
		used += (size_t)whole;
	}
	return used;
}

/*
 * Hold the unconsumed input p[0..n) (p may point into c->rbuf): frames the
 * rate limit held back, and at most one partial frame, for which there is
 * room once its size is known. An idle client holds no buffer at all.
 */
static void keep_input(struct client *c, const unsigned char *p, size_t n)
{
	size_t want = n;

	if (n == 0 || !(c->state == CS_HELLO || c->state == CS_READY)) {
		free(c->rbuf);
		c->rbuf = NULL;
		c->rlen = c->rcap = 0;
		return;
	}
	if (frame_complete(p, n) == 0) {
		want = n >= FRAME_HEADER_BYTES ? FRAME_HEADER_BYTES + frame_body_len(p)
					       : FRAME_HEADER_BYTES;
		if (c->partial_since_ms == 0)
			c->partial_since_ms = mono_ms();
	}
	if (c->rcap < want) {
		size_t off = c->rbuf != NULL && p >= c->rbuf && p < c->rbuf + c->rcap
				 ? (size_t)(p - c->rbuf)
				 : SIZE_MAX;

		c->rbuf = xrealloc(c->rbuf, want);
		c->rcap = (uint32_t)want;
		if (off != SIZE_MAX)
			p = c->rbuf + off;
	}
	memmove(c->rbuf, p, n);
	c->rlen = (uint32_t)n;
}

void client_process_held(struct server *s, struct client *c)
{
	size_t used;

	if (c->line.on) {
		if (c->line.held.len == 0)
			return;
		used = linemode_input(s, c, c->line.held.data, c->line.held.len);
		if (c->state == CS_DEAD)
			return; /* lheld went with it */
		if (c->flood.held && (c->state == CS_HELLO || c->state == CS_READY))
			buf_consume(&c->line.held, used); /* held again: keep the rest */
		else
			buf_free(&c->line.held);
		return;
	}
	if (c->rlen == 0)
		return;
	used = handle_bytes(s, c, c->rbuf, c->rlen);
	if (c->state != CS_DEAD)
		keep_input(c, c->rbuf + used, c->rlen - used);
}

/* Read the rest of a held partial frame into c->rbuf, never past its end. */
static ssize_t read_partial(struct server *s, struct client *c)
{
	size_t want = c->rlen < FRAME_HEADER_BYTES ? FRAME_HEADER_BYTES
						   : FRAME_HEADER_BYTES + frame_body_len(c->rbuf);
	ssize_t r = read(c->fd, c->rbuf + c->rlen, want - c->rlen);

	if (r <= 0)
		return r;
	c->rlen += (uint32_t)r;
	if (c->rlen >= FRAME_HEADER_BYTES && !header_ok(s, c, c->rbuf))
		return r;
	if (c->rlen == FRAME_HEADER_BYTES && frame_body_len(c->rbuf) > 0)
		keep_input(c, c->rbuf, c->rlen); /* grow to hold the whole frame */
	else if (c->rlen == want)
		client_process_held(s, c);
	return r;
}

/* The first byte decides: 0x00 is the framed protocol, text is line mode, else it is closed. */
static bool detect_mode(struct server *s, struct client *c, unsigned char first)
{
	static const char line[] =
	    "natterd: unrecognised protocol; natter clients begin with byte 0x00 (see "
	    "PROTOCOL.md) and plain-text clients with printable text\n";
	struct shbuf *b;

	if (c->got_bytes || first == 0x00)
		return true;
	/* Typed text begins with printable ASCII, whitespace or a UTF-8 lead byte. */
	if ((first >= 0x20 && first <= 0x7e) || first == '\t' || first == '\r' || first == '\n' ||
	    (first >= 0xc2 && first <= 0xf4)) {
		c->line.on = true;
		log_info("client %llu: plain-text line mode", (unsigned long long)c->serial);
		return true;
	}
	log_info("client %llu: unrecognised protocol (first byte 0x%02x); closed",
		 (unsigned long long)c->serial, first);
	c->got_bytes = true;
	b = shbuf_new(line, sizeof line - 1);
	output_close_after(s, c, b);
	shbuf_unref(b);
	return false;
}

void client_readable(struct server *s, struct client *c)
{
	ssize_t r;
	size_t used;

	if (c->flood.held)
		return; /* held input is taken up first; reading more would overrun the hold */
	if (!c->line.on && c->rlen > 0) {
		r = read_partial(s, c);
	} else {
		r = read(c->fd, s->rscratch, READ_CHUNK_BYTES);
		if (r > 0 && !detect_mode(s, c, s->rscratch[0]))
			return;
		if (r > 0 && c->line.on) {
			c->got_bytes = true;
			used = linemode_input(s, c, s->rscratch, (size_t)r);
			if (c->state != CS_DEAD && c->flood.held)
				buf_append(&c->line.held, s->rscratch + used, (size_t)r - used);
		} else if (r > 0) {
			used = handle_bytes(s, c, s->rscratch, (size_t)r);
			if (c->state != CS_DEAD)
				keep_input(c, s->rscratch + used, (size_t)r - used);
		}
	}
	if (r > 0) {
		c->got_bytes = true;
		c->last_rx_ms = mono_ms();
		c->ping_sent_ms = 0;
		return;
	}
	if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (r < 0 && errno != ECONNRESET)
		log_info("client %llu: read failed: %s", (unsigned long long)c->serial,
			 strerror(errno));
	log_partial_frame(c);
	chat_leave(s, c, "connection lost");
	client_kill(s, c);
}

void client_tick(struct server *s, struct client *c, uint64_t now)
{
	/* Rings are kept between passes while busy; a second of quiet gives them back. */
	if (c->state != CS_DEAD && !c->pending_write)
		outq_trim(&c->out);
	/* A slowloris's half frame is bounded the same before and after HELLO (LIMITS.md). */
	if ((c->state == CS_HELLO || c->state == CS_READY) && c->partial_since_ms != 0 &&
	    now - c->partial_since_ms >= (uint64_t)s->cfg.frame_timeout_s * 1000) {
		client_send_error(s, c, ERR_TIMEOUT,
				  "a frame was left unfinished for %u s; closing",
				  s->cfg.frame_timeout_s);
		return;
	}
	switch (c->state) {
	case CS_HELLO:
		if (now - c->connected_ms >= (uint64_t)s->cfg.hello_timeout_s * 1000)
			client_send_error(s, c, ERR_TIMEOUT, "no HELLO within %u s; closing",
					  s->cfg.hello_timeout_s);
		break;
	case CS_READY:
		if (flood_tick(s, c, now))
			break;
		if (!flood_listening(s, c)) {
			/* Not reading it, so not hearing it: its PONG may wait unread behind the
			 * held input. The PING clock runs only while the server listens. */
			c->last_rx_ms = now;
			c->ping_sent_ms = 0;
			break;
		}
		if (c->ping_sent_ms != 0 &&
		    now - c->ping_sent_ms >= (uint64_t)s->cfg.ping_timeout_s * 1000) {
			client_send_error(s, c, ERR_TIMEOUT,
					  "no answer to PING within %u s; closing",
					  s->cfg.ping_timeout_s);
		} else if (c->ping_sent_ms == 0 && !c->line.on &&
			   now - c->last_rx_ms >= (uint64_t)s->cfg.ping_interval_s * 1000) {
			struct frame f = {.type = T_PING};

			f.f[PING_TOKEN].n = now;
			c->ping_sent_ms = now;
			output_frame(s, c, &f);
		}
		break;
	case CS_CLOSING:
		if (now >= c->close_deadline_ms)
			client_kill(s, c);
		break;
	case CS_DEAD: break;
	}
}
