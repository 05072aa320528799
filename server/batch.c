/* batch.c - a pass's consecutive messages to one room, sent to its members as one shared buffer. */
#include "log.h"
#include "server.h"

/*
 * Why: one read often brings hundreds of SAYs for the same room. Queued one
 * buffer per message, every recipient's writev then carries hundreds of
 * small iovecs, and the kernel's per-segment work dominates the fan-out.
 * Collected here, the same messages leave as one buffer, encoded and copied
 * once for everybody, which is what an ideal relay writes.
 *
 * Order is kept by one rule: the batch is sealed (sent to the room) before
 * anything else is queued to anybody and before the room's membership
 * changes, so every recipient sees exactly the sequence it would have seen
 * frame by frame.
 */

struct buf *batch_for(struct server *s, struct room *r)
{
	if (s->batch.room != r || s->batch.frames.len >= BATCH_MAX_BYTES)
		batch_seal(s);
	s->batch.room = r;
	return &s->batch.frames;
}

void batch_seal(struct server *s)
{
	struct room *r = s->batch.room;
	struct shbuf *b;

	if (r == NULL)
		return;
	/* Closed first: delivering goes through server_queue, which seals. */
	s->batch.room = NULL;
	if (s->batch.frames.len == 0)
		return;
	b = shbuf_new(s->batch.frames.data, s->batch.frames.len);
	buf_clear(&s->batch.frames);
	chat_deliver_room(s, r, b);
	shbuf_unref(b);
}
