/* SPDX-License-Identifier: ISC */
/* labfaults.h - natter --lab-faults: the client's own writes to the server misbehave on purpose. */
#ifndef NATTER_LABFAULTS_H
#define NATTER_LABFAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errmsg.h"

enum {
	LAB_MAX_MERGE_FRAMES = 64,
	LAB_MAX_DELAY_MS = 10000,
	LAB_MAX_DROP_FRAMES = 1000000,
	LAB_MERGE_HOLD_MS = 100, /* merge=N writes what it holds after this long, N frames or not */
	LAB_DROP_LINGER_MS = 2000, /* drop=N: how long to wait for the server to close after ours */
	LAB_DESCRIBE_BYTES = 96,
};

/*
 * The faults, as --lab-faults=bytewise,merge=4,delay=200,drop=5 sets them:
 *   bytewise  every byte its own write()
 *   merge=N   hold up to N frames and write them with one write()
 *   delay=MS  wait MS milliseconds before each write (in the poll loop)
 *   drop=N    after N whole frames (HELLO included), write half the next
 *             one and close the connection
 */
struct lab_faults {
	bool on;
	bool bytewise;
	unsigned merge; /* 0 or 1: frames are written as they come */
	unsigned delay_ms;
	bool drop;
	unsigned drop_after;
};

/* Parse a comma-separated list of faults. Returns 0, or -1 with a sentence in e. */
int lab_faults_parse(const char *spec, struct lab_faults *out, struct errmsg *e);

/* The faults in the syntax they were given in ("bytewise,merge=4"). */
void lab_faults_describe(const struct lab_faults *f, char *dst, size_t cap);

/*
 * Where one connection's faulty writing stands. Writes are planned a chunk
 * at a time, and a chunk always ends where a frame ends: one frame, N
 * merged frames, or the half frame before a drop.
 */
struct lab_state {
	size_t frame_left;	/* bytes of the frame at the head of the output not yet written */
	size_t chunk_left;	/* bytes of the current chunk not yet written */
	uint64_t frames_done;	/* whole frames written on this connection */
	uint64_t next_write_ms; /* delay: no write before then */
	uint64_t hold_since_ms; /* merge: when holding fewer than N frames began; 0 if not */
	bool dropping;		/* the current chunk is the half frame before closing */
	/* Set by lab_next when a chunk starts, for the trace: */
	bool chunk_started;
	unsigned chunk_frames;
	size_t chunk_bytes;
	size_t drop_frame_bytes; /* the size of the frame cut in half */
};

enum lab_action {
	LAB_WRITE, /* write *len bytes from the head of the output in one write() */
	LAB_WAIT,  /* write nothing until *wake_ms (0: until more output is queued) */
	LAB_CLOSE, /* the half frame is out: close the connection now */
};

/*
 * Plan the next write of out[0..n), which holds whole frames but for a
 * partly written first one, at monotonic time now.
 */
enum lab_action lab_next(const struct lab_faults *f, struct lab_state *st, const unsigned char *out,
			 size_t n, uint64_t now, size_t *len, uint64_t *wake_ms);

/* Account for w bytes written from the head of out[0..n) (before they are dropped from it). */
void lab_wrote(const struct lab_faults *f, struct lab_state *st, const unsigned char *out, size_t n,
	       size_t w, uint64_t now);

#endif
