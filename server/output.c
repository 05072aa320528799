/* SPDX-License-Identifier: ISC */
/* output.c - the one way a byte leaves natterd: encode, queue, fan out, batch, drop, write. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "server.h"
#include "sys.h"

/*
 * Why one module: the order every recipient sees is a property of this file, not of its callers.
 * Consecutive messages to one room are collected in a batch (one buffer, one iovec per recipient
 * per pass); the batch is sealed, that is queued to the room, before anything else is queued to
 * anybody (output_queue) and before the room's membership changes (output_enter, output_forget), so
 * nobody can queue around it or change who receives it. Everything is written by output_flush, once
 * per pass.
 */

struct shbuf *output_encode(struct server *s, const struct frame *f)
{
	buf_clear(&s->enc);
	if (proto_encode(&s->enc, f) < 0) {
		log_error("cannot encode a %s frame (too large?)", frame_type_name(f->type));
		return NULL;
	}
	return shbuf_new(s->enc.data, s->enc.len);
}

void output_pending(struct server *s, struct client *c)
{
	if (c->pending_write)
		return;
	if (s->npending == s->pending_cap) {
		s->pending_cap = s->pending_cap ? s->pending_cap * 2 : 64;
		s->pending = xrealloc(s->pending, s->pending_cap * sizeof *s->pending);
	}
	s->pending[s->npending++] = c;
	c->pending_write = true;
}

/*
 * b as a line-mode client reads it: rendered once per buffer and kept on it for every other
 * line-mode recipient, unless the words depend on who reads them (a private message); then rendered
 * for c alone. NULL: b is already text (help, errors), to be sent as it is.
 */
static struct shbuf *line_form(struct server *s, struct client *c, struct shbuf *b)
{
	struct shbuf *text;
	bool shared;

	if (b->text != NULL)
		return shbuf_ref(b->text);
	text = linemode_render(s, c, b, &shared);
	if (text != NULL && shared)
		b->text = shbuf_ref(text);
	return text;
}

void output_queue(struct server *s, struct client *c, struct shbuf *b)
{
	struct shbuf *text = NULL;

	if (c->state == CS_DEAD || c->said_last)
		return; /* nothing follows a BYE (PROTOCOL.md 3.7) */
	output_seal(s); /* messages collected earlier go first, to keep the order */
	if (c->said_last)
		return; /* the seal dropped c as too slow: its BYE was the last */
	if (c->line.on && (text = line_form(s, c, b)) != NULL)
		b = text;
	wiretrace_queued(s, c, b);
	if (b->len > 0) {
		outq_push(&c->out, b);
		flood_queue_grew(s, c);
	}
	if (text != NULL)
		shbuf_unref(text);
	output_pending(s, c);
}

void output_frame(struct server *s, struct client *c, const struct frame *f)
{
	struct frame tagged = *f;
	struct shbuf *b;

	tagged.tag = c->req.tag;
	b = output_encode(s, &tagged);
	if (b == NULL)
		return;
	output_queue(s, c, b);
	shbuf_unref(b);
}

void output_frames(struct server *s, struct client *c, const struct buf *frames)
{
	struct buf tagged = {0};
	struct shbuf *b;

	if (frames->len == 0)
		return;
	if (c->req.tag != 0 &&
	    proto_tag_frames(&tagged, frames->data, frames->len, c->req.tag) == 0)
		b = shbuf_new(tagged.data, tagged.len);
	else
		b = shbuf_new(frames->data, frames->len);
	output_queue(s, c, b);
	shbuf_unref(b);
	buf_free(&tagged);
}

void output_notice(struct server *s, struct client *c, const char *text)
{
	struct frame f = {.type = T_NOTICE};

	if (c->state != CS_READY)
		return;
	f.f[NOTICE_TIME].n = wall_ms();
	f.f[NOTICE_TEXT].s = str_c(text);
	output_frame(s, c, &f);
}

/*
 * Queue a broadcast buffer for one registered recipient. One whose queue
 * would pass --max-queue is only flagged here: it is dropped by drop_slow
 * once the buffer has gone to everyone else, so all see the same order.
 */
static void deliver(struct server *s, struct client *c, struct shbuf *b)
{
	if (c->state != CS_READY)
		return;
	if (c->out.bytes + b->len > s->cfg.max_queue_bytes) {
		if (!c->slow) {
			c->slow = true;
			s->nslow++;
		}
		return;
	}
	output_queue(s, c, b);
}

/* Say goodbye to every client flagged slow; their LEAVEs may flag more. */
static void drop_slow(struct server *s)
{
	char why[128];

	if (s->dropping_slow)
		return; /* the outer call's loop picks up newly flagged clients */
	s->dropping_slow = true;
	snprintf(why, sizeof why, "too slow: more than %zu bytes were waiting to be read",
		 s->cfg.max_queue_bytes);
	for (int round = 0; s->nslow > 0 && round < 1000000; round++) {
		for (size_t i = s->nfixed; i < s->nslots && s->nslow > 0; i++) {
			struct client *c = s->clients[i];

			if (!c->slow)
				continue;
			c->slow = false;
			s->nslow--;
			log_info("client %llu %s: %s; disconnected", (unsigned long long)c->serial,
				 c->nick, why);
			outq_drop_unstarted(&c->out);
			chat_bye(s, c, BYE_TOO_SLOW, why, "too slow");
		}
	}
	s->dropping_slow = false;
}

