/* SPDX-License-Identifier: ISC */
/* outq.c - per-client output queue: shared buffers, partial writes, writev batching. */
#include "outq.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/uio.h>

#include "errmsg.h"

/*
 * How many buffers one writev may carry: Linux's IOV_MAX, so that a pass's
 * whole backlog for a recipient usually goes in one call.
 */
enum { OUTQ_IOV_MAX = 1024, OUTQ_MIN_CAP = 4 };

static struct outref *at(struct outq *q, uint32_t i)
{
	return &q->items[(q->head + i) & (q->cap - 1)];
}

/* Double the ring (capacity stays a power of two), unrolling it to index 0. */
static void grow(struct outq *q)
{
	uint32_t cap = q->cap ? q->cap * 2 : OUTQ_MIN_CAP;
	struct outref *items = xmalloc(cap * sizeof *items);

	for (uint32_t i = 0; i < q->count; i++)
		items[i] = *at(q, i);
	free(q->items);
	q->items = items;
	q->cap = cap;
	q->head = 0;
}

void outq_push(struct outq *q, struct shbuf *buf)
{
	if (q->count == q->cap)
		grow(q);
	*at(q, q->count) = (struct outref){shbuf_ref(buf), 0};
	q->count++;
	q->bytes += buf->len;
}

/* Forget the first item, releasing its buffer. */
static void pop(struct outq *q)
{
	struct outref *r = at(q, 0);

	shbuf_unref(r->buf);
	q->head = (q->head + 1) & (q->cap - 1);
	q->count--;
}

int outq_flush(struct outq *q, int fd)
{
	struct iovec iov[OUTQ_IOV_MAX];

	while (q->count > 0) {
		int n = 0;
		ssize_t w;

		for (uint32_t i = 0; i < q->count && n < OUTQ_IOV_MAX; i++, n++) {
			struct outref *r = at(q, i);

			iov[n].iov_base = r->buf->data + r->off;
			iov[n].iov_len = r->buf->len - r->off;
		}
		w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		q->bytes -= (size_t)w;
		while (w > 0) {
			struct outref *r = at(q, 0);
			size_t left = r->buf->len - r->off;

			if ((size_t)w < left) {
				r->off += (uint32_t)w;
				w = 0;
			} else {
				w -= (ssize_t)left;
				pop(q);
			}
		}
		if (q->count > 0 && at(q, 0)->off > 0)
			break; /* a short write: the socket is full */
	}
	/* The ring is kept while the client is busy; outq_trim frees it when idle. */
	return 0;
}

void outq_trim(struct outq *q)
{
	if (q->count == 0 && q->items != NULL)
		outq_free(q);
}

void outq_drop_unstarted(struct outq *q)
{
	uint32_t keep = (q->count > 0 && at(q, 0)->off > 0) ? 1 : 0;

	while (q->count > keep) {
		struct outref *r = at(q, q->count - 1);

		q->bytes -= r->buf->len - r->off;
		shbuf_unref(r->buf);
		q->count--;
	}
}

void outq_free(struct outq *q)
{
	while (q->count > 0)
		pop(q);
	free(q->items);
	q->items = NULL;
	q->cap = 0;
	q->head = 0;
	q->bytes = 0;
}
