/* SPDX-License-Identifier: ISC */
/* outq.h - a client's queue of shared output buffers, drained with writev. */
#ifndef NATTER_OUTQ_H
#define NATTER_OUTQ_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* One queued buffer and how much of it has been written already. */
struct outref {
	struct shbuf *buf;
	uint32_t off;
};

/* A ring of buffer references; an empty queue holds no memory. */
struct outq {
	struct outref *items;
	uint32_t head;
	uint32_t count;
	uint32_t cap;
	size_t bytes; /* unwritten bytes across all items */
};

/* Queue buf (taking a new reference to it). */
void outq_push(struct outq *q, struct shbuf *buf);

/* Write as much as the socket takes, several buffers per writev; 0, or -1 with errno. */
int outq_flush(struct outq *q, int fd);

/* Drop every buffer not yet started (a half-written one stays, so the stream stays framed). */
void outq_drop_unstarted(struct outq *q);

/* Free the ring of an empty queue (so an idle client holds no memory). */
void outq_trim(struct outq *q);

/* Release every reference and the ring itself. */
void outq_free(struct outq *q);

#endif