/* b to every member of r but except (NULL: all), then the slow ones dropped. */
static void deliver_room(struct server *s, struct room *r, struct shbuf *b,
			 const struct client *except)
{
	for (uint32_t i = 0; i < r->nmembers; i++)
		if (r->members[i] != except)
			deliver(s, r->members[i], b);
	drop_slow(s);
}

size_t output_broadcast(struct server *s, struct shbuf *b)
{
	size_t n = 0;

	for (size_t i = s->nfixed; i < s->nslots; i++) {
		struct client *c = s->clients[i];

		if (c->state != CS_READY)
			continue;
		deliver(s, c, b);
		n += !c->slow;
	}
	drop_slow(s);
	return n;
}

void output_room(struct server *s, struct room *r, const struct frame *f,
		 const struct client *except)
{
	struct shbuf *b = output_encode(s, f);

	if (b == NULL)
		return;
	deliver_room(s, r, b, except);
	shbuf_unref(b);
}

void output_to(struct server *s, const struct client *const *to, size_t n, struct shbuf *b)
{
	for (size_t i = 0; i < n; i++)
		deliver(s, (struct client *)to[i], b);
	drop_slow(s);
}

void output_neighbours(struct server *s, struct client *c, const struct frame *f)
{
	struct shbuf *b = output_encode(s, f);

	if (b == NULL)
		return;
	s->mark_epoch++;
	c->mark = s->mark_epoch;
	deliver(s, c, b);
	for (uint32_t i = 0; i < c->nrooms; i++) {
		struct room *r = c->rooms[i];

		for (uint32_t j = 0; j < r->nmembers; j++) {
			struct client *m = r->members[j];

			if (m->mark != s->mark_epoch) {
				m->mark = s->mark_epoch;
				deliver(s, m, b);
			}
		}
	}
	shbuf_unref(b);
	drop_slow(s);
}

/*
 * Why a batch: one read often brings hundreds of SAYs for the same room. Queued one buffer per
 * message, every recipient's writev then carries hundreds of small iovecs, and the kernel's
 * per-segment work dominates the fan-out. Collected here, they leave as one buffer, encoded and
 * copied once for everybody, which is what an ideal relay writes.
 */
struct buf *output_batch(struct server *s, struct room *r)
{
	if (s->batch.room != r || s->batch.frames.len >= BATCH_MAX_BYTES)
		output_seal(s);
	s->batch.room = r;
	return &s->batch.frames;
}

void output_seal(struct server *s)
{
	struct room *r = s->batch.room;
	struct shbuf *b;

	if (r == NULL)
		return;
	/* Closed first: delivering goes through output_queue, which seals. */
	s->batch.room = NULL;
	if (s->batch.frames.len == 0)
		return;
	b = shbuf_new(s->batch.frames.data, s->batch.frames.len);
	buf_clear(&s->batch.frames);
	deliver_room(s, r, b, NULL);
	shbuf_unref(b);
}

void output_enter(struct server *s, struct room *r, struct client *c)
{
	output_seal(s); /* said before c came in: c gets it as history, not twice */
	room_add_member(r, c);
}

void output_forget(struct server *s, struct room *r, struct client *c)
{
	output_seal(s); /* what was said before c left still reaches c */
	room_remove_member(r, c);
}

void output_close_after(struct server *s, struct client *c, struct shbuf *last)
{
	if (c->state == CS_DEAD)
		return;
	output_seal(s); /* its own messages of this pass reach it before the BYE */
	if (c->state == CS_READY)
		chat_unregister(s, c);
	c->state = CS_CLOSING;
	c->close_deadline_ms = mono_ms() + CLOSE_GRACE_MS;
	if (last != NULL)
		output_queue(s, c, last);
	else if (c->out.count == 0)
		client_kill(s, c);
	c->said_last = true; /* output_queue takes nothing more for c */
}

/* Write what c has queued; a client whose queue drains while closing is done. */
static void flush_client(struct server *s, struct client *c)
{
	if (c->state == CS_DEAD)
		return;
	if (outq_flush(&c->out, c->fd) < 0) {
		if (errno != EPIPE && errno != ECONNRESET)
			log_info("client %llu: write failed: %s", (unsigned long long)c->serial,
				 strerror(errno));
		chat_leave(s, c, "connection lost");
		client_kill(s, c);
		return;
	}
	if (c->state == CS_CLOSING && c->out.count == 0) {
		client_kill(s, c);
		return;
	}
	flood_queue_drained(s, c);
	server_update_events(s, c);
}

void output_flush(struct server *s)
{
	output_seal(s);
	/* A client dropped here may queue LEAVEs for others: the walk rereads npending. */
	for (size_t i = 0; i < s->npending; i++) {
		struct client *c = s->pending[i];

		c->pending_write = false;
		flush_client(s, c);
	}
	s->npending = 0;
}
