/* SPDX-License-Identifier: ISC */
/* buf.c - growable and shared byte buffers. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"

void buf_reserve(struct buf *b, size_t extra)
{
	size_t want = b->len + extra;
	size_t cap = b->cap ? b->cap : 64;

	if (want <= b->cap)
		return;
	while (cap < want)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_append(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_clear(struct buf *b)
{
	b->len = 0;
}

void buf_free(struct buf *b)
{
	free(b->data);
	*b = (struct buf){0};
}

struct shbuf *shbuf_new(const void *p, size_t len)
{
	struct shbuf *s = xmalloc(sizeof *s + len);

	*s = (struct shbuf){.refs = 1, .len = (uint32_t)len};
	memcpy(s->data, p, len);
	return s;
}

void shbuf_unref(struct shbuf *s)
{
	if (--s->refs == 0) {
		if (s->text != NULL)
			shbuf_unref(s->text);
		free(s);
	}
}
