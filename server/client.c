/* client.c - one connection: accepting it, reading frames off it, closing it. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "peercred.h"
#include "server.h"
#include "sys.h"

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

/* Refuse a connection over --max-clients with a best-effort ERROR frame. */
static void refuse_full(struct server *s, int fd)
{
	struct frame f = {.type = T_ERROR};
	char text[128];
	ssize_t w;

	snprintf(text, sizeof text, "server full: %zu clients connected; try again later",
		 s->nclients);
	f.f[ERROR_CODE].n = ERR_SERVER_FULL;
	f.f[ERROR_TEXT].s = str_c(text);
	buf_clear(&s->enc);
	if (proto_encode(&s->enc, &f) == 0)
		w = write(fd, s->enc.data, s->enc.len); /* fresh socket: it fits */
	else
		w = 0;
	(void)w;
	close(fd);
}

void client_accept(struct server *s, struct listener *l)
{
	for (int i = 0; i < ACCEPTS_PER_LOOP; i++) {
		int fd = accept(l->fd, NULL, NULL);
		struct client *c;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				log_warn("out of file descriptors (%s); refusing a connection on %s",
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
		if (s->nclients >= s->cfg.max_clients) {
			log_warn("refusing a connection on %s: at --max-clients %zu", l->where,
				 s->cfg.max_clients);
			refuse_full(s, fd);
			continue;
		}
		c = xcalloc(1, sizeof *c);
		c->fd = fd;
		c->state = CS_HELLO;
		c->transport = l->transport;
		c->serial = ++s->next_serial;
		c->connected_ms = c->last_rx_ms = mono_ms();
		if (l->transport == TR_UNIX) {
			gid_t gid;

			if (peer_cred(fd, &c->uid, &gid, &c->pid) == 0) {
				c->has_cred = true;
				login_name(c->uid, c->login, sizeof c->login);
			}
		}
		s->nclients++;
		server_add_slot(s, fd, c);
	}
}

void client_kill(struct server *s, struct client *c)
{
	if (c->state == CS_DEAD)
		return;
	if (c->state == CS_READY)
		s->nready--;
	chat_free_client(s, c);
	if (close(c->fd) < 0)
		log_warn("client %llu: close: %s", (unsigned long long)c->serial, strerror(errno));
	s->pfds[c->slot].fd = -1; /* poll ignores it until the slot is reaped */
	outq_free(&c->out);
	free(c->rbuf);
	c->rbuf = NULL;
	c->state = CS_DEAD;
	s->nclients--;
	s->ndead++;
}

void client_close_after(struct server *s, struct client *c, struct shbuf *last)
{
	if (c->state == CS_DEAD)
		return;
	if (c->state == CS_READY)
		s->nready--;
	c->state = CS_CLOSING;
	c->close_deadline_ms = mono_ms() + CLOSE_GRACE_MS;
	if (last != NULL)
		server_queue(s, c, last);
	else if (c->out.count == 0)
		client_kill(s, c);
}

void client_send_frame(struct server *s, struct client *c, const struct frame *f)
{
	struct shbuf *b = chat_encode(s, f);

	if (b == NULL)
		return;
	server_queue(s, c, b);
	shbuf_unref(b);
}

void client_send_error(struct server *s, struct client *c, unsigned code, const char *fmt, ...)
{
	struct frame f = {.type = T_ERROR};
	char text[512];
	struct shbuf *b;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	f.f[ERROR_CODE].n = code;
	f.f[ERROR_TEXT].s = str_c(text);
	b = chat_encode(s, &f);
	if (b == NULL)
		return;
	if (error_is_fatal(code)) {
		log_info("client %llu%s%s: error %u: %s", (unsigned long long)c->serial,
			 c->nick[0] ? " " : "", c->nick, code, text);
		if (c->state == CS_READY)
			chat_leave(s, c, code == ERR_TIMEOUT ? "timed out" : "protocol error");
		client_close_after(s, c, b);
	} else {
		server_queue(s, c, b);
	}
	shbuf_unref(b);
}

/* Whether a first byte can begin typed text: printable ASCII, whitespace, a UTF-8 lead. */
static bool starts_like_text(unsigned char b)
{
	return (b >= 0x20 && b <= 0x7e) || b == '\t' || b == '\r' || b == '\n' ||
	       (b >= 0xc2 && b <= 0xf4);
}

/* Close a connection that is neither natter frames nor text (TLS, binary junk). */
static void refuse_unknown(struct server *s, struct client *c, unsigned char first)
{
	static const char line[] =
	    "natterd: unrecognised protocol; natter clients begin with byte 0x00 (see "
	    "PROTOCOL.md) and plain-text clients with printable text\n";
	struct shbuf *b = shbuf_new(line, sizeof line - 1);

	log_info("client %llu: unrecognised protocol (first byte 0x%02x); closed",
		 (unsigned long long)c->serial, first);
	c->got_bytes = true;
	client_close_after(s, c, b);
	shbuf_unref(b);
}

/*
 * Check a frame header: the declared size must be in range, and small
 * before the handshake. Returns false (after sending ERROR) if not.
 */
static bool header_ok(struct server *s, struct client *c, const unsigned char *hdr)
{
	uint32_t len = frame_body_len(hdr);

	if (len == 0 || len > MAX_BODY_BYTES) {
		client_send_error(s, c, ERR_FRAME_SIZE,
				  "frame body of %lu bytes is out of range: 1 to %d bytes allowed",
				  (unsigned long)len, MAX_BODY_BYTES);
		return false;
	}
	if (c->state == CS_HELLO && len > PRE_HELLO_MAX_BYTES) {
		client_send_error(s, c, ERR_FRAME_SIZE,
				  "frame body of %lu bytes before HELLO; at most %d allowed until the handshake",
				  (unsigned long)len, PRE_HELLO_MAX_BYTES);
		return false;
	}
	return true;
}

/* Decode and dispatch one whole frame (header included). */
static void handle_frame(struct server *s, struct client *c, const unsigned char *p, size_t n)
{
	struct frame f;
	int rc = proto_decode(p + FRAME_HEADER_BYTES, n - FRAME_HEADER_BYTES, &f);

	if (rc == ERR_UNKNOWN_TYPE || (rc == 0 && !(frame_type_dir(f.type) & DIR_C2S))) {
		client_send_error(s, c, ERR_UNKNOWN_TYPE, "frame type 0x%02x is not one a client may send",
				  p[FRAME_HEADER_BYTES]);
		return;
	}
	if (rc != 0) {
		client_send_error(s, c, ERR_MALFORMED, "%s frame is truncated: a field runs past the end of the body",
				  frame_type_name(p[FRAME_HEADER_BYTES]));
		return;
	}
	chat_handle(s, c, &f);
}

/*
 * Process whole frames in p[0..n) and return how many bytes were used;
 * stops early if the client is no longer reading.
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
		handle_frame(s, c, p + used, (size_t)whole);
		used += (size_t)whole;
	}
	return used;
}

/* Keep an unfinished frame's bytes; room for the whole frame once its size is known. */
static void keep_partial(struct client *c, const unsigned char *p, size_t n)
{
	size_t want = n >= FRAME_HEADER_BYTES ? FRAME_HEADER_BYTES + frame_body_len(p)
					      : FRAME_HEADER_BYTES;

	if (c->rcap < want) {
		c->rbuf = xrealloc(c->rbuf, want);
		c->rcap = (uint32_t)want;
	}
	memcpy(c->rbuf, p, n);
	c->rlen = (uint32_t)n;
}

/* Read the rest of a partial frame into c->rbuf, never beyond that frame. */
static ssize_t read_partial(struct server *s, struct client *c)
{
	size_t want = c->rlen < FRAME_HEADER_BYTES ? FRAME_HEADER_BYTES
						   : FRAME_HEADER_BYTES + frame_body_len(c->rbuf);
	ssize_t r = read(c->fd, c->rbuf + c->rlen, want - c->rlen);

	if (r <= 0)
		return r;
	c->rlen += (uint32_t)r;
	if (c->rlen == FRAME_HEADER_BYTES && frame_body_len(c->rbuf) > 0) {
		if (!header_ok(s, c, c->rbuf))
			return r;
		keep_partial(c, c->rbuf, c->rlen); /* grow to the whole frame */
		return r;
	}
	if (c->rlen == want) {
		if (!header_ok(s, c, c->rbuf))
			return r;
		c->rlen = 0;
		handle_frame(s, c, c->rbuf, want);
		if (c->state != CS_DEAD) {
			free(c->rbuf);
			c->rbuf = NULL;
			c->rcap = 0;
		}
	}
	return r;
}

void client_readable(struct server *s, struct client *c)
{
	ssize_t r;

	if (!c->line_mode && c->rbuf != NULL && c->rlen > 0) {
		r = read_partial(s, c);
	} else {
		r = read(c->fd, s->rscratch, READ_CHUNK_BYTES);
		if (r > 0 && !c->got_bytes && s->rscratch[0] != 0x00) {
			/* Native frames start with 0x00; text means a person typing. */
			if (!starts_like_text(s->rscratch[0])) {
				refuse_unknown(s, c, s->rscratch[0]);
				return;
			}
			c->line_mode = true;
			log_info("client %llu: plain-text line mode", (unsigned long long)c->serial);
		}
		if (r > 0 && c->line_mode) {
			c->got_bytes = true;
			linemode_input(s, c, s->rscratch, (size_t)r);
		} else if (r > 0) {
			size_t used;

			used = handle_bytes(s, c, s->rscratch, (size_t)r);
			if (used < (size_t)r && (c->state == CS_HELLO || c->state == CS_READY))
				keep_partial(c, s->rscratch + used, (size_t)r - used);
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
	chat_leave(s, c, "connection lost");
	client_kill(s, c);
}

void client_tick(struct server *s, struct client *c, uint64_t now)
{
	switch (c->state) {
	case CS_HELLO:
		if (now - c->connected_ms >= (uint64_t)s->cfg.hello_timeout_s * 1000)
			client_send_error(s, c, ERR_TIMEOUT, "no HELLO within %u s; closing",
					  s->cfg.hello_timeout_s);
		break;
	case CS_READY:
		if (c->ping_sent_ms != 0 &&
		    now - c->ping_sent_ms >= (uint64_t)s->cfg.ping_timeout_s * 1000) {
			client_send_error(s, c, ERR_TIMEOUT, "no answer to PING within %u s; closing",
					  s->cfg.ping_timeout_s);
		} else if (c->ping_sent_ms == 0 && !c->line_mode &&
			   now - c->last_rx_ms >= (uint64_t)s->cfg.ping_interval_s * 1000) {
			struct frame f = {.type = T_PING};

			f.f[PING_TOKEN].n = now;
			c->ping_sent_ms = now;
			client_send_frame(s, c, &f);
		}
		break;
	case CS_CLOSING:
		if (now >= c->close_deadline_ms)
			client_kill(s, c);
		break;
	case CS_DEAD:
		break;
	}
}
