/* SPDX-License-Identifier: ISC */
/* control.c - the datagram control socket: who may ask (SCM_CREDENTIALS), requests, replies. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctlproto.h"
#include "log.h"
#include "peercred.h"
#include "server.h"
#include "sys.h"
#include "text.h"
#include "version.h"

enum {
	/* A who line at its longest: the fixed columns and every room name. */
	CTL_WHO_LINE_MAX_BYTES = 160 + MAX_ROOMS_PER_CLIENT * (MAX_ROOM_BYTES + 1),
};

/* A reply datagram the requester's socket could not take yet. */
struct ctl_dgram {
	struct sockaddr_un to;
	socklen_t to_len;
	uint32_t id;
	uint64_t since_ms;
	size_t len;
	char *data;
};

/*
 * Replies waiting to be sent, oldest first. An unconnected datagram socket cannot poll for room in
 * one peer's queue, so they are retried every CTL_RETRY_MS while any wait (see server_run).
 */
struct control {
	struct ctl_dgram *q;
	size_t head, count, cap;
	size_t bytes;
	char dgram[CTL_DGRAM_MAX_BYTES + 1]; /* one byte more, to see a datagram that is too long */
};

/* Who is asking, for the log and for replies. */
struct requester {
	struct cred_dgram d;
	char login[64];
	bool can_reply;
};

int control_setup(struct server *s, struct errmsg *e)
{
	if (s->ctl_fd_passed >= 0) {
		s->ctl_fd = s->ctl_fd_passed; /* socket activation: not ours to unlink */
		s->ctl_fd_passed = -1;	      /* ours to close now, not activation_close's */
		if (fd_nonblock_cloexec(s->ctl_fd) < 0) {
			errmsg_set(e, "cannot make the passed control socket non-blocking: %s",
				   strerror(errno));
			return -1;
		}
	}
	if (s->ctl_fd < 0)
		return 0;
	if (sock_passcred(s->ctl_fd) < 0) {
		errmsg_set(e, "cannot ask for senders' credentials on the control socket: %s",
			   strerror(errno));
		return -1;
	}
	s->ctl = xcalloc(1, sizeof *s->ctl);
	log_info("control socket %s (natterctl; owner uid %lu and root only)",
		 s->ctl_bound ? s->cfg.control_path : "passed by the service manager",
		 (unsigned long)geteuid());
	return 0;
}

static void drop_head(struct control *c)
{
	struct ctl_dgram *d = &c->q[c->head];

	c->bytes -= d->len;
	free(d->data);
	c->head = (c->head + 1) % c->cap;
	c->count--;
}

/* Keep a datagram for later, in order; false if the queue is full. */
static bool enqueue(struct control *c, const struct sockaddr_un *to, socklen_t to_len, uint32_t id,
		    const char *p, size_t n)
{
	struct ctl_dgram *d;

	if (c->bytes + n > CTL_QUEUE_MAX_BYTES)
		return false;
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct ctl_dgram *q = xcalloc(cap, sizeof *q);

		for (size_t i = 0; i < c->count; i++)
			q[i] = c->q[(c->head + i) % c->cap];
		free(c->q);
		c->q = q;
		c->cap = cap;
		c->head = 0;
	}
	d = &c->q[(c->head + c->count) % c->cap];
	d->to = *to;
	d->to_len = to_len;
	d->id = id;
	d->since_ms = mono_ms();
	d->len = n;
	d->data = xmalloc(n);
	memcpy(d->data, p, n);
	c->bytes += n;
	c->count++;
	return true;
}

/* Send one datagram now; 1 sent, 0 full (keep it), -1 the requester is gone (errno). */
static int send_one(int fd, const struct sockaddr_un *to, socklen_t to_len, const char *p, size_t n)
{
	ssize_t w;

	do
		w = sendto(fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)to,
			   to_len);
	while (w < 0 && errno == EINTR);
	if (w >= 0)
		return 1;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == ENOMEM)
		return 0;
	return -1;
}

/* Split text into reply datagrams and send them, keeping what does not fit yet. */
static void reply(struct server *s, const struct requester *r, uint32_t id, enum ctl_status st,
		  const struct buf *text)
{
	struct control *c = s->ctl;
	struct ctl_splitter sp;
	char out[CTL_DGRAM_MAX_BYTES];
	size_t n;

	if (!r->can_reply)
		return;
	ctl_split_begin(&sp, id, st, (const char *)text->data, text->len);
	while ((n = ctl_split_next(&sp, out)) > 0) {
		int rc = c->count > 0 ? 0 : send_one(s->ctl_fd, &r->d.from, r->d.from_len, out, n);

		if (rc < 0) {
			log_info("control: cannot answer uid %lu (pid %ld): %s; it has gone",
				 (unsigned long)r->d.uid, (long)r->d.pid, strerror(errno));
			return;
		}
		if (rc == 0 && !enqueue(c, &r->d.from, r->d.from_len, id, out, n)) {
			log_warn("control: %d bytes of replies are waiting already; the rest of "
				 "the reply to uid %lu (pid %ld) is dropped",
				 CTL_QUEUE_MAX_BYTES, (unsigned long)r->d.uid, (long)r->d.pid);
			return;
		}
	}
}

