/* SPDX-License-Identifier: ISC */
/* lines.h - split a byte stream (stdin) into lines of bounded length. */
#ifndef NATTER_LINES_H
#define NATTER_LINES_H

#include <stdbool.h>
#include <stddef.h>

/* Called per line (from number 1), without "\n" or "\r\n"; an overlong one has len 0, too_long. */
typedef void (*line_fn)(void *ctx, const char *line, size_t len, unsigned long number,
			bool too_long);

struct lines {
	char *buf;
	size_t len;
	size_t max;
	bool overflow;
	unsigned long number;
};

/* Prepare to split lines of at most max bytes. */
void lines_init(struct lines *l, size_t max);
void lines_free(struct lines *l);

/* Take n more bytes; calls fn for every line they complete. */
void lines_feed(struct lines *l, const char *p, size_t n, line_fn fn, void *ctx);

/* At end of input: a last line without "\n" still counts. */
void lines_finish(struct lines *l, line_fn fn, void *ctx);

#endif
