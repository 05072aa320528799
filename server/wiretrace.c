/* SPDX-License-Identifier: ISC */
/* wiretrace.c - natterd --trace: each frame read or queued, and line-mode text. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "server.h"

/* How a client is named on the trace: "#3 alice (unix)", "#4 (tcp, line mode)". */
static void label(const struct client *c, const char *extra, char *dst, size_t cap)
{
	snprintf(dst, cap, "#%llu%s%s (%s%s%s)", (unsigned long long)c->serial,
		 c->nick[0] ? " " : "", c->nick, c->transport == TR_TCP ? "tcp" : "unix",
		 c->line.on ? ", line mode" : "", extra);
}

/* Write what was formatted; a trace that cannot be written is given up, once, with a warning. */
static void flush(struct server *s)
{
	if (trace_write(s->trace) == 0)
		return;
	log_warn("cannot write the trace to %s: %s; tracing stops", s->trace->name,
		 strerror(errno));
	trace_sink_close(s->trace);
	s->trace = NULL;
}

void wiretrace_in(struct server *s, struct client *c, const unsigned char *p, size_t n)
{
	char peer[96];

	if (s->trace == NULL)
		return; /* off: the hot paths call these unconditionally */
	label(c, "", peer, sizeof peer);
	trace_frame(&s->trace->buf, trace_sink_stamp(s->trace), TRACE_IN, peer, p, n);
	flush(s);
}

/*
 * What output_queue hands a client: frames for a native client (a buffer
 * may hold several: history, WHOREPLY runs), text lines for a line client.
 */
void wiretrace_queued(struct server *s, struct client *c, const struct shbuf *b)
{
	const unsigned char *p = b->data;
	size_t n = b->len;
	const char *stamp;
	char peer[96];

	if (s->trace == NULL)
		return; /* off: the hot paths call these unconditionally */
	stamp = trace_sink_stamp(s->trace);
	label(c, "", peer, sizeof peer);
	if (c->line.on || (n > 0 && p[0] != 0x00)) {
		trace_text(&s->trace->buf, stamp, TRACE_OUT, peer, p, n);
	} else {
		while (n > 0) {
			long whole = frame_complete(p, n);
			size_t take =
			    whole > 0 ? (size_t)whole : n; /* not a frame: show the rest as it is */

			trace_frame(&s->trace->buf, stamp, TRACE_OUT, peer, p, take);
			p += take;
			n -= take;
		}
	}
	flush(s);
}

void wiretrace_line_in(struct server *s, struct client *c, struct str line)
{
	char peer[96];

	if (s->trace == NULL)
		return; /* off: the hot paths call these unconditionally */
	label(c, "", peer, sizeof peer);
	buf_clear(&s->trace_enc);
	buf_append(&s->trace_enc, line.p, line.len);
	buf_append(&s->trace_enc, "\n", 1); /* it ended with one: show the line as it came */
	trace_text(&s->trace->buf, trace_sink_stamp(s->trace), TRACE_IN, peer, s->trace_enc.data,
		   s->trace_enc.len);
	flush(s);
}

/* The request frame a line became, encoded here only to be shown: it never crossed the wire. */
void wiretrace_request(struct server *s, struct client *c, const struct frame *f)
{
	char peer[128];

	if (s->trace == NULL)
		return; /* off: the hot paths call these unconditionally */
	label(c, ": the request this line became", peer, sizeof peer);
	buf_clear(&s->trace_enc);
	if (proto_encode(&s->trace_enc, f) < 0)
		return; /* too long to encode: chat_handle refuses it and says why */
	trace_frame(&s->trace->buf, trace_sink_stamp(s->trace), TRACE_IN, peer, s->trace_enc.data,
		    s->trace_enc.len);
	flush(s);
}