bool control_busy(const struct server *s)
{
	return s->ctl != NULL && s->ctl->count > 0;
}

void control_retry(struct server *s)
{
	struct control *c = s->ctl;
	uint64_t now = mono_ms();
	uint32_t dropped_id = 0;

	while (c != NULL && c->count > 0) {
		struct ctl_dgram *d = &c->q[c->head];
		int rc = send_one(s->ctl_fd, &d->to, d->to_len, d->data, d->len);

		if (rc == 0 && now - d->since_ms < CTL_SEND_GIVEUP_MS)
			return; /* still full: try again in CTL_RETRY_MS */
		if (rc <= 0 && d->id != dropped_id) {
			log_info("control: the rest of the reply to request %lu is dropped: %s",
				 (unsigned long)d->id,
				 rc == 0 ? "the requester did not read it in time"
					 : strerror(errno));
			dropped_id = d->id;
		}
		drop_head(c);
	}
}

/* Copy a request's argument words: the first into word (max bytes), the rest into rest. */
static void split_args(const struct ctl_request *q, char *word, size_t max, char *rest,
		       size_t rest_max)
{
	size_t i = 0, w;

	while (i < q->args_len && q->args[i] == ' ')
		i++;
	for (w = i; i < q->args_len && q->args[i] != ' '; i++)
		;
	snprintf(word, max + 1, "%.*s", (int)(i - w), q->args + w);
	while (i < q->args_len && q->args[i] == ' ')
		i++;
	snprintf(rest, rest_max + 1, "%.*s", (int)(q->args_len - i), q->args + i);
}

static void do_stats(struct server *s, struct buf *out)
{
	size_t unix_n = 0, tcp_n = 0, line_n = 0, ready = 0, hello = 0, closing = 0;
	size_t queued = 0, largest = 0;
	const struct client *big = NULL;
	uint64_t up = (mono_ms() - s->started_ms) / 1000;

	for (size_t i = s->nfixed; i < s->nslots; i++) {
		const struct client *c = s->clients[i];

		if (c->state == CS_DEAD)
			continue;
		tcp_n += c->transport == TR_TCP;
		unix_n += c->transport != TR_TCP;
		line_n += c->line.on;
		ready += c->state == CS_READY;
		hello += c->state == CS_HELLO;
		closing += c->state == CS_CLOSING;
		queued += c->out.bytes;
		if (c->out.bytes > largest) {
			largest = c->out.bytes;
			big = c;
		}
	}
	buf_printf(out, "natterd %s, pid %ld, up %llud %02lluh%02llum%02llus (%llu s)\n",
		   NATTER_VERSION, (long)getpid(), (unsigned long long)(up / 86400),
		   (unsigned long long)(up / 3600 % 24), (unsigned long long)(up / 60 % 60),
		   (unsigned long long)(up % 60), (unsigned long long)up);
	buf_printf(out, "clients: %zu (unix %zu, tcp %zu; line mode %zu)\n", unix_n + tcp_n, unix_n,
		   tcp_n, line_n);
	buf_printf(out, "registered: %zu, in handshake: %zu, closing: %zu\n", ready, hello,
		   closing);
	buf_printf(out, "rooms: %lu\n", (unsigned long)s->rooms.count);
	buf_printf(out, "messages in: %llu\n", (unsigned long long)s->msgs_in);
	buf_printf(out, "messages out: %llu\n", (unsigned long long)s->msgs_out);
	buf_printf(out, "bytes queued: %zu\n", queued);
	if (big != NULL)
		buf_printf(out, "largest queue: %zu bytes (client %llu %s)\n", largest,
			   (unsigned long long)big->serial,
			   big->nick[0] ? big->nick : "(unregistered)");
	else
		buf_printf(out, "largest queue: 0 bytes\n");
}

