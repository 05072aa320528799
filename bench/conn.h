/* SPDX-License-Identifier: ISC */
/* conn.h - the benchmark's client connections: connect, HELLO (or a line-mode NICK), an optional
 * ENTER, buffered writes, and message texts read off the wire. */
#ifndef NATTER_BENCH_CONN_H
#define NATTER_BENCH_CONN_H

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
	int epfd;	/* the fleet's epoll set, for arming EPOLLOUT */
	size_t slot;	/* its index in the fleet, the epoll data */
	bool out_armed; /* EPOLLOUT is in the set */
	bool line;	/* natterd's plain-text line mode instead of frames */
	bool ready;	/* welcomed, and in its room */
	enum conn_role role;
	uint32_t index;		       /* among connections of its role */
	uint32_t room_index;	       /* which of the run's rooms (0 with one room) */
	char nick[MAX_NICK_BYTES + 1]; /* the one WELCOME gave */
	char room[MAX_ROOM_BYTES + 1]; /* the room to ENTER after WELCOME; empty: #lobby */
	uint64_t synced;	       /* the last sync token seen */
	struct buf part;	       /* a partial frame or line only */
	struct buf out;
	size_t out_off;
	/* receivers: which sequence numbers arrived (bit per message) */
	uint64_t *seen;
	uint64_t got;
};

struct fleet;

/*
 * Called for every message text read: a live MSG's (or the relay's SAY's)
 * text, or the text of a line-mode message line. It lives only during the call.
 */
typedef void (*text_fn)(struct fleet *f, struct conn *c, struct str text, uint64_t now);

/* Every connection of a run, and the epoll set over them. */
struct fleet {
	struct conn *conns;
	size_t n;   /* connected so far */
	size_t cap; /* planned */
	int epfd;
	unsigned char *scratch;
	const struct target *target;
	text_fn on_text;
	void *ctx;
	uint64_t ready;		   /* connections welcomed and in their room */
	uint64_t last_progress_ns; /* handlers update it when something useful happens */
	bool failed;
	char err[BENCH_ERR_BYTES];
};

/* What one new connection is. */
struct conn_spec {
	enum conn_role role;
	uint32_t index;
	const char *nick;
	const char *room; /* NULL or "": stay in #lobby */
	uint32_t room_index;
	bool line;
};

/* Plan room for cap connections to t. */
void fleet_init(struct fleet *f, const struct target *t, size_t cap, text_fn fn, void *ctx);
void fleet_free(struct fleet *f);

/*
 * Connect one more client and queue its HELLO (or, in line mode, its NICK
 * line). Returns it, or NULL with f->err set.
 */
struct conn *fleet_connect(struct fleet *f, const struct conn_spec *spec);

/*
 * One round: wait for events (at most timeout_ms), write what is queued,
 * read what arrived and hand each message text to on_text. Returns 0, or
 * -1 with f->err set when a connection fails (closed, ERROR, BYE).
 */
int fleet_step(struct fleet *f, int timeout_ms);

/* Mark the run failed with a sentence (the first one is kept). */
void fleet_fail(struct fleet *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Queue a SAY with text to the connection's room. */
void conn_say(struct conn *c, const char *text, size_t len);

/* Write what is queued (arming EPOLLOUT for the rest); -1 with errno on a write error. */
int conn_flush(struct conn *c);

/* Mark c ready (welcomed and in its room), once. */
void conn_set_ready(struct fleet *f, struct conn *c);

/*
 * The standard phase check: interrupted, the overall deadline, or no
 * progress for stall_s. Returns -1 with f->err set (naming what) if the
 * run must end.
 */
int fleet_check(struct fleet *f, unsigned stall_s, const char *what);

/* connline.c: handle the whole lines in p[0..n) of a line-mode c; bytes used, or -1. */
long conn_lines(struct fleet *f, struct conn *c, const unsigned char *p, size_t n, uint64_t now);

#endif
