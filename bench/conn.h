/* conn.h - the benchmark's client connections: connect, HELLO, buffered writes, frames read off the
 * wire. */
#ifndef NATTER_BENCH_CONN_H
#define NATTER_BENCH_CONN_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench.h"
#include "buf.h"
#include "proto.h"

struct target;

enum conn_role { ROLE_RECEIVER, ROLE_SENDER, ROLE_IDLE };

/* One client connection of the benchmark. */
struct conn {
	int fd;
	enum conn_role role;
	uint32_t index; /* among connections of its role */
	char nick[MAX_NICK_BYTES + 1];
	bool welcomed;
	uint64_t synced; /* the last sync token seen */
	struct buf part; /* a partial frame only */
	struct buf out;
	size_t out_off;
	/* receivers: which sequence numbers arrived (bit per message) */
	uint64_t *seen;
	uint64_t got;
};

struct fleet;

/* Called for every frame read; the frame lives only during the call. */
typedef void (*frame_fn)(struct fleet *f, struct conn *c, const struct frame *fr, uint64_t now);

/* Every connection of a run, and the poll set over them. */
struct fleet {
	struct conn *conns;
	struct pollfd *pfds;
	size_t n;   /* connected so far */
	size_t cap; /* planned */
	unsigned char *scratch;
	const struct target *target;
	frame_fn on_frame;
	void *ctx;
	uint64_t welcomed;
	uint64_t last_progress_ns; /* handlers update it when something useful happens */
	bool failed;
	char err[BENCH_ERR_BYTES];
};

/* Plan room for cap connections to t. */
void fleet_init(struct fleet *f, const struct target *t, size_t cap, frame_fn fn, void *ctx);
void fleet_free(struct fleet *f);

/*
 * Connect one more client (role, index, nick) and queue its HELLO.
 * Returns it, or NULL with f->err set.
 */
struct conn *fleet_connect(struct fleet *f, enum conn_role role, uint32_t index, const char *nick);

/*
 * One round: poll every connection (at most timeout_ms), write what is
 * queued, read what arrived and hand each frame to on_frame. Returns 0, or
 * -1 with f->err set when a connection fails (closed, ERROR, BYE).
 */
int fleet_step(struct fleet *f, int timeout_ms);

/* Mark the run failed with a sentence (the first one is kept). */
void fleet_fail(struct fleet *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Queue a SAY with text to the current room. */
void conn_say(struct conn *c, const char *text, size_t len);

/* Write what is queued; -1 with errno on a write error. */
int conn_flush(struct conn *c);

/*
 * The standard phase check: interrupted, the overall deadline, or no
 * progress for stall_s. Returns -1 with f->err set (naming what) if the
 * run must end.
 */
int fleet_check(struct fleet *f, unsigned stall_s, const char *what);

#endif