static void do_who(struct server *s, struct buf *out)
{
	uint64_t now = mono_ms();

	buf_printf(out, "%-24s %-16s %-7s %-10s %6s %8s %-5s %s\n", "NICK", "LOGIN", "UID",
		   "TRANSPORT", "IDLE", "QUEUE", "MUTED", "ROOMS");
	for (size_t i = s->nfixed; i < s->nslots; i++) {
		const struct client *c = s->clients[i];
		char uid[24] = "-";

		if (c->state != CS_READY)
			continue;
		if (out->len > CTL_REPLY_MAX_BYTES - 2 * CTL_WHO_LINE_MAX_BYTES) {
			buf_printf(out, "... and more, not listed: a reply is at most %d bytes\n",
				   CTL_REPLY_MAX_BYTES);
			break;
		}
		if (c->has_cred)
			snprintf(uid, sizeof uid, "%lu", (unsigned long)c->uid);
		buf_printf(out, "%-24s %-16s %-7s %-4s%-6s %5llus %8zu %-5s ", c->nick,
			   c->login[0] ? c->login : "-", uid,
			   c->transport == TR_TCP ? "tcp" : "unix", c->line.on ? "+line" : "",
			   (unsigned long long)(now - c->last_msg_ms) / 1000, c->out.bytes,
			   c->muted ? "yes" : "no");
		for (uint32_t j = 0; j < c->nrooms; j++)
			buf_printf(out, "%s%s", j ? "," : "", c->rooms[j]->name);
		buf_append(out, "\n", 1);
	}
	buf_printf(out, "%zu registered client(s)\n", s->nready);
}

/* The registered client called nick, or NULL after an error reply. */
static struct client *target_of(struct server *s, const char *nick, struct buf *out)
{
	struct client *c = nicks_find(&s->nicks, nick, strlen(nick));

	if (c == NULL || c->state != CS_READY)
		buf_printf(out, "nobody is called '%s' here; natterctl who lists everyone\n", nick);
	return c != NULL && c->state == CS_READY ? c : NULL;
}

/* Whether optional text follows the text rules (max bytes); an error in out if not. */
static bool text_fine(const char *what, const char *text, size_t max, struct buf *out)
{
	enum text_verdict v = text_check(text, strlen(text), max);

	if (text[0] == '\0' || v == TEXT_OK)
		return true;
	if (v == TEXT_TOO_LONG)
		buf_printf(out, "the %s is longer than %zu bytes; shorten it\n", what, max);
	else
		buf_printf(out, "the %s breaks the text rules: %s\n", what, text_verdict_str(v));
	return false;
}

/*
 * Carry out one request; the reply text goes to out, and what happened to
 * effect (for the log). Returns the reply's status.
 */
static enum ctl_status perform(struct server *s, const struct requester *r,
			       const struct ctl_request *q, struct buf *out, char *effect,
			       size_t effect_cap)
{
	const char *verb = q->verb->name;
	char nick[MAX_NICK_BYTES + 1], text[MAX_TEXT_BYTES + 1];
	struct client *c;

	split_args(q, nick, MAX_NICK_BYTES, text, MAX_TEXT_BYTES);
	if (strcmp(verb, "stats") == 0) {
		do_stats(s, out);
		snprintf(effect, effect_cap, "stats sent");
	} else if (strcmp(verb, "who") == 0) {
		do_who(s, out);
		snprintf(effect, effect_cap, "who sent");
	} else if (strcmp(verb, "say") == 0) {
		snprintf(text, sizeof text, "%.*s", (int)q->args_len, q->args);
		if (!text_fine("notice", text, MAX_TEXT_BYTES, out))
			return CTL_ERROR;
		buf_printf(out, "notice sent to %zu client(s)\n", s->nready);
		snprintf(effect, effect_cap, "notice to %zu client(s)", s->nready);
		mod_notice_all(s, text);
	} else if (strcmp(verb, "shutdown") == 0) {
		snprintf(text, sizeof text, "%.*s", (int)q->args_len, q->args);
		if (!text_fine("message", text, MAX_REASON_BYTES, out))
			return CTL_ERROR;
		buf_printf(out, "shutting down: saying goodbye to %zu client(s)\n", s->nclients);
		snprintf(effect, effect_cap, "shutting down");
		if (!s->shutting_down) {
			char why[96];

			snprintf(why, sizeof why, "natterctl (uid %lu, pid %ld)",
				 (unsigned long)r->d.uid, (long)r->d.pid);
			server_shutdown(s, why, text[0] ? text : "server shutting down");
		}
	} else if ((c = target_of(s, nick, out)) == NULL) {
		snprintf(effect, effect_cap, "no client called %s", nick);
		return CTL_ERROR;
	} else if (strcmp(verb, "kick") == 0) {
		if (!text_fine("reason", text, MAX_REASON_BYTES, out))
			return CTL_ERROR;
		buf_printf(out, "kicked %s (client %llu)\n", c->nick,
			   (unsigned long long)c->serial);
		snprintf(effect, effect_cap, "kicked %s (serial %llu)", c->nick,
			 (unsigned long long)c->serial);
		mod_kick(s, c, r->login, text);
	} else {
		bool mute = strcmp(verb, "mute") == 0;

		buf_printf(out, "%s %s%smuted (client %llu)\n", c->nick,
			   c->muted == mute ? "was already " : "", mute ? "" : "un",
			   (unsigned long long)c->serial);
		snprintf(effect, effect_cap, "%smuted %s (serial %llu)", mute ? "" : "un", c->nick,
			 (unsigned long long)c->serial);
		mod_mute(s, c, mute, r->login);
	}
	return CTL_OK;
}

