/* SPDX-License-Identifier: ISC */
/* tracing.c - natter --trace: the frames a session queues and receives, and lab faults' remarks. */
#include "session.h"

#include <stdio.h>

enum { PEER_BYTES = SESSION_WHERE_BYTES + 16 };

void tracing_show(const struct session *s, enum trace_dir dir, const unsigned char *p, size_t n)
{
	const char *stamp = trace_sink_stamp(s->trace);
	char peer[PEER_BYTES];
	size_t at = 0;

	snprintf(peer, sizeof peer, "natterd at %s", s->where);
	while (at < n) {
		long whole = frame_complete(p + at, n - at);
		size_t take = whole > 0 ? (size_t)whole : n - at;

		trace_frame(&s->trace->buf, stamp, dir, peer, p + at, take);
		at += take;
	}
	/* A trace that cannot be written stops (the sink writes no more); main reports it. */
	(void)trace_write(s->trace);
}

void tracing_note(const struct session *s, const char *what)
{
	char peer[PEER_BYTES];

	if (s->trace == NULL)
		return;
	snprintf(peer, sizeof peer, "natterd at %s", s->where);
	trace_note(&s->trace->buf, trace_sink_stamp(s->trace), peer, what);
	(void)trace_write(s->trace);
}
