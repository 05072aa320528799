/* SPDX-License-Identifier: ISC */
/* tracing.c - natter --trace: a session I/O layer that shows each frame in and out. */
#include "tracing.h"

#include <stdio.h>

#include "session.h"

enum { PEER_BYTES = SESSION_WHERE_BYTES + 16 };

struct tracing {
	struct session_io io;
	struct trace_sink *sink;
	char peer[PEER_BYTES]; /* "natterd at WHERE" */
};

/* Show every frame of p[0..n) (bytes that make no frame as one), then pass them down. */
static void show_frames(struct session_io *io, enum trace_dir dir, const unsigned char *p, size_t n)
{
	struct tracing *t = (struct tracing *)io;
	const char *stamp = trace_sink_stamp(t->sink);
	size_t at = 0;

	while (at < n) {
		long whole = frame_complete(p + at, n - at);
		size_t take = whole > 0 ? (size_t)whole : n - at;

		trace_frame(&t->sink->buf, stamp, dir, t->peer, p + at, take);
		at += take;
	}
	/* A trace that cannot be written stops (the sink writes no more); main reports it. */
	(void)trace_write(t->sink);
	io->below->frames(io->below, dir, p, n);
}

/* Reads, writes and held output are the layer below's business. */
static enum session_result pass_read(struct session_io *io, struct session *s, void *p, size_t n,
				     size_t *got, struct errmsg *e)
{
	return io->below->read(io->below, s, p, n, got, e);
}

static ssize_t pass_write(struct session_io *io, struct session *s, const unsigned char *p,
			  size_t n, struct errmsg *e)
{
	return io->below->write(io->below, s, p, n, e);
}

static uint64_t pass_held(struct session_io *io, const struct errmsg **end)
{
	return io->below->held(io->below, end);
}

void tracing_wrap(struct session *s)
{
	struct tracing *t = xcalloc(1, sizeof *t);

	t->io = (struct session_io){.below = s->io,
				    .read = pass_read,
				    .write = pass_write,
				    .frames = show_frames,
				    .held = pass_held};
	t->sink = s->trace;
	snprintf(t->peer, sizeof t->peer, "natterd at %s", s->where);
	s->io = &t->io;
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
