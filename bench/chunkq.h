/* SPDX-License-Identifier: ISC */
/* chunkq.h - the relay's output queue: shared buffers queued by reference, written with writev. */
#ifndef NATTER_BENCH_CHUNKQ_H
#define NATTER_BENCH_CHUNKQ_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/*
 * What one connection has yet to be sent: a ring of shared buffers (each
 * also queued to every other recipient) and how far into the first one the
 * writes have got. Zero-initialise for an empty queue.
 */
struct chunkq {
	struct shbuf **ring;
	size_t head, count, cap;
	size_t off;   /* bytes of ring[head] already written */
	size_t bytes; /* bytes still to write, in all */
};

/* Queue b (taking a reference of our own). */
void chunkq_push(struct chunkq *q, struct shbuf *b);

/*
 * Write as much as fd takes, up to CHUNKQ_IOV_MAX buffers per writev.
 * Returns 0 (all written or the socket is full), or -1 with errno.
 */
int chunkq_flush(struct chunkq *q, int fd);

static inline bool chunkq_empty(const struct chunkq *q)
{
	return q->count == 0;
}

/* Let go of every queued buffer and the ring. */
void chunkq_free(struct chunkq *q);

#endif
