/* SPDX-License-Identifier: ISC */
/* lines.c - bounded line splitting: partial lines wait, overlong lines are skipped whole. */
#include "lines.h"

#include <stdlib.h>
#include <string.h>

#include "errmsg.h"

void lines_init(struct lines *l, size_t max)
{
	/* One spare byte holds the '\r' of a "\r\n" line that is exactly max long. */
	*l = (struct lines){.buf = xmalloc(max + 1), .max = max};
}

void lines_free(struct lines *l)
{
	free(l->buf);
	l->buf = NULL;
}

static void keep(struct lines *l, const char *p, size_t n)
{
	l->overflow = l->overflow || n > l->max + 1 - l->len;
	if (l->overflow)
		return;
	memcpy(l->buf + l->len, p, n);
	l->len += n;
}

static void emit(struct lines *l, line_fn fn, void *ctx)
{
	bool too_long = l->overflow;

	if (!too_long && l->len > 0 && l->buf[l->len - 1] == '\r')
		l->len--;
	if (l->len > l->max)
		too_long = true;
	l->number++;
	fn(ctx, l->buf, too_long ? 0 : l->len, l->number, too_long);
	l->len = 0;
	l->overflow = false;
}

void lines_feed(struct lines *l, const char *p, size_t n, line_fn fn, void *ctx)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl != NULL ? (size_t)(nl - p) : n;

		keep(l, p, take);
		if (nl == NULL)
			break;
		emit(l, fn, ctx);
		p += take + 1;
		n -= take + 1;
	}
}

void lines_finish(struct lines *l, line_fn fn, void *ctx)
{
	if (l->len > 0 || l->overflow)
		emit(l, fn, ctx);
}