/* Handle one datagram: check who sent it, parse, perform, reply, log. */
static void handle(struct server *s, struct requester *r, const char *p, size_t n)
{
	struct ctl_request q;
	struct errmsg e;
	struct buf out = {0};
	char effect[160] = "", owner_name[64];
	enum ctl_status st = CTL_ERROR;
	bool bad;
	uid_t owner = geteuid();

	/* An unbound sender has no address: the kernel could not route an answer anywhere. */
	r->can_reply = r->d.from_len > sizeof(sa_family_t);
	if (!r->d.has_cred) {
		log_warn("control: a datagram without credentials was ignored");
		return;
	}
	login_name(r->d.uid, r->login, sizeof r->login);
	bad = ctl_request_parse(p, n, &q, &e) < 0; /* fills q.id when it can, to answer */
	if (r->d.truncated) {
		bad = true;
		errmsg_set(&e, "a request is at most %d bytes", CTL_DGRAM_MAX_BYTES);
	}
	if (r->d.uid != owner && r->d.uid != 0) {
		login_name(owner, owner_name, sizeof owner_name);
		buf_printf(&out,
			   "only the server's owner (%s, uid %lu) or root may use this control "
			   "socket; you are %s (uid %lu)\n",
			   owner_name, (unsigned long)owner, r->login, (unsigned long)r->d.uid);
		log_warn("control: refused uid %lu (%s, pid %ld): not the owner (uid %lu) or root",
			 (unsigned long)r->d.uid, r->login, (long)r->d.pid, (unsigned long)owner);
		st = CTL_REFUSED;
	} else if (bad) {
		log_info("control: uid %lu (%s, pid %ld): bad request: %s", (unsigned long)r->d.uid,
			 r->login, (long)r->d.pid, e.text);
		buf_printf(&out, "%s\n", e.text);
	} else {
		st = perform(s, r, &q, &out, effect, sizeof effect);
		/* For the log, an error is its reply's first line. */
		if (st != CTL_OK)
			snprintf(effect, sizeof effect, "error: %.*s",
				 (int)strcspn((const char *)out.data, "\n"),
				 (const char *)out.data);
		log_info("control: uid %lu (%s, pid %ld) asked %s: %s", (unsigned long)r->d.uid,
			 r->login, (long)r->d.pid, q.verb->name, effect);
		if (!r->can_reply)
			log_info("control: that request came from a socket with no address (it did "
				 "not bind), so no answer can reach it");
	}
	reply(s, r, q.id, st, &out);
	buf_free(&out);
}

void control_readable(struct server *s)
{
	for (int i = 0; i < CTL_DGRAMS_PER_PASS; i++) {
		struct requester r;
		ssize_t n = recv_with_cred(s->ctl_fd, s->ctl->dgram, CTL_DGRAM_MAX_BYTES, &r.d);

		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_warn("control: reading a request failed: %s", strerror(errno));
			return;
		}
		s->ctl->dgram[n] = '\0';
		handle(s, &r, s->ctl->dgram, (size_t)n);
	}
}

void control_close(struct server *s)
{
	if (s->ctl != NULL) {
		control_retry(s); /* a last chance for a queued reply (to shutdown, say) */
		while (s->ctl->count > 0)
			drop_head(s->ctl);
		free(s->ctl->q);
		free(s->ctl);
		s->ctl = NULL;
	}
	/* A passed socket is closed too, but its path belongs to the service manager. */
	if (s->ctl_fd >= 0 && close(s->ctl_fd) < 0)
		log_warn("closing the control socket: %s", strerror(errno));
	s->ctl_fd = -1;
	if (s->ctl_bound) {
		if (unlink(s->cfg.control_path) < 0 && errno != ENOENT)
			log_warn("cannot remove %s: %s", s->cfg.control_path, strerror(errno));
		s->ctl_bound = false;
	}
}
