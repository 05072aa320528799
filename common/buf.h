/* SPDX-License-Identifier: ISC */
/* buf.h - growable byte buffers, and immutable reference-counted ones for fan-out. */
#ifndef NATTER_BUF_H
#define NATTER_BUF_H

#include <stddef.h>
#include <stdint.h>

/* A growable byte string; zero-initialise to get an empty one. */
struct buf {
	unsigned char *data;
	size_t len;
	size_t cap;
};

void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
/* Drop the first n bytes (n <= len). */
void buf_consume(struct buf *b, size_t n);
void buf_clear(struct buf *b);
/* Append printf-style text (formatted in full, however long). */
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

/* Frames encoded once for every recipient of a broadcast, freed when the last lets go. */
struct shbuf {
	uint32_t refs;
	uint32_t len;
	/* The content in another form (line mode's text), made once when first needed; or NULL. */
	struct shbuf *text;
	unsigned char data[];
};

struct shbuf *shbuf_new(const void *p, size_t len);

static inline struct shbuf *shbuf_ref(struct shbuf *s)
{
	s->refs++;
	return s;
}

void shbuf_unref(struct shbuf *s);

#endif
