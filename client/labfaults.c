/* SPDX-License-Identifier: ISC */
/* labfaults.c - natter --lab-faults: parsing, planning the faulty writes, the layer doing them. */
#include "labfaults.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "proto.h"
#include "session.h"
#include "sys.h"

enum { LAB_SPEC_MAX_BYTES = 256 };

#define LAB_FAULT_LIST "bytewise, merge=N, delay=MS or drop=N, separated by commas"

/* Parse "key=NUMBER" in [min, max]; false (with e) if the number is not one. */
static bool parse_value(const char *key, const char *value, uint64_t min, uint64_t max,
			const char *unit, unsigned *out, struct errmsg *e)
{
	uint64_t v;

	if (!parse_u64(value, min, max, &v)) {
		errmsg_set(e, "--lab-faults: %s= needs a number of %s from %llu to %llu, not '%s'",
			   key, unit, (unsigned long long)min, (unsigned long long)max, value);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

/* One fault of the list; false (with e) if it is not one. */
static bool parse_one(char *tok, struct lab_faults *f, struct errmsg *e)
{
	char *eq = strchr(tok, '=');
	const char *value = eq != NULL ? eq + 1 : NULL;

	if (eq != NULL)
		*eq = '\0';
	if (strcmp(tok, "bytewise") == 0 && value == NULL) {
		f->bytewise = true;
		return true;
	}
	if (strcmp(tok, "merge") == 0 && value != NULL)
		return parse_value("merge", value, 2, LAB_MAX_MERGE_FRAMES, "frames", &f->merge, e);
	if (strcmp(tok, "delay") == 0 && value != NULL)
		return parse_value("delay", value, 1, LAB_MAX_DELAY_MS, "milliseconds",
				   &f->delay_ms, e);
	if (strcmp(tok, "drop") == 0 && value != NULL) {
		f->drop = true;
		return parse_value("drop", value, 0, LAB_MAX_DROP_FRAMES, "frames", &f->drop_after,
				   e);
	}
	errmsg_set(e, "--lab-faults: '%s%s%s' is not a fault; use " LAB_FAULT_LIST, tok,
		   value != NULL ? "=" : "", value != NULL ? value : "");
	return false;
}

int lab_faults_parse(const char *spec, struct lab_faults *out, struct errmsg *e)
{
	char copy[LAB_SPEC_MAX_BYTES];
	size_t len = strlen(spec);
	char *tok, *at;

	memset(out, 0, sizeof *out);
	if (len == 0 || len >= sizeof copy) {
		errmsg_set(e, "--lab-faults needs a list of %s (at most %d bytes)", LAB_FAULT_LIST,
			   LAB_SPEC_MAX_BYTES - 1);
		return -1;
	}
	memcpy(copy, spec, len + 1);
	for (tok = copy; tok != NULL; tok = at) {
		at = strchr(tok, ',');
		if (at != NULL)
			*at++ = '\0';
		if (tok[0] == '\0') {
			errmsg_set(e, "--lab-faults: an empty fault in '%s'; use " LAB_FAULT_LIST,
				   spec);
			return -1;
		}
		if (!parse_one(tok, out, e))
			return -1;
	}
	out->on = true;
	return 0;
}

void lab_faults_describe(const struct lab_faults *f, char *dst, size_t cap)
{
	int n = 0;

	dst[0] = '\0';
	if (f->bytewise)
		n += snprintf(dst + n, cap - (size_t)n, "bytewise,");
	if (f->merge > 1 && (size_t)n < cap)
		n += snprintf(dst + n, cap - (size_t)n, "merge=%u,", f->merge);
	if (f->delay_ms > 0 && (size_t)n < cap)
		n += snprintf(dst + n, cap - (size_t)n, "delay=%u,", f->delay_ms);
	if (f->drop && (size_t)n < cap)
		n += snprintf(dst + n, cap - (size_t)n, "drop=%u,", f->drop_after);
	if (n > 0 && (size_t)n <= cap)
		dst[n - 1] = '\0'; /* the last comma */
}

/* Size of the frame at the head of out[0..n); n if it is not a whole frame (never queued). */
static size_t head_frame(const unsigned char *out, size_t n)
{
	long whole = frame_complete(out, n);

	return whole > 0 && (size_t)whole <= n ? (size_t)whole : n;
}

/* Begin a chunk at a frame boundary; false, with *wake_ms, while merge holds out for more frames.
 */
static bool start_chunk(const struct lab_faults *f, struct lab_state *st, const unsigned char *out,
			size_t n, uint64_t now, uint64_t *wake_ms)
{
	unsigned frames = 1;

	if (f->drop && st->frames_done >= f->drop_after) {
		st->dropping = true;
		st->drop_frame_bytes = st->frame_left;
		st->chunk_left = st->frame_left > 1 ? st->frame_left / 2 : 1;
		frames = 0;
	} else if (f->merge > 1) {
		uint64_t want = f->merge;
		size_t at = 0;

		/* A merged write never reaches into the frame that drop= cuts. */
		if (f->drop && f->drop_after - st->frames_done < want)
			want = f->drop_after - st->frames_done;
		for (frames = 0; frames < want && at < n; frames++)
			at += head_frame(out + at, n - at);
		if (frames < want) {
			if (st->hold_since_ms == 0)
				st->hold_since_ms = now;
			if (now < st->hold_since_ms + LAB_MERGE_HOLD_MS) {
				*wake_ms = st->hold_since_ms + LAB_MERGE_HOLD_MS;
				return false;
			}
		}
		st->hold_since_ms = 0;
		st->chunk_left = at;
	} else {
		st->chunk_left = st->frame_left;
	}
	st->chunk_started = true;
	st->chunk_frames = frames;
	st->chunk_bytes = st->chunk_left;
	return true;
}

enum lab_action lab_next(const struct lab_faults *f, struct lab_state *st, const unsigned char *out,
			 size_t n, uint64_t now, size_t *len, uint64_t *wake_ms)
{
	*len = 0;
	*wake_ms = 0;
	st->chunk_started = false;
	if (st->dropping && st->chunk_left == 0)
		return LAB_CLOSE;
	if (n == 0)
		return LAB_WAIT;
	if (f->delay_ms > 0 && st->next_write_ms == 0)
		st->next_write_ms = now + f->delay_ms; /* the first write waits too */
	if (f->delay_ms > 0 && now < st->next_write_ms) {
		*wake_ms = st->next_write_ms;
		return LAB_WAIT;
	}
	if (st->frame_left == 0)
		st->frame_left = head_frame(out, n);
	if (st->chunk_left == 0 && !start_chunk(f, st, out, n, now, wake_ms))
		return LAB_WAIT;
	*len = f->bytewise ? 1 : st->chunk_left;
	if (*len > n)
		*len = n;
	return LAB_WRITE;
}

void lab_wrote(const struct lab_faults *f, struct lab_state *st, const unsigned char *out, size_t n,
	       size_t w, uint64_t now)
{
	size_t at = 0;

	st->chunk_left -= w < st->chunk_left ? w : st->chunk_left;
	while (w > 0 && at < n) {
		size_t take;

		if (st->frame_left == 0)
			st->frame_left = head_frame(out + at, n - at);
		take = w < st->frame_left ? w : st->frame_left;
		st->frame_left -= take;
		w -= take;
		at += take;
		if (st->frame_left == 0)
			st->frames_done++;
	}
	if (f->delay_ms > 0)
		st->next_write_ms = now + f->delay_ms;
}

/* The layer: the faults' progress on one connection, and what they hold back. */
struct lab_io {
	struct session_io io;
	const struct lab_faults *f;
	struct lab_state st;
	uint64_t wake_ms;     /* a fault holds writes back until then (0: none)... */
	size_t wait_len;      /* ... unless more than these bytes are queued meanwhile */
	bool dropped;	      /* drop=N: our side is shut; waiting for the server's close */
	uint64_t deadline_ms; /* ... until then at most */
	struct errmsg why;    /* the sentence to end with */
};

/* Say on the trace what the fault does to the chunk lab_next just began. */
static void note_chunk(const struct lab_io *l, const struct session *s)
{
	const struct lab_state *st = &l->st;
	char what[192];

	if (st->chunk_frames == 0)
		snprintf(
		    what, sizeof what,
		    "lab fault drop=%u: after %llu whole frames, only %zu of the next frame's %zu "
		    "bytes are written, then the connection is closed",
		    l->f->drop_after, (unsigned long long)st->frames_done, st->chunk_bytes,
		    st->drop_frame_bytes);
	else if (st->chunk_frames > 1)
		snprintf(
		    what, sizeof what,
		    "lab fault merge=%u: the next %u frames (%zu bytes) go out in one write()%s",
		    l->f->merge, st->chunk_frames, st->chunk_bytes,
		    l->f->bytewise ? ", made of one-byte writes (bytewise)" : "");
	else if (l->f->bytewise)
		snprintf(
		    what, sizeof what,
		    "lab fault bytewise: the next frame (%zu bytes) goes out one byte per write()",
		    st->chunk_bytes);
	else
		return;
	tracing_note(s, what);
}

/*
 * drop=N: the half frame is out; shut our sending side, so the server reads
 * end of file in the middle of the frame. We read (and ignore) until it
 * closes, at most LAB_DROP_LINGER_MS: closing at once could make the
 * server's next write fail before it ever read the half frame.
 */
static int drop_now(struct lab_io *l, const struct session *s)
{
	errmsg_set(&l->why,
		   "lab fault drop=%u: wrote %zu of the %zu bytes of frame %llu to %s and closed "
		   "the connection on purpose",
		   l->f->drop_after, l->st.chunk_bytes, l->st.drop_frame_bytes,
		   (unsigned long long)l->st.frames_done + 1, s->where);
	l->dropped = true;
	l->deadline_ms = mono_ms() + LAB_DROP_LINGER_MS;
	if (shutdown(s->fd, SHUT_WR) < 0)
		return -1;
	tracing_note(s, "lab fault drop: our side of the connection is closed (shutdown); the "
			"server reads end of file in the middle of a frame");
	return 0;
}

/* After a drop, what the server still sends is read and ignored, until it closes. */
static ssize_t lab_read(struct session_io *io, struct session *s, void *p, size_t n)
{
	ssize_t r = io->below->read(io->below, s, p, n);

	if (r <= 0 || !((struct lab_io *)io)->dropped)
		return r;
	errno = EAGAIN;
	return -1;
}

/*
 * Write p[0..n) as the faults ask, a planned chunk at a time. A bytewise or
 * delayed write is one per call, so the poll loop (and the server) run
 * between them; a delay or a merge that holds is a wake-up time, never a sleep.
 */
static ssize_t lab_write(struct session_io *io, struct session *s, const unsigned char *p, size_t n)
{
	struct lab_io *l = (struct lab_io *)io;
	size_t done = 0;

	l->wake_ms = 0;
	while (!l->dropped) {
		uint64_t now = mono_ms(), wake;
		size_t len;
		ssize_t w;
		enum lab_action a = lab_next(l->f, &l->st, p + done, n - done, now, &len, &wake);

		if (l->st.chunk_started)
			note_chunk(l, s);
		if (a == LAB_CLOSE) /* the rest of the output goes with the connection */
			return drop_now(l, s) < 0 ? -1 : (ssize_t)n;
		if (a == LAB_WAIT) {
			l->wake_ms = wake;
			l->wait_len = n - done;
			break;
		}
		w = io->below->write(io->below, s, p + done, len);
		if (w <= 0)
			return w < 0 ? -1 : (ssize_t)done;
		lab_wrote(l->f, &l->st, p + done, n - done, (size_t)w, now);
		done += (size_t)w;
		if (l->f->bytewise || l->f->delay_ms > 0)
			break;
	}
	return (ssize_t)done;
}

static uint64_t lab_held(struct session_io *io, const struct session *s, const struct errmsg **end)
{
	struct lab_io *l = (struct lab_io *)io;

	if (l->dropped) {
		*end = &l->why;
		return l->deadline_ms;
	}
	/* Frames queued since may be what a holding merge waits for. */
	return s->out.len == l->wait_len ? l->wake_ms : 0;
}

void lab_wrap(struct session *s)
{
	struct lab_io *l = xcalloc(1, sizeof *l);

	l->io = (struct session_io){
	    .below = s->io, .read = lab_read, .write = lab_write, .held = lab_held};
	l->f = s->faults;
	s->io = &l->io;
}
