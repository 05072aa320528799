/* SPDX-License-Identifier: ISC */
/* errmsg.h - one plain sentence explaining a failure, for the user to read. */
#ifndef NATTER_ERRMSG_H
#define NATTER_ERRMSG_H

#include <stddef.h>

enum { ERRMSG_BYTES = 512 };

/* A failure the user must act on: one sentence naming the thing (path, nick, limit) and the fix. */
struct errmsg {
	char text[ERRMSG_BYTES];
};

/* Set the message, printf-style; always NUL-terminated, truncated if long. */
void errmsg_set(struct errmsg *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Abort with a message: for states that cannot happen (out of memory). */
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* malloc/realloc/strdup that never return NULL: running out is fatal. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
