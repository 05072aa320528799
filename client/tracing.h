/* SPDX-License-Identifier: ISC */
/* tracing.h - natter --trace: a session I/O layer that shows each frame in and out. */
#ifndef NATTER_TRACING_H
#define NATTER_TRACING_H

struct session;

/* Wrap s->io in a layer that shows on s->trace every frame in and out. */
void tracing_wrap(struct session *s);

/* Show a remark (a lab fault taking effect) on s->trace, if tracing. */
void tracing_note(const struct session *s, const char *what);

#endif
