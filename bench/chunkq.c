/* SPDX-License-Identifier: ISC */
/* chunkq.c - a ring of shared-buffer references per connection, so fan-out never copies bytes. */
#include "chunkq.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>

#include "errmsg.h"

enum {
	CHUNKQ_IOV_MAX = 1024, /* Linux's IOV_MAX: one writev per pass for a busy reader */
	CHUNKQ_MIN_CAP = 8,
};

void chunkq_push(struct chunkq *q, struct shbuf *b)
{
	if (q->count == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : CHUNKQ_MIN_CAP;
		struct shbuf **ring = xmalloc(cap * sizeof *ring);

		for (size_t i = 0; i < q->count; i++)
			ring[i] = q->ring[(q->head + i) % q->cap];
		free(q->ring);
		q->ring = ring;
		q->cap = cap;
		q->head = 0;
	}
	q->ring[(q->head + q->count) % q->cap] = shbuf_ref(b);
	q->count++;
	q->bytes += b->len;
}

/* Drop the first buffer (fully written). */
static void pop(struct chunkq *q)
{
	shbuf_unref(q->ring[q->head]);
	q->head = (q->head + 1) % q->cap;
	q->count--;
	q->off = 0;
}

/* Account for w bytes written from the front. */
static void advance(struct chunkq *q, size_t w)
{
	q->bytes -= w;
	while (w > 0) {
		size_t left = q->ring[q->head]->len - q->off;

		if (w < left) {
			q->off += w;
			return;
		}
		w -= left;
		pop(q);
	}
}

int chunkq_flush(struct chunkq *q, int fd)
{
	struct iovec iov[CHUNKQ_IOV_MAX];

	while (q->count > 0) {
		int n = 0;
		ssize_t w;

		for (size_t i = 0; i < q->count && n < CHUNKQ_IOV_MAX; i++, n++) {
			struct shbuf *b = q->ring[(q->head + i) % q->cap];
			size_t skip = i == 0 ? q->off : 0;

			iov[n].iov_base = b->data + skip;
			iov[n].iov_len = b->len - skip;
		}
		w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		advance(q, (size_t)w);
	}
	return 0;
}

void chunkq_free(struct chunkq *q)
{
	while (q->count > 0)
		pop(q);
	free(q->ring);
	*q = (struct chunkq){0};
}
